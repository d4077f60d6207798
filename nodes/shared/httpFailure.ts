/** Reading an HTTP failure out of whatever n8n's request helpers threw; shared by the credential and the transport. */

/** What went wrong with one HTTP exchange, read out of whatever n8n's request helpers threw. */
export interface HttpFailure {
	status?: number;
	headers: Record<string, string>;
	body?: unknown;
	/** Network-level code such as ECONNRESET or ETIMEDOUT when no answer came back. */
	code?: string;
	message: string;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const CONNECTION_CODES = new Set([...TIMEOUT_CODES, 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

export function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function decodeBody(data: unknown): unknown {
	if (data instanceof ArrayBuffer) data = Buffer.from(data);
	if (Buffer.isBuffer(data)) data = data.toString('utf8');
	if (typeof data === 'string') {
		const trimmed = data.trim();
		if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
			try {
				return JSON.parse(trimmed) as unknown;
			} catch {
				return data;
			}
		}
		return data;
	}
	return data;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	const record = asRecord(headers);
	if (!record) return result;
	const entries =
		typeof (record as { toJSON?: unknown }).toJSON === 'function'
			? Object.entries((record as unknown as { toJSON: () => Record<string, unknown> }).toJSON())
			: Object.entries(record);
	for (const [key, value] of entries) {
		if (value !== undefined && value !== null) result[key.toLowerCase()] = String(value);
	}
	return result;
}

/** n8n wraps the HTTP client's error (often twice); walk the cause chain to the response. */
export function readHttpFailure(error: unknown): HttpFailure {
	const seen = new Set<unknown>();
	let current: unknown = error;
	let code: string | undefined;
	let httpCode: number | undefined;
	let contextData: unknown;
	while (asRecord(current) && !seen.has(current)) {
		seen.add(current);
		const record = asRecord(current)!;
		const response = asRecord(record.response);
		if (response && typeof response.status === 'number') {
			return {
				status: response.status,
				headers: lowerCaseHeaders(response.headers),
				body: decodeBody(response.data ?? response.body),
				message: String(record.message ?? ''),
			};
		}
		if (typeof record.code === 'string' && code === undefined) code = record.code;
		if (httpCode === undefined && record.httpCode !== undefined && record.httpCode !== null && /^\d{3}$/.test(String(record.httpCode))) {
			httpCode = Number(record.httpCode);
		}
		contextData ??= asRecord(record.context)?.data;
		// n8n-workflow keeps the wrapped error in `cause` (2.x from 2.30 on) or in `errorResponse` (older).
		current = record.cause ?? record.errorResponse;
	}
	const message = error instanceof Error ? error.message : String(error);
	if (code === undefined && httpCode === undefined && /timeout|timed out/i.test(message)) code = 'ETIMEDOUT';
	return { status: httpCode, headers: {}, body: httpCode === undefined ? undefined : contextData, code, message };
}

export function isTimeout(failure: HttpFailure): boolean {
	return failure.code !== undefined && TIMEOUT_CODES.has(failure.code);
}

/** No HTTP answer because the connection failed, as opposed to an error raised before anything was sent. */
export function isConnectionFailure(failure: HttpFailure): boolean {
	return failure.status === undefined && failure.code !== undefined && CONNECTION_CODES.has(failure.code);
}
