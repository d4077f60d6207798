import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { ACubeTrigger } from '../../nodes/ACubeTrigger/ACubeTrigger.node';
import { SECRET_HEADER, publicWebhookUrl } from '../../nodes/ACubeTrigger/registration';
import { COUNTRY_HOSTS, countryApi, expectLogin } from '../helpers/acubeNock';
import { WEBHOOK_URL, triggerContexts } from '../helpers/triggerHarness';

beforeAll(() => nock.disableNetConnect());
beforeEach(() => expectLogin().persist());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const methods = new ACubeTrigger().webhookMethods.default;

/** Static data as n8n keeps it for this node, with the production registration in its slot. */
function contextsFor(parameters: IDataObject, production: IDataObject = {}) {
	const contexts = triggerContexts({ parameters: { options: {}, ...parameters }, staticData: { production } });
	return { ...contexts, staticData: production, slots: contexts.staticData };
}

describe('France and Germany: /event-destinations with header authentication', () => {
	it.each([
		['fr', '', ['invoice.status', 'invoice.outbound']],
		['de', '/api', ['invoice.sent', 'invoice.failed']],
	] as const)('%s: registers one destination per event and keeps the ids and secret', async (country, prefix, events) => {
		const bodies: IDataObject[] = [];
		let n = 0;
		countryApi(country)
			.post(`${prefix}/event-destinations`)
			.times(events.length)
			.reply(201, (_uri, body) => {
				bodies.push(body as IDataObject);
				n += 1;
				return { uuid: `dest-${n}` };
			});
		const { hook, staticData, slots } = contextsFor({ country, events: [...events] });
		expect(await methods.create.call(hook)).toBe(true);
		const secret = staticData.secret as string;
		expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(bodies).toEqual(
			[...events].sort().map((event) => ({ event, target: WEBHOOK_URL, delivery: 'webhook', status: 'active', authType: 'header', authKey: SECRET_HEADER, authToken: secret })),
		);
		expect(slots).toEqual({
			production: {
				country,
				secret,
				registeredUrl: WEBHOOK_URL,
				destinations: [...events].sort().map((event, i) => ({ id: `dest-${i + 1}`, event })),
			},
		});
	});

	it('checkExists is true while every destination exists with our URL', async () => {
		const staticData = { country: 'fr', secret: 's', registeredUrl: WEBHOOK_URL, destinations: [{ id: 'd1', event: 'invoice.status' }] };
		countryApi('fr').get('/event-destinations/d1').reply(200, { uuid: 'd1', target: WEBHOOK_URL });
		const { hook } = contextsFor({ country: 'fr', events: ['invoice.status'] }, staticData);
		expect(await methods.checkExists.call(hook)).toBe(true);
	});

	it('checkExists copes with a destination deleted on A-Cube\'s side, and create then starts clean', async () => {
		const staticData = { country: 'fr', secret: 'old', registeredUrl: WEBHOOK_URL, destinations: [{ id: 'gone', event: 'invoice.status' }] };
		countryApi('fr').get('/event-destinations/gone').reply(404, { title: 'Not Found' });
		const { hook } = contextsFor({ country: 'fr', events: ['invoice.status'] }, staticData);
		expect(await methods.checkExists.call(hook)).toBe(false);
		const cleanup = countryApi('fr').delete('/event-destinations/gone').reply(404, { title: 'Not Found' });
		countryApi('fr').post('/event-destinations').reply(201, { uuid: 'fresh' });
		expect(await methods.create.call(hook)).toBe(true);
		expect(cleanup.isDone()).toBe(true);
		expect(staticData.destinations).toEqual([{ id: 'fresh', event: 'invoice.status' }]);
		expect(staticData.secret).not.toBe('old');
	});

	it('checkExists is false when the events or the URL changed, without asking A-Cube', async () => {
		const staticData = { country: 'fr', secret: 's', registeredUrl: WEBHOOK_URL, destinations: [{ id: 'd1', event: 'invoice.status' }] };
		expect(await methods.checkExists.call(contextsFor({ country: 'fr', events: ['invoice.status', 'invoice.inbound'] }, staticData).hook)).toBe(false);
		const moved = triggerContexts({ parameters: { country: 'fr', events: ['invoice.status'], options: {} }, staticData: { production: staticData }, webhookUrl: 'https://other.example.com/webhook/x/webhook' });
		expect(await methods.checkExists.call(moved.hook)).toBe(false);
		expect(await methods.checkExists.call(contextsFor({ country: 'fr', events: ['invoice.status'] }).hook)).toBe(false);
	});

	it('delete removes every destination and forgets the secret; an already deleted one is fine', async () => {
		const staticData = { country: 'de', secret: 's', registeredUrl: WEBHOOK_URL, destinations: [{ id: 'a', event: 'invoice.sent' }, { id: 'b', event: 'invoice.failed' }] };
		const a = countryApi('de').delete('/api/event-destinations/a').reply(204);
		const b = countryApi('de').delete('/api/event-destinations/b').reply(404, {});
		const { hook, slots } = contextsFor({ country: 'de', events: ['invoice.sent', 'invoice.failed'] }, staticData);
		expect(await methods.delete.call(hook)).toBe(true);
		expect(a.isDone() && b.isDone()).toBe(true);
		expect(slots).toEqual({ production: {} });
	});

	it('rolls back the destinations it made when a later one fails', async () => {
		countryApi('fr').post('/event-destinations').reply(201, { uuid: 'first' });
		countryApi('fr').post('/event-destinations').reply(422, { title: 'Invalid', violations: [{ propertyPath: 'event', message: 'unknown event' }] });
		const rollback = countryApi('fr').delete('/event-destinations/first').reply(204);
		const { hook, staticData } = contextsFor({ country: 'fr', events: ['invoice.inbound', 'invoice.status'] });
		await expect(methods.create.call(hook)).rejects.toThrow('Register the A-Cube webhook for invoice.status: A-Cube found errors in what was sent: Invalid: event: unknown event');
		expect(rollback.isDone()).toBe(true);
		expect(staticData.destinations).toBeUndefined();
	});

	it('keeps a "Test this trigger" registration apart from the production one', async () => {
		const production = { country: 'fr', secret: 'live-secret', registeredUrl: WEBHOOK_URL, destinations: [{ id: 'live', event: 'invoice.status' }] };
		const testUrl = WEBHOOK_URL.replace('/webhook/', '/webhook-test/');
		const contexts = triggerContexts({ parameters: { country: 'fr', events: ['invoice.status'], options: {} }, staticData: { production }, mode: 'manual', webhookUrl: testUrl });
		countryApi('fr').post('/event-destinations').reply(201, { uuid: 'test-destination' });
		await methods.create.call(contexts.hook);
		const removal = countryApi('fr').delete('/event-destinations/test-destination').reply(204);
		await methods.delete.call(contexts.hook);
		expect(removal.isDone()).toBe(true);
		expect(contexts.staticData.production).toEqual(production);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('registers the public URL behind a reverse proxy', async () => {
		let target: unknown;
		countryApi('fr').post('/event-destinations').reply(201, (_uri, body) => {
			target = (body as IDataObject).target;
			return { uuid: 'x' };
		});
		const { hook } = contextsFor({ country: 'fr', events: ['invoice.status'], options: { publicUrl: 'https://hooks.example.org/n8n/' } });
		await methods.create.call(hook);
		expect(target).toBe('https://hooks.example.org/n8n/webhook/7d0c3f51-0a4e-4f64-9d1b-6d8e2c1f0a11/webhook');
		expect(publicWebhookUrl('http://127.0.0.1:5678/webhook/a/webhook', '')).toBe('http://127.0.0.1:5678/webhook/a/webhook');
	});
});

describe('Poland: /webhooks with the secret in the URL', () => {
	it('registers each webhook type for the legal entity', async () => {
		const bodies: IDataObject[] = [];
		countryApi('pl')
			.post('/webhooks')
			.times(2)
			.reply(201, (_uri, body) => {
				bodies.push(body as IDataObject);
				return { uuid: `wh-${bodies.length}` };
			});
		const { hook, staticData } = contextsFor({ country: 'pl', events: ['invoice-sender', 'invoice-upo'], legalEntityUuid: '8b8b8755-5850-4ead-9c68-8243f4ac2748' });
		await methods.create.call(hook);
		const url = `${WEBHOOK_URL}?n8n_secret=${staticData.secret as string}`;
		expect(bodies).toEqual([
			{ legalEntity: '8b8b8755-5850-4ead-9c68-8243f4ac2748', webhookType: 'invoice-sender', webhookUrl: url },
			{ legalEntity: '8b8b8755-5850-4ead-9c68-8243f4ac2748', webhookType: 'invoice-upo', webhookUrl: url },
		]);
		expect(staticData.registeredUrl).toBe(url);
	});

	it('refuses to register without a legal entity', async () => {
		await expect(methods.create.call(contextsFor({ country: 'pl', events: ['invoice-sender'], legalEntityUuid: ' ' }).hook)).rejects.toThrow('Poland needs the "Legal Entity UUID"');
	});

	it('checks and deletes by webhook uuid', async () => {
		const url = `${WEBHOOK_URL}?n8n_secret=s`;
		const staticData = { country: 'pl', secret: 's', registeredUrl: url, destinations: [{ id: 'wh-1', event: 'invoice-sender' }] };
		countryApi('pl').get('/webhooks/wh-1').reply(200, { uuid: 'wh-1', webhookUrl: url });
		const { hook } = contextsFor({ country: 'pl', events: ['invoice-sender'], legalEntityUuid: 'le' }, staticData);
		expect(await methods.checkExists.call(hook)).toBe(true);
		const removal = nock(COUNTRY_HOSTS.pl.origin).delete('/webhooks/wh-1').reply(204);
		expect(await methods.delete.call(hook)).toBe(true);
		expect(removal.isDone()).toBe(true);
	});
});
