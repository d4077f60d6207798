import { createHash, createPublicKey, sign as signBytes, timingSafeEqual, verify as verifyBytes } from 'crypto';
import type { KeyObject } from 'crypto';

/**
 * HTTP Message Signatures (the IETF draft that became RFC 9421), as A-Cube signs its webhooks:
 * Ed25519, keyid "acube", covering "@method" "@authority" "@target-uri" "date" "content-digest".
 */

export interface SignedRequest {
	method: string;
	/** The URL the sender called: behind a proxy, the public one. */
	url: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

export interface SignatureInput {
	label: string;
	components: string[];
	/** The inner list and parameters exactly as sent: the value of "@signature-params". */
	signatureParams: string;
	params: Record<string, string | number>;
}

export type VerificationResult =
	| { ok: true; keyId?: string; created?: number }
	/** keyMismatch: the request was well formed but the key did not verify it (a rotated key, or a forgery). */
	| { ok: false; reason: string; keyMismatch?: boolean };

function header(headers: SignedRequest['headers'], name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	if (value === undefined) return undefined;
	return (Array.isArray(value) ? value : [value]).map((part) => part.trim()).join(', ');
}

/** Parses one dictionary member of a Signature-Input header, e.g. `sig=("@method" "date");created=1;keyid="acube"`. */
export function parseSignatureInput(value: string, wantedLabel?: string): SignatureInput | undefined {
	const members = value.match(/[a-z*][a-z0-9_.*-]*=\([^)]*\)(?:;[a-z*][a-z0-9_.*-]*=(?:"[^"]*"|[^;,\s]+))*/gi) ?? [];
	for (const member of members) {
		const equals = member.indexOf('=');
		const label = member.slice(0, equals);
		if (wantedLabel !== undefined && label !== wantedLabel) continue;
		const signatureParams = member.slice(equals + 1);
		const listEnd = signatureParams.indexOf(')');
		const components = [...signatureParams.slice(1, listEnd).matchAll(/"([^"]*)"/g)].map((match) => match[1].toLowerCase());
		const params: Record<string, string | number> = {};
		for (const [, key, quoted, bare] of signatureParams.slice(listEnd + 1).matchAll(/;([a-z0-9_.*-]+)=(?:"([^"]*)"|([^;]+))/gi)) {
			params[key.toLowerCase()] = quoted !== undefined ? quoted : /^\d+$/.test(bare) ? Number(bare) : bare;
		}
		return { label, components, signatureParams, params };
	}
	return undefined;
}

/** Reads `label=:base64:` out of a Signature header. */
export function parseSignature(value: string, label: string): Buffer | undefined {
	for (const member of value.split(',')) {
		const match = member.trim().match(/^([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/=]*):$/i);
		if (match && match[1] === label) return Buffer.from(match[2], 'base64');
	}
	return undefined;
}

function componentValue(name: string, request: SignedRequest): string | undefined {
	const url = new URL(request.url);
	switch (name) {
		case '@method':
			return request.method.toUpperCase();
		case '@authority':
			return url.host.toLowerCase();
		case '@target-uri':
			return url.toString();
		case '@scheme':
			return url.protocol.replace(':', '').toLowerCase();
		case '@path':
			return url.pathname;
		case '@query':
			return url.search === '' ? '?' : url.search;
		case '@request-target':
			return `${url.pathname}${url.search}`;
		default:
			return name.startsWith('@') ? undefined : header(request.headers, name);
	}
}

/** The signature base: one `"name": value` line per covered component, then "@signature-params". */
export function signatureBase(request: SignedRequest, input: Pick<SignatureInput, 'components' | 'signatureParams'>): string {
	const lines = input.components.map((name) => {
		const value = componentValue(name, request);
		if (value === undefined) throw new Error(`the signed component "${name}" is missing from the request`);
		return `"${name}": ${value}`;
	});
	lines.push(`"@signature-params": ${input.signatureParams}`);
	return lines.join('\n');
}

export function contentDigest(body: Buffer, algorithm: 'sha-256' | 'sha-512' = 'sha-256'): string {
	return `${algorithm}=:${createHash(algorithm.replace('-', '')).update(body).digest('base64')}:`;
}

/** Checks a Content-Digest header against the raw body; every digest the header lists must match. */
export function checkContentDigest(value: string | undefined, body: Buffer): string | undefined {
	if (!value) return 'the content-digest header is missing';
	let checked = 0;
	for (const member of value.split(',')) {
		const match = member.trim().match(/^(sha-256|sha-512)=:([A-Za-z0-9+/=]+):$/i);
		if (!match) continue;
		const expected = Buffer.from(contentDigest(body, match[1].toLowerCase() as 'sha-256').split(':')[1], 'base64');
		const sent = Buffer.from(match[2], 'base64');
		if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return 'the body does not match its content-digest';
		checked += 1;
	}
	return checked === 0 ? 'the content-digest header names no supported algorithm' : undefined;
}

/** Accepts a PEM public key or a bare base64 one (raw 32-byte Ed25519 or DER SubjectPublicKeyInfo). */
export function parsePublicKey(text: string): KeyObject {
	const trimmed = text.trim();
	if (trimmed.includes('-----BEGIN')) return createPublicKey(trimmed.replace(/\\n/g, '\n'));
	const der = Buffer.from(trimmed, 'base64');
	if (der.length === 32) {
		const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
		return createPublicKey({ key: Buffer.concat([spkiPrefix, der]), format: 'der', type: 'spki' });
	}
	return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

/** Components a webhook signature must cover for the request to count as genuine. */
export const REQUIRED_COMPONENTS = ['@method', '@target-uri', 'content-digest'];

export function verifyRequestSignature(request: SignedRequest, publicKey: KeyObject): VerificationResult {
	const inputHeader = header(request.headers, 'signature-input');
	const signatureHeader = header(request.headers, 'signature');
	if (!inputHeader || !signatureHeader) return { ok: false, reason: 'the request is not signed (no signature or signature-input header)' };
	const input = parseSignatureInput(inputHeader);
	if (!input) return { ok: false, reason: 'the signature-input header cannot be read' };
	const alg = input.params.alg;
	if (alg !== undefined && String(alg).toLowerCase() !== 'ed25519') return { ok: false, reason: `unsupported signature algorithm "${alg}"` };
	const missing = REQUIRED_COMPONENTS.filter((name) => !input.components.includes(name) && !(name === '@target-uri' && input.components.includes('@path')));
	if (missing.length > 0) return { ok: false, reason: `the signature does not cover ${missing.join(', ')}` };
	const signature = parseSignature(signatureHeader, input.label);
	if (!signature) return { ok: false, reason: `no signature labelled "${input.label}"` };
	const digestProblem = checkContentDigest(header(request.headers, 'content-digest'), request.body);
	if (digestProblem) return { ok: false, reason: digestProblem };
	let base: string;
	try {
		base = signatureBase(request, input);
	} catch (error) {
		return { ok: false, reason: (error as Error).message };
	}
	if (!verifyBytes(null, Buffer.from(base, 'utf8'), publicKey, signature)) {
		return { ok: false, keyMismatch: true, reason: 'the signature does not match (wrong key, altered request, or a different public URL)' };
	}
	return {
		ok: true,
		keyId: input.params.keyid === undefined ? undefined : String(input.params.keyid),
		created: typeof input.params.created === 'number' ? input.params.created : undefined,
	};
}

export interface SigningOptions {
	privateKey: KeyObject;
	label?: string;
	keyId?: string;
	created?: number;
	components?: string[];
}

/** Signs a request the way A-Cube does; used by the stand-in server and the demo. */
export function signRequest(request: Omit<SignedRequest, 'headers'> & { headers?: Record<string, string> }, options: SigningOptions): Record<string, string> {
	const headers: Record<string, string> = {
		date: new Date().toUTCString(),
		...Object.fromEntries(Object.entries(request.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value])),
		'content-digest': contentDigest(request.body),
	};
	const components = options.components ?? ['@method', '@authority', '@target-uri', 'date', 'content-digest'];
	const label = options.label ?? 'pyhms';
	const created = options.created ?? Math.floor(Date.now() / 1000);
	const signatureParams = `(${components.map((name) => `"${name}"`).join(' ')});created=${created};keyid="${options.keyId ?? 'acube'}";alg="ed25519"`;
	const base = signatureBase({ ...request, headers }, { components, signatureParams });
	const signature = signBytes(null, Buffer.from(base, 'utf8'), options.privateKey).toString('base64');
	return { ...headers, 'signature-input': `${label}=${signatureParams}`, signature: `${label}=:${signature}:` };
}
