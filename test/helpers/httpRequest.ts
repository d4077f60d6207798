import * as http from 'node:http';
import * as https from 'node:https';
import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * A small stand-in for n8n-core's httpRequest helper (axios-based) with the behaviour the package
 * relies on: qs, JSON or raw bodies, arraybuffer responses, full responses, timeouts, and errors that
 * carry `response: { status, headers, data }` like axios's. The real helper is exercised in the e2e suite.
 */
export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	const url = new URL(options.url, options.baseURL);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value !== undefined && value !== null) url.searchParams.append(key, String(value));
	}
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = String(value);
	let payload: Buffer | undefined;
	if (options.body !== undefined && options.body !== null && options.body !== '') {
		if (Buffer.isBuffer(options.body)) payload = options.body;
		else if (typeof options.body === 'string') payload = Buffer.from(options.body, 'utf8');
		else {
			payload = Buffer.from(JSON.stringify(options.body), 'utf8');
			headers['content-type'] ??= 'application/json';
		}
		headers['content-length'] = String(payload.length);
	}
	const client = url.protocol === 'https:' ? https : http;
	const response = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; data: Buffer }>((resolve, reject) => {
		const request = client.request(url, { method: options.method ?? 'GET', headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, data: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		if (options.timeout) {
			request.setTimeout(options.timeout, () => {
				const error = Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' });
				request.destroy(error);
			});
		}
		request.on('error', reject);
		if (payload) request.write(payload);
		request.end();
	});

	const contentType = String(response.headers['content-type'] ?? '');
	let data: unknown = response.data;
	if (options.encoding !== 'arraybuffer') {
		const text = response.data.toString('utf8');
		data = text;
		if ((options.json || /json/.test(contentType)) && text.trim() !== '') {
			try {
				data = JSON.parse(text) as unknown;
			} catch {
				data = text;
			}
		}
	}
	if (response.status >= 400) {
		throw Object.assign(new Error(`Request failed with status code ${response.status}`), {
			isAxiosError: true,
			config: { headers, url: url.toString() },
			response: { status: response.status, headers: response.headers, data },
		});
	}
	return options.returnFullResponse ? { statusCode: response.status, headers: response.headers, body: data } : data;
}
