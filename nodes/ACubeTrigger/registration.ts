import { randomBytes } from 'crypto';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ACubeClient } from '../ACube/transport';
import type { Country } from '../shared/countries';

/** France and Germany send the secret back in this header (A-Cube's header authentication). */
export const SECRET_HEADER = 'x-acube-webhook-secret';
/** Poland's registration has no authentication fields: the secret travels in the registered URL. */
export const SECRET_QUERY_PARAMETER = 'n8n_secret';

export interface Destination {
	id: string;
	event: string;
}

/** What the trigger keeps in the workflow's static data between activation and deactivation. */
export interface RegistrationState {
	country?: Country;
	secret?: string;
	registeredUrl?: string;
	destinations?: Destination[];
}

/**
 * "Test this trigger" registers a second, temporary URL while the workflow may be active: each kind
 * keeps its own registration, so that testing never replaces or removes the production one.
 */
export type RegistrationSlots = Partial<Record<'production' | 'test', RegistrationState>>;

export function registrationFor(context: { getMode: () => string; getWorkflowStaticData: (type: string) => IDataObject }): RegistrationState {
	const slots = context.getWorkflowStaticData('node') as RegistrationSlots;
	const slot = context.getMode() === 'manual' ? 'test' : 'production';
	return (slots[slot] ??= {});
}

const collectionPath = (country: Country) => (country === 'pl' ? '/webhooks' : '/event-destinations');

export function publicWebhookUrl(n8nUrl: string, publicUrl: unknown): string {
	if (typeof publicUrl !== 'string' || publicUrl.trim() === '') return n8nUrl;
	const base = new URL(publicUrl.trim());
	const url = new URL(n8nUrl);
	url.protocol = base.protocol;
	url.host = base.host;
	const prefix = base.pathname.replace(/\/+$/, '');
	if (prefix !== '' && !url.pathname.startsWith(`${prefix}/`)) url.pathname = `${prefix}${url.pathname}`;
	return url.toString();
}

export function withSecretQuery(url: string, secret: string): string {
	const parsed = new URL(url);
	parsed.searchParams.set(SECRET_QUERY_PARAMETER, secret);
	return parsed.toString();
}

function settingsOf(context: IHookFunctions) {
	const country = context.getNodeParameter('country') as Country;
	const events = context.getNodeParameter('events', []) as string[];
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const url = publicWebhookUrl(context.getNodeWebhookUrl('default') as string, options.publicUrl);
	return { country, events: [...events].sort(), url };
}

async function removeDestinations(client: ACubeClient, country: Country, destinations: Destination[]): Promise<void> {
	for (const destination of destinations) {
		await client.request(
			{ host: country, method: 'DELETE', path: `${collectionPath(country)}/${destination.id}`, accept: 'application/json', passStatuses: [404, 410] },
			{ action: `Remove the A-Cube webhook for ${destination.event}` },
		);
	}
}

/** Whether every destination this node registered still exists on A-Cube, for the current settings. */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const state = registrationFor(this);
	const { country, events, url } = settingsOf(this);
	const destinations = state.destinations ?? [];
	if (destinations.length === 0 || !state.secret || state.country !== country) return false;
	if (destinations.map((d) => d.event).sort().join() !== events.join()) return false;
	const expectedUrl = country === 'pl' ? withSecretQuery(url, state.secret) : url;
	if (state.registeredUrl !== expectedUrl) return false;
	const client = await ACubeClient.create(this);
	for (const destination of destinations) {
		const response = await client.request<IDataObject>(
			{ host: country, method: 'GET', path: `${collectionPath(country)}/${destination.id}`, accept: 'application/json', passStatuses: [404, 410] },
			{ action: 'Check the A-Cube webhook' },
		);
		if (response.statusCode === 404 || response.statusCode === 410) return false;
		const target = response.body?.target ?? response.body?.webhookUrl;
		if (typeof target === 'string' && target !== expectedUrl) return false;
	}
	return true;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	const state = registrationFor(this);
	const { country, events, url } = settingsOf(this);
	if (events.length === 0) throw new NodeOperationError(this.getNode(), 'Choose at least one event to subscribe to');
	const legalEntityUuid = country === 'pl' ? String(this.getNodeParameter('legalEntityUuid', '')).trim() : '';
	if (country === 'pl' && legalEntityUuid === '') {
		throw new NodeOperationError(this.getNode(), 'Poland needs the "Legal Entity UUID" whose invoices to follow');
	}
	const client = await ACubeClient.create(this);
	// Leftovers of an earlier registration (deleted on one side only, or settings changed) go first.
	if (state.destinations?.length && state.country) await removeDestinations(client, state.country, state.destinations);

	const secret = randomBytes(32).toString('base64url');
	const target = country === 'pl' ? withSecretQuery(url, secret) : url;
	const created: Destination[] = [];
	let failure: unknown;
	try {
		for (const event of events) {
			const body: IDataObject =
				country === 'pl'
					? { legalEntity: legalEntityUuid, webhookType: event, webhookUrl: target }
					: { event, target, delivery: 'webhook', status: 'active', authType: 'header', authKey: SECRET_HEADER, authToken: secret };
			const response = await client.request<IDataObject>(
				{ host: country, method: 'POST', path: collectionPath(country), body, accept: 'application/json' },
				{ action: `Register the A-Cube webhook for ${event}` },
			);
			const id = response.body?.uuid ?? response.body?.id;
			if (typeof id !== 'string' && typeof id !== 'number') {
				throw new NodeOperationError(this.getNode(), `A-Cube registered the webhook for ${event} but returned no id`);
			}
			created.push({ id: String(id), event });
		}
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		// All or nothing: a half-registered trigger would miss some events without saying so.
		await removeDestinations(client, country, created);
		throw failure;
	}
	Object.assign(state, { country, secret, registeredUrl: target, destinations: created } satisfies RegistrationState);
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const state = registrationFor(this);
	if (state.destinations?.length && state.country) {
		const client = await ACubeClient.create(this);
		await removeDestinations(client, state.country, state.destinations);
	}
	delete state.country;
	delete state.secret;
	delete state.registeredUrl;
	delete state.destinations;
	return true;
}
