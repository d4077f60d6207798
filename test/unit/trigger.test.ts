import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import nock from 'nock';
import type { IDataObject, INode, INodeParameters, INodeTypes } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { ACubeTrigger } from '../../nodes/ACubeTrigger/ACubeTrigger.node';
import { clearPublicKeyCache, secretsMatch } from '../../nodes/ACubeTrigger/authenticity';
import { MAX_BODY_BYTES, RecentEvents, isoTimestamp } from '../../nodes/ACubeTrigger/events';
import { SECRET_HEADER } from '../../nodes/ACubeTrigger/registration';
import { OUTPUTS_EXPRESSION, outputIndexFor, outputNames } from '../../nodes/ACubeTrigger/routing';
import type { Country } from '../../nodes/shared/countries';
import { signRequest } from '../../nodes/shared/httpSignature';
import { DEFAULT_ROUTES, statusCatalogue } from '../../nodes/shared/statusCatalog';
import { COMMON, expectLogin } from '../helpers/acubeNock';
import type { TriggerSetup } from '../helpers/triggerHarness';
import { WEBHOOK_URL, deliver, routed, triggerContexts } from '../helpers/triggerHarness';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PUBLIC_PEM = publicKey.export({ format: 'pem', type: 'spki' }).toString();
const other = generateKeyPairSync('ed25519');
const SECRET = 'registered-secret-0123456789';

let workflowCounter = 0;
beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
	clearPublicKeyCache();
	expectLogin().persist();
	nock(COMMON).get('/signature-public-key').reply(200, { public_key: PUBLIC_PEM }).persist();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function setupFor(country: Country, extra: Partial<TriggerSetup> = {}, options: IDataObject = {}): TriggerSetup {
	workflowCounter += 1;
	const url = country === 'pl' ? `${WEBHOOK_URL}?n8n_secret=${SECRET}` : WEBHOOK_URL;
	return {
		workflowId: `wf-${workflowCounter}`,
		parameters: { country, routes: { route: DEFAULT_ROUTES[country].map((s) => ({ statuses: [s], outputName: '' })) }, options },
		staticData: { production: { country, secret: SECRET, registeredUrl: url, destinations: [{ id: 'd1', event: 'x' }] } },
		...extra,
	};
}

function signedDelivery(country: Country, payload: unknown, opts: { key?: typeof privateKey; url?: string } = {}) {
	const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
	const url = opts.url ?? (country === 'pl' ? `${WEBHOOK_URL}?n8n_secret=${SECRET}` : WEBHOOK_URL);
	const headers = signRequest({ method: 'POST', url, body, headers: { 'content-type': 'application/json' } }, { privateKey: opts.key ?? privateKey });
	if (country !== 'pl') headers[SECRET_HEADER] = SECRET;
	return { path: url, headers, body };
}

const frEvent = (status: string, eventId = `evt-${status}-${Math.random()}`) => ({
	eventId,
	eventType: 'invoice.status',
	status,
	invoiceUuid: '019ea760-dad8-70b9-9b23-f60ff4004509',
	direction: 'OUTBOUND',
});
const plEvent = (status: string, extra: IDataObject = {}) => ({
	legalEntityUuid: '8b8b8755-5850-4ead-9c68-8243f4ac2748',
	invoiceUuid: 'e5dc0cab-2a99-4e24-a958-f3d570db3ac6',
	status,
	message: null,
	ksefReferenceNumber: `8431324763-20221007-F95571-88922F-${status}`,
	acquisitionTimestamp: '2022-10-07 11:51:46',
	...extra,
});
const deEvent = (event: string) => ({ eventId: `de-${event}-${Math.random()}`, eventType: event, invoiceUuid: '5b7f3f0e-5d3b-4f55-9d0e-0d7d2b3c4a10' });
const payloadFor = (country: Country, status: string) => (country === 'fr' ? frEvent(status) : country === 'pl' ? plEvent(status) : deEvent(status));

describe('outputs', () => {
	it('names one output per default route, then Other', () => {
		expect(outputNames('fr', { route: DEFAULT_ROUTES.fr.map((s) => ({ statuses: [s] })) })).toEqual([
			'200 Submitted',
			'205 Approved',
			'207 Disputed',
			'210 Refused',
			'212 Payment received',
			'213 Rejected',
			'Other',
		]);
		expect(outputNames('pl', { route: DEFAULT_ROUTES.pl.map((s) => ({ statuses: [s] })) })).toEqual([
			'sent Sent',
			'delivered Delivered to KSeF',
			'confirmed Confirmed (UPO received)',
			'received Received',
			'rejected Rejected',
			'error Error',
			'Other',
		]);
		expect(outputNames('de', { route: DEFAULT_ROUTES.de.map((s) => ({ statuses: [s] })) })).toEqual(['invoice.sent Sent', 'invoice.failed Failed', 'invoice.received Received', 'Other']);
	});

	it('groups statuses under a name of the user', () => {
		expect(outputNames('fr', { route: [{ statuses: ['207', '210', '213'], outputName: 'Problems' }, { statuses: ['212'] }] })).toEqual(['Problems', '212 Payment received', 'Other']);
	});

	it('computes its outputs through n8n\'s own expression evaluation, as the editor does', () => {
		const nodeType = new ACubeTrigger();
		const outputsFor = (parameters: INodeParameters) => {
			const node: INode = { id: '1', name: 'A-Cube Trigger', type: 'n8n-nodes-acube.aCubeTrigger', typeVersion: 1, position: [0, 0], parameters };
			const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
			const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, active: false, nodeTypes });
			return NodeHelpers.getNodeOutputs(workflow, node, nodeType.description);
		};
		const routes = { route: [{ statuses: ['207', '210', '213'], outputName: 'Problems' }, { statuses: ['205'], outputName: '' }] };
		expect(outputsFor({ country: 'fr', routes })).toEqual([
			{ type: 'main', displayName: 'Problems' },
			{ type: 'main', displayName: '205 Approved' },
			{ type: 'main', displayName: 'Other' },
		]);
		expect(outputsFor({ country: 'pl', routes: {} })).toEqual([{ type: 'main', displayName: 'Other' }]);
		expect(outputsFor({ country: 'de', routes: { route: DEFAULT_ROUTES.de.map((s) => ({ statuses: [s] })) } })).toHaveLength(4);
		expect(OUTPUTS_EXPRESSION.slice(3, -2)).not.toMatch(/\}\}|\{\{/);
	});

	it('declares a trigger with no inputs and the registration lifecycle', () => {
		const node = new ACubeTrigger();
		expect(node.description.inputs).toEqual([]);
		expect(node.description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }]);
		expect(Object.keys(node.webhookMethods.default)).toEqual(['checkExists', 'create', 'delete']);
	});
});

describe('routing every catalogue status', () => {
	const cases = (['fr', 'pl', 'de'] as Country[]).flatMap((country) => statusCatalogue(country).map((info) => [country, info.code] as const));
	it.each(cases)('%s %s reaches its own output or Other, normalised', async (country, status) => {
		const setup = setupFor(country);
		const delivered = await deliver(setup, signedDelivery(country, payloadFor(country, status)));
		expect(delivered.status).toBe(200);
		const expectedIndex = DEFAULT_ROUTES[country].indexOf(status);
		const outputs = routed(delivered.result);
		const index = expectedIndex === -1 ? DEFAULT_ROUTES[country].length : expectedIndex;
		expect(Object.keys(outputs)).toEqual([String(index)]);
		const event = outputs[index][0];
		expect(event.status).toBe(status);
		expect(event.country).toBe(country);
		expect(event.statusLabel).toBe(statusCatalogue(country).find((s) => s.code === status)!.label);
		expect(delivered.result.workflowData).toHaveLength(DEFAULT_ROUTES[country].length + 1);
	});

	it('sends an unknown status to Other, labelled honestly', async () => {
		const delivered = await deliver(setupFor('fr'), signedDelivery('fr', frEvent('299')));
		const outputs = routed(delivered.result);
		expect(Object.keys(outputs)).toEqual(['6']);
		expect(outputs[6][0]).toMatchObject({ status: '299', statusLabel: 'Unknown status 299', category: 'other', isError: false });
	});

	it('sends a grouped status to its group, the first matching route winning', async () => {
		const setup = setupFor('fr');
		setup.parameters.routes = { route: [{ statuses: ['205'] }, { statuses: ['207', '210', '213'], outputName: 'Problems' }, { statuses: ['210'] }] };
		const delivered = await deliver(setup, signedDelivery('fr', frEvent('210')));
		expect(Object.keys(routed(delivered.result))).toEqual(['1']);
		expect(outputIndexFor('pl', { route: [{ statuses: ['DELIVERED'] }] }, 'delivered')).toBe(0);
	});
});

describe('the normalised event', () => {
	it('France', async () => {
		const payload = { eventId: '019ea765-da8a-70af-a037-b068ad1ff1ce', eventType: 'invoice.status', status: '210', statusLabel: 'Refusée', invoiceUuid: '019ea760-dad8-70b9-9b23-f60ff4004509', direction: 'OUTBOUND' };
		const delivered = await deliver(setupFor('fr'), signedDelivery('fr', payload));
		const event = routed(delivered.result)[3][0];
		expect({ ...event, receivedAt: 'x' }).toEqual({
			country: 'fr',
			eventId: '019ea765-da8a-70af-a037-b068ad1ff1ce',
			eventType: 'invoice.status',
			invoiceUuid: '019ea760-dad8-70b9-9b23-f60ff4004509',
			status: '210',
			statusLabel: 'Refused',
			statusLabelLocal: 'Refusée',
			category: 'refused',
			isError: true,
			isFinal: true,
			direction: 'OUTBOUND',
			legalEntityUuid: null,
			ksefReferenceNumber: null,
			acquisitionTimestamp: null,
			message: null,
			receivedAt: 'x',
			raw: payload,
		});
		expect(Date.parse(event.receivedAt as string)).not.toBeNaN();
	});

	it('Poland, from the seed page (an error without invoice uuid)', async () => {
		const payload = {
			legalEntityUuid: '8b8b8755-5850-4ead-9c68-8243f4ac2748',
			invoiceUuid: '',
			status: 'error',
			message: 'Invoice not found for 20221007-EE-FDD71858E2-CCD9AC9988-47.',
			ksefReferenceNumber: '8431324763-20221007-222296-96E644-00',
			acquisitionTimestamp: '2022-10-07 11:51:46',
		};
		const delivered = await deliver(setupFor('pl'), signedDelivery('pl', payload));
		expect(routed(delivered.result)[5][0]).toMatchObject({
			country: 'pl',
			eventId: null,
			invoiceUuid: null,
			status: 'error',
			statusLabel: 'Error',
			statusLabelLocal: 'Błąd',
			category: 'error',
			isError: true,
			direction: 'OUTBOUND',
			legalEntityUuid: '8b8b8755-5850-4ead-9c68-8243f4ac2748',
			ksefReferenceNumber: '8431324763-20221007-222296-96E644-00',
			acquisitionTimestamp: '2022-10-07T11:51:46',
			message: 'Invoice not found for 20221007-EE-FDD71858E2-CCD9AC9988-47.',
		});
	});

	it('Germany, whose event name is the status', async () => {
		const delivered = await deliver(setupFor('de'), signedDelivery('de', { eventType: 'invoice.received', invoiceUuid: '5b7f3f0e-5d3b-4f55-9d0e-0d7d2b3c4a10' }));
		expect(routed(delivered.result)[2][0]).toMatchObject({ status: 'invoice.received', eventType: 'invoice.received', direction: 'INBOUND', category: 'submitted' });
	});

	it('keeps ISO timestamps and leaves unknown shapes as they are', () => {
		expect(isoTimestamp('2022-10-07 11:51:46')).toBe('2022-10-07T11:51:46');
		expect(isoTimestamp('2022-10-07T11:51:46+02:00')).toBe('2022-10-07T11:51:46+02:00');
		expect(isoTimestamp('yesterday')).toBe('yesterday');
		expect(isoTimestamp(null)).toBeNull();
	});
});

describe('authenticity', () => {
	it('refuses a call without the secret header, before anything else', async () => {
		const delivery = signedDelivery('fr', frEvent('205'));
		delete delivery.headers[SECRET_HEADER];
		const delivered = await deliver(setupFor('fr'), delivery);
		expect(delivered).toMatchObject({ status: 401, body: { error: 'missing or wrong webhook secret' } });
		expect(delivered.result.workflowData).toBeUndefined();
	});

	it('refuses a wrong secret, and Poland\'s wrong query secret', async () => {
		const delivery = signedDelivery('fr', frEvent('205'));
		delivery.headers[SECRET_HEADER] = `${SECRET}x`;
		expect((await deliver(setupFor('fr'), delivery)).status).toBe(401);
		const pl = signedDelivery('pl', plEvent('sent'), { url: `${WEBHOOK_URL}?n8n_secret=guess` });
		expect((await deliver(setupFor('pl'), pl)).status).toBe(401);
	});

	it('compares secrets in constant time whatever their length', () => {
		expect(secretsMatch(SECRET, SECRET)).toBe(true);
		expect(secretsMatch('short', SECRET)).toBe(false);
		expect(secretsMatch(undefined, SECRET)).toBe(false);
		expect(secretsMatch(SECRET, undefined)).toBe(false);
	});

	it('refuses an unsigned call', async () => {
		const delivered = await deliver(setupFor('fr'), { headers: { [SECRET_HEADER]: SECRET }, body: JSON.stringify(frEvent('205')) });
		expect(delivered).toMatchObject({ status: 401, body: { error: 'signature check failed: the request is not signed (no signature or signature-input header)' } });
	});

	it('refuses a call signed with another key', async () => {
		const delivered = await deliver(setupFor('fr'), signedDelivery('fr', frEvent('205'), { key: other.privateKey }));
		expect(delivered.status).toBe(401);
		expect((delivered.body as IDataObject).error).toMatch(/signature does not match/);
	});

	it('refuses a tampered body, even with a recomputed digest', async () => {
		const delivery = signedDelivery('fr', frEvent('205'));
		const tampered = Buffer.from(delivery.body.toString().replace('"205"', '"212"'));
		expect((await deliver(setupFor('fr'), { ...delivery, body: tampered })).body).toEqual({ error: 'signature check failed: the body does not match its content-digest' });
		const redigested = { ...delivery.headers, 'content-digest': `sha-256=:${createHash('sha256').update(tampered).digest('base64')}:` };
		expect((await deliver(setupFor('fr'), { ...delivery, headers: redigested, body: tampered })).status).toBe(401);
	});

	it('refuses a tampered signed header', async () => {
		const delivery = signedDelivery('fr', frEvent('205'));
		delivery.headers.date = new Date(Date.now() + 1000_000).toUTCString();
		expect((await deliver(setupFor('fr'), delivery)).status).toBe(401);
	});

	it('refuses a signature replayed to another URL', async () => {
		const delivery = signedDelivery('fr', frEvent('205'), { url: 'https://elsewhere.example.com/hook' });
		delivery.path = WEBHOOK_URL;
		expect((await deliver(setupFor('fr'), delivery)).status).toBe(401);
	});

	it('refuses a signature that does not cover the body', async () => {
		const body = Buffer.from(JSON.stringify(frEvent('205')));
		const headers = signRequest({ method: 'POST', url: WEBHOOK_URL, body }, { privateKey, components: ['@method', '@target-uri', 'date'] });
		const delivered = await deliver(setupFor('fr'), { headers: { ...headers, [SECRET_HEADER]: SECRET }, body });
		expect((delivered.body as IDataObject).error).toBe('signature check failed: the signature does not cover content-digest');
	});

	it('accepts a signature built by hand the way A-Cube documents it (label read, not assumed)', async () => {
		const body = Buffer.from(JSON.stringify(frEvent('205')));
		const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
		const date = new Date().toUTCString();
		const params = '("@method" "@authority" "@target-uri" "date" "content-digest");created=1677383376;keyid="acube";alg="ed25519"';
		const base = [
			'"@method": POST',
			'"@authority": n8n.example.com',
			`"@target-uri": ${WEBHOOK_URL}`,
			`"date": ${date}`,
			`"content-digest": ${digest}`,
			`"@signature-params": ${params}`,
		].join('\n');
		const signature = sign(null, Buffer.from(base), privateKey).toString('base64');
		const delivered = await deliver(setupFor('fr'), {
			headers: { [SECRET_HEADER]: SECRET, date, 'content-digest': digest, 'signature-input': `sig1=${params}`, signature: `sig1=:${signature}:` },
			body,
		});
		expect(delivered.status).toBe(200);
	});

	it('fetches the public key once and caches it', async () => {
		nock.cleanAll();
		expectLogin().persist();
		const keyScope = nock(COMMON).get('/signature-public-key').once().reply(200, { public_key: PUBLIC_PEM });
		const setup = setupFor('fr');
		for (const status of ['200', '205', '212']) expect((await deliver(setup, signedDelivery('fr', frEvent(status)))).status).toBe(200);
		expect(keyScope.isDone()).toBe(true);
	});

	it('refetches the key once a signature stops matching, at most once a minute', async () => {
		nock.cleanAll();
		expectLogin().persist();
		const rotated = generateKeyPairSync('ed25519');
		const rotatedPem = rotated.publicKey.export({ format: 'pem', type: 'spki' }).toString();
		const first = nock(COMMON).get('/signature-public-key').once().reply(200, { public_key: PUBLIC_PEM });
		const setup = setupFor('fr');
		const started = Date.now();
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(started);
			expect((await deliver(setup, signedDelivery('fr', frEvent('205')))).status).toBe(200);
			expect(first.isDone()).toBe(true);
			// Within the minute a failing signature (here: a forgery) does not make the trigger ask A-Cube again.
			now.mockReturnValue(started + 30_000);
			expect((await deliver(setup, signedDelivery('fr', frEvent('205'), { key: rotated.privateKey }))).status).toBe(401);
			// Later, A-Cube has rotated its key: one refetch, and the new signature verifies.
			const second = nock(COMMON).get('/signature-public-key').once().reply(200, { public_key: rotatedPem });
			now.mockReturnValue(started + 120_000);
			expect((await deliver(setup, signedDelivery('fr', frEvent('205'), { key: rotated.privateKey }))).status).toBe(200);
			expect(second.isDone()).toBe(true);
		} finally {
			now.mockRestore();
		}
	});

	it('accepts a bare base64 key and a pinned key', async () => {
		nock.cleanAll();
		expectLogin().persist();
		const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
		nock(COMMON).get('/signature-public-key').reply(200, { public_key: raw });
		expect((await deliver(setupFor('fr'), signedDelivery('fr', frEvent('205')))).status).toBe(200);
		const pinned = setupFor('fr', {}, { publicKey: PUBLIC_PEM });
		expect((await deliver(pinned, signedDelivery('fr', frEvent('205')))).status).toBe(200);
	});

	it('answers 503 when the key cannot be fetched, so that A-Cube delivers again later', async () => {
		nock.cleanAll();
		expectLogin().persist();
		nock(COMMON).get('/signature-public-key').times(4).reply(500, {});
		const delivered = await deliver(setupFor('fr', {}, {}), signedDelivery('fr', frEvent('205')));
		expect(delivered.status).toBe(503);
		expect(delivered.result.workflowData).toBeUndefined();
	});

	it('checks against the public URL behind a reverse proxy', async () => {
		const publicUrl = 'https://hooks.example.org/webhook/7d0c3f51-0a4e-4f64-9d1b-6d8e2c1f0a11/webhook';
		const setup = setupFor('fr', {}, { publicUrl: 'https://hooks.example.org' });
		(setup.staticData!.production as IDataObject).registeredUrl = publicUrl;
		const delivery = signedDelivery('fr', frEvent('205'), { url: publicUrl });
		delivery.path = 'http://127.0.0.1:5678/webhook/7d0c3f51-0a4e-4f64-9d1b-6d8e2c1f0a11/webhook';
		expect((await deliver(setup, delivery)).status).toBe(200);
	});

	it('skips the signature only when told to', async () => {
		const setup = setupFor('fr', {}, { verifySignature: false });
		const delivered = await deliver(setup, { headers: { [SECRET_HEADER]: SECRET }, body: JSON.stringify(frEvent('205')) });
		expect(delivered.status).toBe(200);
	});

	it('refuses everything when no secret was registered', async () => {
		const setup = setupFor('fr');
		setup.staticData = { test: { secret: SECRET } };
		expect((await deliver(setup, signedDelivery('fr', frEvent('205')))).body).toEqual({
			error: 'this trigger holds no registration secret: deactivate and activate the workflow again',
		});
	});
});

describe('duplicates', () => {
	it('answers a repeated France event 200 without starting the workflow', async () => {
		const setup = setupFor('fr');
		const contexts = triggerContexts(setup);
		const event = frEvent('210', 'evt-dup-1');
		const first = await deliver(setup, signedDelivery('fr', event), contexts);
		const second = await deliver(setup, signedDelivery('fr', event), contexts);
		expect(Object.keys(routed(first.result))).toEqual(['3']);
		expect(second).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
		expect(second.result.workflowData).toBeUndefined();
	});

	it('tells Poland\'s events apart by invoice, status and KSeF number', async () => {
		const setup = setupFor('pl');
		const contexts = triggerContexts(setup);
		const a = await deliver(setup, signedDelivery('pl', plEvent('delivered')), contexts);
		const again = await deliver(setup, signedDelivery('pl', plEvent('delivered')), contexts);
		const next = await deliver(setup, signedDelivery('pl', plEvent('confirmed')), contexts);
		expect(a.result.workflowData).toBeDefined();
		expect(again.result.workflowData).toBeUndefined();
		expect(next.result.workflowData).toBeDefined();
	});

	it('keeps every delivery when the option is off', async () => {
		const setup = setupFor('fr', {}, { ignoreDuplicates: false });
		const event = frEvent('205', 'evt-dup-2');
		expect((await deliver(setup, signedDelivery('fr', event))).result.workflowData).toBeDefined();
		expect((await deliver(setup, signedDelivery('fr', event))).result.workflowData).toBeDefined();
	});

	it('does not count a refused call as seen', async () => {
		const setup = setupFor('fr');
		const event = frEvent('205', 'evt-dup-3');
		expect((await deliver(setup, signedDelivery('fr', event, { key: other.privateKey }))).status).toBe(401);
		expect((await deliver(setup, signedDelivery('fr', event))).result.workflowData).toBeDefined();
	});

	it('remembers a bounded number of keys for a bounded time', () => {
		const memory = new RecentEvents(1000, 3);
		expect(['a', 'b', 'c', 'd'].map((key) => memory.checkAndRemember(key, 0))).toEqual([false, false, false, false]);
		expect(memory.size).toBe(3);
		expect(memory.checkAndRemember('a', 1)).toBe(false);
		expect(memory.checkAndRemember('d', 999)).toBe(true);
		expect(memory.checkAndRemember('d', 2500)).toBe(false);
	});
});

describe('bad requests', () => {
	const bad = async (body: string | Buffer) => {
		const delivery = signedDelivery('fr', body);
		return deliver(setupFor('fr'), delivery);
	};
	it.each([
		['not JSON', 'status=205', 'the body is not JSON; an A-Cube event is a JSON object'],
		['empty', '', 'the body is empty; an A-Cube event is a JSON object'],
		['an array', '[{"status":"205"}]', 'the body is not a JSON object'],
		['without status', '{"eventId":"e1","invoiceUuid":"x"}', 'the event has no status'],
	])('%s gets 400 and starts nothing', async (_name, body, message) => {
		const delivered = await bad(body);
		expect(delivered).toMatchObject({ status: 400, body: { error: message } });
		expect(delivered.result.workflowData).toBeUndefined();
	});

	it('a body over 1 MiB gets 400', async () => {
		const delivered = await bad(Buffer.alloc(MAX_BODY_BYTES + 1, 32));
		expect(delivered.status).toBe(400);
		expect((delivered.body as IDataObject).error).toMatch(/more than the 1048576/);
	});
});
