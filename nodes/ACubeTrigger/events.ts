import type { IDataObject } from 'n8n-workflow';

import type { Country } from '../shared/countries';
import { describeStatus, normaliseStatusCode } from '../shared/statusCatalog';
import type { StatusCategory } from '../shared/statusCatalog';

/** Bodies beyond this are not A-Cube lifecycle events. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface LifecycleEvent {
	[key: string]: unknown;
	country: Country;
	eventId: string | null;
	eventType: string | null;
	invoiceUuid: string | null;
	status: string;
	statusLabel: string;
	statusLabelLocal: string;
	category: StatusCategory;
	isError: boolean;
	isFinal: boolean;
	direction: 'OUTBOUND' | 'INBOUND' | null;
	legalEntityUuid: string | null;
	ksefReferenceNumber: string | null;
	acquisitionTimestamp: string | null;
	message: string | null;
	receivedAt: string;
	raw: IDataObject;
}

const text = (value: unknown): string | null => (value === undefined || value === null || String(value).trim() === '' ? null : String(value));

/** Poland sends "YYYY-MM-DD HH:MM:SS" without a zone; it becomes ISO 8601 local time, the zone left unstated as A-Cube leaves it. */
export function isoTimestamp(value: unknown): string | null {
	const raw = text(value);
	if (raw === null) return null;
	const match = raw.match(/^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/);
	return match ? `${match[1]}T${match[2]}${match[3] ?? ''}` : raw;
}

/** The status field of a payload; Germany's events name the status in the event itself. */
export function statusOf(country: Country, body: IDataObject): string | null {
	const candidate = text(body.status) ?? (country === 'de' ? (text(body.eventType) ?? text(body.event) ?? text(body.type)) : null);
	if (candidate === null) return null;
	const code = normaliseStatusCode(country, candidate);
	if (country === 'de' && !code.startsWith('invoice.') && describeStatus('de', `invoice.${code}`).category !== 'other') return `invoice.${code}`;
	return code;
}

function directionOf(country: Country, body: IDataObject, status: string): LifecycleEvent['direction'] {
	const stated = text(body.direction)?.toUpperCase();
	if (stated === 'OUTBOUND' || stated === 'INBOUND') return stated;
	if (country === 'pl') return status === 'received' ? 'INBOUND' : 'OUTBOUND';
	if (country === 'de') return status === 'invoice.received' ? 'INBOUND' : 'OUTBOUND';
	if (body.eventType === 'invoice.inbound') return 'INBOUND';
	if (body.eventType === 'invoice.outbound') return 'OUTBOUND';
	return null;
}

/** One event shape for every country, whatever A-Cube's payload looked like. */
export function normaliseEvent(country: Country, body: IDataObject, receivedAt: Date): LifecycleEvent {
	const status = statusOf(country, body) ?? '';
	const info = describeStatus(country, status);
	return {
		country,
		eventId: text(body.eventId) ?? text(body.id),
		eventType: text(body.eventType) ?? text(body.event) ?? text(body.webhookType) ?? (country === 'de' ? status : null),
		invoiceUuid: text(body.invoiceUuid) ?? text(body.uuid),
		status,
		statusLabel: info.label,
		statusLabelLocal: info.labelLocal,
		category: info.category,
		isError: info.isError,
		isFinal: info.isFinal,
		direction: directionOf(country, body, status),
		legalEntityUuid: text(body.legalEntityUuid),
		ksefReferenceNumber: text(body.ksefReferenceNumber),
		acquisitionTimestamp: isoTimestamp(body.acquisitionTimestamp),
		message: text(body.message) ?? text(body.reason),
		receivedAt: receivedAt.toISOString(),
		raw: body,
	};
}

/**
 * What makes two deliveries the same event: France's eventId; for Poland, which sends no id, the
 * invoice, status and KSeF number; otherwise the id if there is one, else the exact body.
 */
export function eventKey(event: LifecycleEvent, rawBody: string): string {
	if (event.country === 'pl') return `pl|${event.legalEntityUuid ?? ''}|${event.invoiceUuid ?? ''}|${event.status}|${event.ksefReferenceNumber ?? ''}`;
	if (event.eventId) return `${event.country}|${event.eventId}`;
	return `${event.country}|body|${rawBody}`;
}

/**
 * Recently seen event keys, per trigger node, in this process's memory.
 *
 * Not workflow static data: n8n 2.41 drops static-data changes made inside webhook() when the call
 * starts an execution. A-Cube re-sends for about ten hours, so keys are kept for twelve, at most
 * MAX_KEYS per node, the oldest forgotten first.
 */
export class RecentEvents {
	static readonly TTL_MS = 12 * 60 * 60 * 1000;

	static readonly MAX_KEYS = 10_000;

	private readonly seen = new Map<string, number>();

	constructor(
		private readonly ttlMs = RecentEvents.TTL_MS,
		private readonly maxKeys = RecentEvents.MAX_KEYS,
	) {}

	/** Records the key; answers whether it had been seen within the time to live. */
	checkAndRemember(key: string, now = Date.now()): boolean {
		const previous = this.seen.get(key);
		if (previous !== undefined && now - previous < this.ttlMs) return true;
		this.seen.delete(key);
		this.seen.set(key, now);
		for (const [oldest, at] of this.seen) {
			if (this.seen.size <= this.maxKeys && now - at < this.ttlMs) break;
			this.seen.delete(oldest);
		}
		return false;
	}

	forget(key: string): void {
		this.seen.delete(key);
	}

	get size(): number {
		return this.seen.size;
	}
}

const memories = new Map<string, RecentEvents>();

export function recentEventsFor(scope: string): RecentEvents {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new RecentEvents();
		memories.set(scope, memory);
	}
	return memory;
}
