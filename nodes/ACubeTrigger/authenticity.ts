import { createHash, timingSafeEqual } from 'crypto';
import type { KeyObject } from 'crypto';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { ACubeClient } from '../ACube/transport';
import { parsePublicKey } from '../shared/httpSignature';

/** Compares secrets in constant time, whatever their lengths. */
export function secretsMatch(presented: unknown, expected: string | undefined): boolean {
	if (typeof presented !== 'string' || presented === '' || !expected) return false;
	const a = createHash('sha256').update(presented).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

const KEY_TTL_MS = 60 * 60 * 1000;
/** A failed check may mean A-Cube rotated its key; refetching is allowed this often, no more. */
const REFRESH_INTERVAL_MS = 60 * 1000;

interface CachedKey {
	key: KeyObject;
	fetchedAt: number;
}

const keyCache = new Map<string, CachedKey>();

function readKeyAnswer(body: unknown): string {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (trimmed.startsWith('{')) return readKeyAnswer(JSON.parse(trimmed) as unknown);
		return trimmed;
	}
	const record = (body ?? {}) as IDataObject;
	const value = record.public_key ?? record.publicKey ?? record.key;
	if (typeof value !== 'string' || value.trim() === '') throw new Error('A-Cube answered without a public key');
	return value;
}

/** A-Cube's signing key from {common}/signature-public-key, cached for an hour per host. */
export async function acubePublicKey(context: IWebhookFunctions, options: { refresh?: boolean } = {}): Promise<KeyObject> {
	const client = await ACubeClient.create(context);
	const url = `${client.baseUrl('common')}/signature-public-key`;
	const cached = keyCache.get(url);
	const now = Date.now();
	if (cached && now - cached.fetchedAt < (options.refresh ? REFRESH_INTERVAL_MS : KEY_TTL_MS)) return cached.key;
	const response = await client.request(
		{ host: 'common', method: 'GET', path: '/signature-public-key', accept: 'application/json' },
		{ action: "Fetch A-Cube's signature public key" },
	);
	const key = parsePublicKey(readKeyAnswer(response.body));
	keyCache.set(url, { key, fetchedAt: now });
	return key;
}

export function clearPublicKeyCache(): void {
	keyCache.clear();
}
