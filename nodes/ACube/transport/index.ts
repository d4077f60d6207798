import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ApiHost } from '../../shared/countries';
import { resolveBaseUrl } from '../../shared/countries';
import type { HttpFailure } from '../../shared/httpFailure';
import { isConnectionFailure, readHttpFailure } from '../../shared/httpFailure';
import type { ErrorContext } from './errors';
import { failureToNodeApiError } from './errors';

export const CREDENTIAL_TYPE = 'aCubeApi';

export type RequestContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface RetryPolicy {
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

export interface ApiRequest {
	host: ApiHost;
	method: IHttpRequestMethods;
	/** Path below the host's base URL, or an absolute path or URL (Hydra links). */
	path: string;
	qs?: IDataObject;
	body?: string | Buffer | IDataObject;
	contentType?: string;
	accept: string;
	/** The answer is a file (PDF, HTML, XML): keep its bytes. */
	binary?: boolean;
	/** Statuses returned to the caller as an answer instead of raised as an error. */
	passStatuses?: number[];
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
}

const IDEMPOTENT_METHODS = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'DELETE', 'PUT']);

function retryAfterMs(failure: HttpFailure): number | undefined {
	const value = failure.headers['retry-after'];
	if (value === undefined) return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Whether a failed request is safe to send again. A 429 means nothing was processed, and a refused
 * connection means nothing was sent, so those are retried for every method; a 5xx or a timeout is
 * retried only where sending twice cannot create a second invoice.
 */
function isRetryable(method: IHttpRequestMethods, failure: HttpFailure): boolean {
	if (failure.status === 429) return true;
	if (failure.status === undefined && !isConnectionFailure(failure)) return false;
	if (failure.code === 'ECONNREFUSED') return true;
	if (!IDEMPOTENT_METHODS.has(method)) return false;
	return failure.status === undefined || failure.status >= 500;
}

/** A POST that timed out or met a 5xx may have created the invoice all the same. */
function mayHaveReachedAcube(method: IHttpRequestMethods, failure: HttpFailure): boolean {
	if (method !== 'POST') return false;
	if (failure.status !== undefined) return failure.status >= 500;
	return isConnectionFailure(failure) && failure.code !== 'ECONNREFUSED';
}

function backoffDelay(policy: RetryPolicy, attempt: number, failure: HttpFailure): number {
	const fromServer = retryAfterMs(failure);
	if (fromServer !== undefined) return Math.min(fromServer, policy.maxDelayMs);
	return Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
}

function joinUrl(baseUrl: string, path: string): string {
	if (/^https?:\/\//i.test(path)) return path;
	if (path.startsWith('/') && hasPathPrefix(baseUrl, path)) return new URL(path, baseUrl).toString();
	return `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** Hydra links are absolute paths that already include the base URL's own path (e.g. /api/invoices?page=2). */
function hasPathPrefix(baseUrl: string, path: string): boolean {
	const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
	return basePath !== '' && (path === basePath || path.startsWith(`${basePath}/`));
}

/** One A-Cube connection for one node run: the credential is read once, every request goes through it. */
export class ACubeClient {
	private constructor(
		private readonly context: RequestContext,
		private readonly settings: IDataObject,
		readonly retryPolicy: RetryPolicy,
		readonly timeoutMs: number,
	) {}

	static async create(
		context: RequestContext,
		options: { retryPolicy?: Partial<RetryPolicy>; timeoutMs?: number } = {},
	): Promise<ACubeClient> {
		const settings = await context.getCredentials(CREDENTIAL_TYPE);
		return new ACubeClient(
			context,
			settings,
			{ ...DEFAULT_RETRY_POLICY, ...options.retryPolicy },
			options.timeoutMs ?? 60_000,
		);
	}

	get node(): INode {
		return this.context.getNode();
	}

	baseUrl(host: ApiHost): string {
		return resolveBaseUrl(this.settings, host);
	}

	async request<T = unknown>(request: ApiRequest, errorContext: Omit<ErrorContext, 'mayHaveReachedAcube'>): Promise<ApiResponse<T>> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: joinUrl(this.baseUrl(request.host), request.path),
			qs: request.qs,
			headers: { Accept: request.accept },
			returnFullResponse: true,
			timeout: this.timeoutMs,
		};
		if (request.body !== undefined) {
			options.body = request.body;
			options.headers!['Content-Type'] = request.contentType ?? 'application/json';
		}
		if (request.binary) {
			options.encoding = 'arraybuffer';
			options.json = false;
		} else {
			options.json = typeof request.body === 'object' && !Buffer.isBuffer(request.body);
		}

		for (let attempt = 0; ; attempt++) {
			try {
				const response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					CREDENTIAL_TYPE,
					options,
				)) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
				return normaliseResponse<T>(response, request.binary === true);
			} catch (error) {
				const failure = readHttpFailure(error);
				if (failure.status !== undefined && request.passStatuses?.includes(failure.status)) {
					return { statusCode: failure.status, headers: failure.headers, body: failure.body as T };
				}
				if (attempt >= this.retryPolicy.maxRetries || !isRetryable(request.method, failure)) {
					throw failureToNodeApiError(this.node, failure, {
						...errorContext,
						mayHaveReachedAcube: mayHaveReachedAcube(request.method, failure),
					});
				}
				await sleep(backoffDelay(this.retryPolicy, attempt, failure));
			}
		}
	}
}

function normaliseResponse<T>(
	response: { statusCode: number; headers: Record<string, unknown>; body: unknown },
	binary: boolean,
): ApiResponse<T> {
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(response.headers ?? {})) {
		if (value !== undefined && value !== null) headers[key.toLowerCase()] = String(value);
	}
	let body = response.body;
	if (binary) {
		body = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(String(body ?? ''), 'utf8');
	} else if (typeof body === 'string' && /json/.test(headers['content-type'] ?? '')) {
		body = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
	}
	return { statusCode: response.statusCode, headers, body: body as T };
}
