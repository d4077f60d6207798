import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

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

function asRecord(value: unknown): Record<string, unknown> | undefined {
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

/** A-Cube answers {code, message} from its JWT layer and RFC 7807 problem JSON from the API layer. */
export function describeApiAnswer(body: unknown): string | undefined {
	const record = asRecord(body);
	if (!record) {
		if (typeof body === 'string' && body.trim() !== '' && !body.trimStart().startsWith('<')) {
			return body.trim().slice(0, 300);
		}
		return undefined;
	}
	const parts: string[] = [];
	const title = record.title ?? record['hydra:title'];
	const detail = record.detail ?? record['hydra:description'];
	if (typeof title === 'string' && title !== '') parts.push(title);
	if (typeof detail === 'string' && detail !== '' && detail !== title) parts.push(detail);
	if (parts.length === 0 && typeof record.message === 'string') parts.push(record.message);
	if (parts.length === 0 && typeof record.error === 'string') parts.push(record.error);
	const violations = Array.isArray(record.violations) ? record.violations : [];
	const violationTexts = violations
		.map((violation) => asRecord(violation))
		.filter((violation): violation is Record<string, unknown> => violation !== undefined)
		.map((violation) =>
			violation.propertyPath ? `${String(violation.propertyPath)}: ${String(violation.message)}` : String(violation.message),
		);
	// API Platform repeats the violations inside `detail`; list them once.
	if (violationTexts.length > 0) {
		const head = parts.filter((part) => !violationTexts.some((text) => part.includes(text)));
		return [...head, violationTexts.join('; ')].join(': ');
	}
	return parts.length > 0 ? parts.join(': ') : undefined;
}

const STATUS_EXPLANATIONS: Record<number, string> = {
	400: 'A-Cube could not read the request',
	401: 'A-Cube did not accept the login token, even after a fresh login',
	403: 'This A-Cube account is not allowed to do this',
	404: 'Not found on A-Cube',
	409: 'A-Cube reports a conflict',
	413: 'The invoice is too large for A-Cube',
	422: 'A-Cube found errors in what was sent',
	429: 'A-Cube rate limit reached and retries ran out',
};

const STATUS_HINTS: Record<number, string> = {
	401: 'Check that the credential\'s environment (sandbox or production) matches the account: a sandbox token is refused by production hosts.',
	403: 'The account may lack the role for this country, or the legal entity is not enabled for it.',
	404: 'Check the UUID and that the node\'s country matches the country the invoice was sent to.',
	409: 'This usually means the invoice (same number and seller) was already submitted.',
	413: 'Split the batch or reduce embedded attachments.',
	422: 'Fix the listed fields and send it again.',
	429: 'Lower the node\'s Concurrency option or spread the run over time.',
};

export interface ErrorContext {
	itemIndex?: number;
	/** What the node was doing, e.g. "Submit invoice". */
	action: string;
	/** A POST that may have reached A-Cube before failing: it is not re-sent, and the user is told how to check. */
	mayHaveReachedAcube?: boolean;
	/** Advice for particular statuses, in place of the general one. */
	hints?: Partial<Record<number, string>>;
}

export function failureToNodeApiError(node: INode, failure: HttpFailure, context: ErrorContext): NodeApiError {
	const answer = describeApiAnswer(failure.body);
	const { status } = failure;
	let message: string;
	let description: string | undefined;
	if (isConnectionFailure(failure)) {
		const what = isTimeout(failure) ? 'timed out' : `failed (${failure.code})`;
		message = `${context.action}: the request to A-Cube ${what}`;
	} else if (status === undefined) {
		message = `${context.action}: ${failure.message}`;
	} else if (status >= 500) {
		message = `${context.action}: A-Cube answered ${status}${answer ? ` (${answer})` : ' (server error)'}`;
	} else {
		const explanation = STATUS_EXPLANATIONS[status] ?? `A-Cube answered ${status}`;
		message = `${context.action}: ${explanation}${answer ? `: ${answer}` : ''}`;
		description = context.hints?.[status] ?? STATUS_HINTS[status];
	}
	if (context.mayHaveReachedAcube && (status !== undefined || isConnectionFailure(failure))) {
		description =
			'The invoice may have reached A-Cube before the failure, so it was not sent again automatically. Before re-sending, look for it with the "Get Many" operation (filter by invoice number) or in the A-Cube dashboard.';
	}
	// A plain object on purpose: the HTTP client's error holds the request, including the Authorization header.
	const sanitised: JsonObject = { message, httpCode: status === undefined ? null : String(status) };
	if (failure.body !== undefined && typeof failure.body !== 'string') sanitised.response = failure.body as JsonObject;
	return new NodeApiError(node, sanitised, {
		message,
		description,
		httpCode: status === undefined ? undefined : String(status),
		itemIndex: context.itemIndex,
	});
}
