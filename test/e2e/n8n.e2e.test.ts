import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { Country } from '../../nodes/shared/countries';
import { DEFAULT_ROUTES } from '../../nodes/shared/statusCatalog';
import { N8nHost, installN8n, packPackage, waitFor } from '../../sandbox/n8nHost';
import type { HttpAnswer } from '../../sandbox/n8nHost';
import { ACubeSandbox, SCENARIOS } from '../../sandbox/server';
import { corpusFiles, seedXrechnung, seedZugferd } from '../helpers/fixtures';

const COUNTRIES: Country[] = ['de', 'pl', 'fr'];
const CREDENTIAL_NAME = 'A-Cube stand-in';
const sandboxLog: string[] = [];

let sandbox: ACubeSandbox;
let n8n: N8nHost;
let workDir: string;
let credentialId: string;
let workflowCounter = 0;

const ksef = (name: string) => readFileSync(corpusFiles('ksef').find((file) => file.endsWith(name))!, 'utf8');
/** An invoice for the country, its number carrying a scenario marker for the stand-in. */
function invoiceXml(country: Country, marker = ''): string {
	if (country === 'de') return seedZugferd().replace('<ram:ID>471102</ram:ID>', `<ram:ID>471102${marker}</ram:ID>`);
	if (country === 'fr') return seedXrechnung().replace('<cbc:ID>INV-200001</cbc:ID>', `<cbc:ID>INV-200001${marker}</cbc:ID>`);
	return ksef('invoice-template_v3.xml').replace('<P_2>FA/GRQMB-12345/05/2025</P_2>', `<P_2>FA/GRQMB-12345/05/2025${marker}</P_2>`);
}

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'acube-e2e-'));
	sandbox = new ACubeSandbox({ stepDelayMs: 150, retryIntervalMs: 500, log: (line) => sandboxLog.push(line) });
	await sandbox.start();
	const installDir = installN8n((line) => console.log(line));
	const tarball = packPackage(workDir);
	n8n = new N8nHost({ installDir, tarball, userFolder: join(workDir, 'n8n-user') });
	n8n.installPackage();
	await n8n.start();
	await n8n.setUp();
	credentialId = await n8n.createCredential(CREDENTIAL_NAME, 'aCubeApi', {
		email: 'demo@acube.test',
		password: 'sandbox-password',
		environment: 'sandbox',
		useCustomBaseUrls: true,
		...sandbox.baseUrls,
	});
}, 30 * 60 * 1000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

afterEach(() => {
	const state = expect.getState();
	if (state.assertionCalls > 0 && state.currentTestName && n8n) {
		// Kept for failures: the last lines of both servers' logs.
		(globalThis as { lastLogs?: string }).lastLogs = `${sandboxLog.slice(-30).join('\n')}\n--- n8n ---\n${n8n.recentOutput(30)}`;
	}
});

const credentials = () => ({ aCubeApi: { id: credentialId, name: CREDENTIAL_NAME } });

interface ActionOptions {
	/** The webhook body's `items` array becomes the input items. */
	split?: boolean;
	/** The webhook body's `base64` becomes the binary file `data`. */
	binaryInput?: boolean;
	respond?: 'allEntries' | 'firstEntryBinary';
	continueOnFail?: boolean;
}

/** Webhook → (Split Out | Convert to File) → A-Cube, answering with the A-Cube node's output. */
async function actionWorkflow(parameters: Record<string, unknown>, options: ActionOptions = {}): Promise<((body: unknown) => Promise<HttpAnswer>) & { workflowId: string }> {
	const path = `action-${++workflowCounter}`;
	const nodes: Array<Record<string, unknown>> = [
		{
			id: 'webhook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: path,
			parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: options.respond ?? 'allEntries' },
		},
	];
	if (options.split) {
		nodes.push({ id: 'split', name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.items' } });
	}
	if (options.binaryInput) {
		nodes.push({
			id: 'file',
			name: 'Convert to File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: { operation: 'toBinary', sourceProperty: 'body.base64', binaryPropertyName: 'data', options: { fileName: '={{ $json.body.fileName }}', mimeType: 'application/xml' } },
		});
	}
	nodes.push({
		id: 'acube',
		name: 'A-Cube',
		type: 'n8n-nodes-acube.aCube',
		typeVersion: 1,
		position: [400, 0],
		parameters: { resource: 'invoice', ...parameters },
		credentials: credentials(),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	});
	const connections: Record<string, unknown> = {};
	for (let i = 1; i < nodes.length; i++) connections[nodes[i - 1].name as string] = { main: [[{ node: nodes[i].name, type: 'main', index: 0 }]] };
	const id = await n8n.createWorkflow({ name: `e2e ${path} ${String(parameters.operation)}`, nodes, connections });
	await n8n.activate(id);
	return Object.assign((body: unknown) => n8n.callWebhook(path, body), { workflowId: id });
}

const submitted: Record<Country, Array<{ uuid: string; bytes: Buffer }>> = { de: [], pl: [], fr: [] };

async function submitText(country: Country, xml: string): Promise<string> {
	const call = await actionWorkflow({ country, operation: 'submit', inputMode: 'text', xml: '={{ $json.body.xml }}' });
	const answer = await call({ xml });
	expect(answer.status).toBe(200);
	const [item] = answer.json<Array<Record<string, any>>>();
	submitted[country].push({ uuid: item.uuid, bytes: Buffer.from(xml) });
	return item.uuid;
}

describe.each(COUNTRIES)('A-Cube node in n8n: %s', (country) => {
	it('submits the invoice XML from text and returns the uuid with the summary', async () => {
		const xml = invoiceXml(country);
		const uuid = await submitText(country, xml);
		expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
		expect(sandbox.invoices.get(uuid)!.body.equals(Buffer.from(xml))).toBe(true);
	});

	it('submits corpus files from binary, byte for byte', async () => {
		const files =
			country === 'pl' ? corpusFiles('ksef') : country === 'de' ? [...corpusFiles('en16931-cii').slice(0, 2), corpusFiles('zugferd-horstoeko').find((f) => f.endsWith('xml_xrechnung_2.xml'))!] : corpusFiles('en16931-ubl').slice(1, 4);
		const call = await actionWorkflow({ country, operation: 'submit', inputMode: 'binary', binaryPropertyName: 'data' }, { binaryInput: true });
		for (const file of files) {
			const bytes = readFileSync(file);
			const answer = await call({ base64: bytes.toString('base64'), fileName: basename(file) });
			expect(answer.status).toBe(200);
			const [item] = answer.json<Array<Record<string, any>>>();
			expect(item.summary.format).toBe(country === 'pl' ? 'KSeF FA' : country === 'fr' ? 'UBL' : 'CII');
			expect(sandbox.invoices.get(item.uuid)!.body.equals(bytes)).toBe(true);
			submitted[country].push({ uuid: item.uuid, bytes });
		}
	});

	it('gets the invoice as JSON', async () => {
		const call = await actionWorkflow({ country, operation: 'get', invoiceUuid: '={{ $json.body.uuid }}', responseFormat: 'json' });
		const { uuid } = submitted[country][0];
		const [item] = (await call({ uuid })).json<Array<Record<string, any>>>();
		expect(item).toMatchObject({ uuid, country, invoiceNumber: sandbox.invoices.get(uuid)!.summary.invoiceNumber });
	});

	it('prints a real PDF and HTML', async () => {
		const { uuid } = submitted[country][0];
		const pdf = await (await actionWorkflow({ country, operation: 'print', invoiceUuid: '={{ $json.body.uuid }}', printFormat: 'pdf', binaryPropertyName: 'data' }, { respond: 'firstEntryBinary' }))({ uuid });
		expect(pdf.status).toBe(200);
		expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
		expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		expect(pdf.body.subarray(-6).toString('latin1')).toContain('%%EOF');
		const html = await (await actionWorkflow({ country, operation: 'print', invoiceUuid: '={{ $json.body.uuid }}', printFormat: 'html', binaryPropertyName: 'data' }, { respond: 'firstEntryBinary' }))({ uuid });
		expect(html.body.toString()).toContain(`Invoice ${sandbox.invoices.get(uuid)!.summary.invoiceNumber}`);
	});

	it('fetches the source byte-equal to what was sent', async () => {
		const call = await actionWorkflow({ country, operation: 'getSource', invoiceUuid: '={{ $json.body.uuid }}', binaryPropertyName: 'data' }, { respond: 'firstEntryBinary' });
		for (const { uuid, bytes } of submitted[country]) {
			const answer = await call({ uuid });
			expect(answer.status).toBe(200);
			expect(answer.body.equals(bytes)).toBe(true);
		}
	});

	it('lists every invoice across Hydra pages', async () => {
		const call = await actionWorkflow({ country, operation: 'getMany', returnAll: true, options: { itemsPerPage: 2 } });
		const items = (await call({})).json<Array<Record<string, any>>>();
		expect(items.map((item) => item.uuid).sort()).toEqual(submitted[country].map((s) => s.uuid).sort());
		expect(submitted[country].length).toBeGreaterThan(2);
	});

	it('fails cleanly on bad input, item by item, with Continue On Fail', async () => {
		const call = await actionWorkflow({ country, operation: 'get', invoiceUuid: '={{ $json.uuid }}' }, { split: true, continueOnFail: true });
		const items = (await call({ items: [{ uuid: submitted[country][0].uuid }, { uuid: 'not-a-uuid' }, { uuid: '00000000-0000-4000-8000-000000000000' }] })).json<Array<Record<string, any>>>();
		expect(items).toHaveLength(3);
		expect(items[0].uuid).toBe(submitted[country][0].uuid);
		expect(items[1].error.message).toContain('Invalid "Invoice UUID" in item 1');
		expect(items[2].error.message).toBe('Get invoice: Not found on A-Cube: Not Found: Invoice "00000000-0000-4000-8000-000000000000" not found.');
	});
});

describe('A-Cube API credential in n8n', () => {
	/** What the credential dialog's Test button sends for a saved credential. */
	const test = async (password: string) => {
		const data = { email: 'demo@acube.test', password, environment: 'sandbox', useCustomBaseUrls: true, ...sandbox.baseUrls };
		const name = `A-Cube test ${password.length}`;
		const id = await n8n.createCredential(name, 'aCubeApi', data);
		return n8n.rest('POST', '/rest/credentials/test', { credentials: { id, name, type: 'aCubeApi', data } });
	};

	it('passes the Test button with the right password', async () => {
		const answer = await test('sandbox-password');
		expect(answer.data).toMatchObject({ status: 'OK' });
		expect(sandboxLog.some((line) => line.includes('GET /users/me 200'))).toBe(true);
	});

	it('explains a wrong password without showing it', async () => {
		const answer = await test('wrong-password-123');
		expect(answer.data.status).toBe('Error');
		expect(answer.data.message).toContain('A-Cube refused the login for demo@acube.test (HTTP 401): check the email and password');
		expect(JSON.stringify(answer)).not.toContain('wrong-password-123');
	});
});

describe('A-Cube node in n8n: behaviour across countries', () => {
	it('reports a French lifecycle status, which A-Cube then plays', async () => {
		const uuid = submitted.fr[0].uuid;
		const call = await actionWorkflow({ country: 'fr', operation: 'updateStatus', invoiceUuid: '={{ $json.body.uuid }}', status: '210', reason: 'Prix non conforme' });
		const [item] = (await call({ uuid })).json<Array<Record<string, any>>>();
		expect(item).toMatchObject({ uuid, status: '210', statusLabel: 'Refused', accepted: true });
		await waitFor('the 210 status', async () => (sandbox.invoices.get(uuid)!.history.some((h) => h.status === '210') ? true : undefined));
	});

	it('downloads the Polish UPO once KSeF confirmed the invoice', async () => {
		const uuid = submitted.pl[0].uuid;
		await waitFor('confirmation', async () => (sandbox.invoices.get(uuid)!.history.some((h) => h.status === 'confirmed') ? true : undefined));
		const answer = await (await actionWorkflow({ country: 'pl', operation: 'getUpo', invoiceUuid: '={{ $json.body.uuid }}', binaryPropertyName: 'data' }, { respond: 'firstEntryBinary' }))({ uuid });
		expect(answer.body.toString()).toContain(`<NumerReferencyjnyKSeF>${sandbox.invoices.get(uuid)!.ksefReferenceNumber}</NumerReferencyjnyKSeF>`);
	});

	it('refuses a document that is not an invoice, naming it, without calling A-Cube', async () => {
		const before = sandbox.invoices.size;
		const call = await actionWorkflow({ country: 'de', operation: 'submit', inputMode: 'text', xml: '={{ $json.body.xml }}' });
		const answer = await call({ xml: readFileSync(corpusFiles('zugferd-horstoeko').find((f) => f.endsWith('xml_dummy.xml'))!, 'utf8') });
		expect(answer.status).toBe(500);
		const [execution] = await waitFor('the failed execution', async () => {
			const executions = await n8n.executions(call.workflowId);
			return executions.length > 0 ? executions : undefined;
		});
		expect(execution.status).toBe('error');
		expect(execution.data.resultData.error.message).toBe('Invoice XML in item 0: The XML is not an invoice: its root element is <root>');
		expect(execution.data.resultData.error.node.name).toBe('A-Cube');
		expect(sandbox.invoices.size).toBe(before);
	});

	it('retries a rate-limited read after Retry-After', async () => {
		sandbox.faults = { rateLimitNext: 1, retryAfterSeconds: 1 };
		const started = Date.now();
		const call = await actionWorkflow({ country: 'fr', operation: 'get', invoiceUuid: '={{ $json.body.uuid }}' });
		const [item] = (await call({ uuid: submitted.fr[0].uuid })).json<Array<Record<string, any>>>();
		expect(item.uuid).toBe(submitted.fr[0].uuid);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(sandboxLog.some((line) => / 429 /.test(line))).toBe(true);
		sandbox.faults = {};
	});

	it('retries a read after a 503 and after a dropped connection', async () => {
		const call = await actionWorkflow({ country: 'pl', operation: 'get', invoiceUuid: '={{ $json.body.uuid }}' });
		for (const faults of [{ serverErrorNext: 1, serverErrorStatus: 503 }, { dropNext: 1 }]) {
			const before = sandboxLog.length;
			sandbox.faults = faults;
			const answer = await call({ uuid: submitted.pl[0].uuid });
			sandbox.faults = {};
			expect({ faults, status: answer.status }).toEqual({ faults, status: 200 });
			const attempts = sandboxLog.slice(before).filter((line) => line.includes(`/pl/invoices/${submitted.pl[0].uuid} `));
			expect(attempts).toHaveLength(2);
			expect(attempts[1]).toMatch(/ 200 /);
		}
	});

	it('does not re-send a submission that met a 503, and says the invoice may have arrived', async () => {
		const call = await actionWorkflow({ country: 'de', operation: 'submit', inputMode: 'text', xml: '={{ $json.body.xml }}' });
		const before = sandboxLog.length;
		sandbox.faults = { serverErrorNext: 1, serverErrorStatus: 503 };
		const answer = await call({ xml: invoiceXml('de') });
		sandbox.faults = {};
		expect(answer.status).toBe(500);
		expect(sandboxLog.slice(before).filter((line) => line.includes('POST /de/api/invoices'))).toHaveLength(1);
		const [execution] = await waitFor('the failed execution', async () => {
			const executions = await n8n.executions(call.workflowId);
			return executions.length > 0 ? executions : undefined;
		});
		expect(execution.data.resultData.error.message).toBe('Submit invoice: A-Cube answered 503 (Service Unavailable: Injected fault)');
		expect(execution.data.resultData.error.description).toMatch(/may have reached A-Cube before the failure, so it was not sent again/);
	});

	it('logged in once for every execution so far, and exactly once more after the token was invalidated', async () => {
		// Two logins belong to the Test button checks above; every workflow execution shared one.
		expect(sandbox.logins).toBe(2);
		sandbox.invalidateTokens();
		const call = await actionWorkflow({ country: 'de', operation: 'get', invoiceUuid: '={{ $json.body.uuid }}' });
		const first = await call({ uuid: submitted.de[0].uuid });
		const second = await call({ uuid: submitted.de[0].uuid });
		expect([first.status, second.status]).toEqual([200, 200]);
		// The first execution met 401, logged in again and kept the new token; the second one reused it.
		expect(sandbox.logins).toBe(3);
		expect(sandboxLog.filter((line) => /\/invoices\/\S+ 401 /.test(line))).toHaveLength(1);
	});
});

/** Trigger → one NoOp per output, so that each execution shows which output the event took. */
async function triggerWorkflow(country: Country, extra: Record<string, unknown> = {}) {
	const webhookId = `trigger-${country}-${++workflowCounter}`;
	const outputs = DEFAULT_ROUTES[country].length + 1;
	const nodes: Array<Record<string, unknown>> = [
		{
			id: 'trigger',
			name: 'A-Cube Trigger',
			type: 'n8n-nodes-acube.aCubeTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId,
			parameters: { country, ...(country === 'pl' ? { legalEntityUuid: '8b8b8755-5850-4ead-9c68-8243f4ac2748' } : {}), ...extra },
			credentials: credentials(),
		},
	];
	const main: unknown[] = [];
	for (let i = 0; i < outputs; i++) {
		nodes.push({ id: `out-${i}`, name: `Output ${i}`, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, i * 120], parameters: {} });
		main.push([{ node: `Output ${i}`, type: 'main', index: 0 }]);
	}
	const id = await n8n.createWorkflow({ name: `e2e trigger ${country}`, nodes, connections: { 'A-Cube Trigger': { main } } });
	return { id, webhookId, outputs };
}

interface RoutedEvent {
	output: number;
	outputs: number;
	status: string;
	invoiceUuid: string | null;
}

async function routedEvents(workflowId: string): Promise<RoutedEvent[]> {
	const executions = await n8n.executions(workflowId);
	return executions.map((execution) => {
		const main = execution.data.resultData.runData['A-Cube Trigger'][0].data.main as Array<Array<{ json: Record<string, any> }> | null>;
		const output = main.findIndex((items) => (items ?? []).length > 0);
		const event = main[output]![0].json;
		return { output, outputs: main.length, status: event.status, invoiceUuid: event.invoiceUuid };
	});
}

async function waitForEvents(workflowId: string, count: number): Promise<RoutedEvent[]> {
	await sandbox.settle();
	return waitFor(`${count} executions`, async () => {
		const events = await routedEvents(workflowId);
		return events.length >= count ? events : undefined;
	}, 60_000, 500);
}

describe.each(COUNTRIES)('A-Cube Trigger in n8n: %s', (country) => {
	let workflow: Awaited<ReturnType<typeof triggerWorkflow>>;

	it('registers a destination with the stand-in on activation', async () => {
		workflow = await triggerWorkflow(country);
		await n8n.activate(workflow.id);
		const mine = await waitFor('registration', async () => {
			const found = [...sandbox.destinations.values()].filter((d) => d.target.includes(workflow.webhookId));
			return found.length > 0 ? found : undefined;
		});
		expect(mine.every((d) => d.country === country)).toBe(true);
		if (country === 'pl') expect(mine.every((d) => /n8n_secret=/.test(d.target))).toBe(true);
		else expect(mine.every((d) => d.authType === 'header' && d.authKey === 'x-acube-webhook-secret')).toBe(true);
	});

	it('routes every status of every played lifecycle to its own output', async () => {
		const scenarios = Object.keys(SCENARIOS[country]);
		const markers: Record<string, string> = { approved: '', rejected: '-REJECT', refused: '-REFUSE', disputed: '-DISPUTE', error: '-ERROR', failed: '-FAIL' };
		const expected: Array<{ uuid: string; status: string }> = [];
		for (const scenario of scenarios) {
			const uuid = await submitText(country, invoiceXml(country, markers[scenario]));
			expect(sandbox.invoices.get(uuid)!.scenario).toBe(scenario);
			for (const status of SCENARIOS[country][scenario]) expected.push({ uuid, status });
		}
		const events = await waitForEvents(workflow.id, expected.length);
		expect(events).toHaveLength(expected.length);
		for (const { uuid, status } of expected) {
			const event = events.find((e) => e.status === status && (e.invoiceUuid === uuid || (status === 'error' && e.invoiceUuid === null)));
			expect(event).toBeDefined();
			const route = DEFAULT_ROUTES[country].indexOf(status);
			expect({ status, output: event!.output }).toEqual({ status, output: route === -1 ? DEFAULT_ROUTES[country].length : route });
			expect(event!.outputs).toBe(workflow.outputs);
		}
	});

	it('starts nothing for unsigned, wrongly signed, tampered or secret-less calls', async () => {
		const before = (await routedEvents(workflow.id)).length;
		const invoiceUuid = submitted[country][0].uuid;
		for (const mode of ['unsigned', 'wrong-key', 'tampered', 'no-secret']) {
			const results = await sandbox.controlDeliver({ invoiceUuid, status: SCENARIOS[country].approved[0], mode });
			const mine = results.filter((r) => sandbox.destinations.get(r.target)?.target.includes(workflow.webhookId));
			expect(mine.length).toBeGreaterThan(0);
			expect({ mode, statuses: mine.map((r) => r.responseStatus) }).toEqual({ mode, statuses: mine.map(() => 401) });
		}
		await new Promise((r) => setTimeout(r, 1500));
		expect((await routedEvents(workflow.id)).length).toBe(before);
	});

	it('starts one execution for a delivery that arrives twice', async () => {
		const before = (await routedEvents(workflow.id)).length;
		const invoice = sandbox.invoices.get(submitted[country][0].uuid)!;
		const status = SCENARIOS[country].approved[0];
		const destination = [...sandbox.destinations.values()].find((d) => d.target.includes(workflow.webhookId) && d.country === country)!;
		const payload = sandbox.eventPayload(invoice, status, destination);
		const results = await sandbox.controlDeliver({ invoiceUuid: invoice.uuid, status, payload, times: 2 });
		expect(results.map((r) => r.responseStatus)).toEqual(results.map(() => 200));
		const events = await waitForEvents(workflow.id, before + 1);
		await new Promise((r) => setTimeout(r, 1500));
		expect((await routedEvents(workflow.id)).length).toBe(events.length);
		expect(events.length).toBe(before + 1);
	});

	it('removes the destination on deactivation', async () => {
		await n8n.deactivate(workflow.id);
		await waitFor('deregistration', async () => ([...sandbox.destinations.values()].some((d) => d.target.includes(workflow.webhookId)) ? undefined : true));
	});
});

describe('A-Cube Trigger in n8n: A-Cube re-delivering', () => {
	it('delivers again after failed attempts, and the workflow runs once', async () => {
		const workflow = await triggerWorkflow('de');
		await n8n.activate(workflow.id);
		await waitFor('registration', async () => ([...sandbox.destinations.values()].some((d) => d.target.includes(workflow.webhookId)) ? true : undefined));
		sandbox.faults = { failDeliveriesNext: 2 };
		try {
			await submitText('de', invoiceXml('de'));
			const events = await waitForEvents(workflow.id, 1);
			expect(events.map((e) => e.status)).toEqual(['invoice.sent']);
		} finally {
			sandbox.faults = {};
		}
		const attempts = sandbox.deliveries.filter((d) => d.target.includes(workflow.webhookId));
		expect(attempts.map((d) => [d.attempt, d.responseStatus])).toEqual([
			[1, null],
			[2, null],
			[3, 200],
		]);
		await n8n.deactivate(workflow.id);
	});

	it('starts one execution per status when every delivery arrives twice', async () => {
		const workflow = await triggerWorkflow('fr');
		await n8n.activate(workflow.id);
		await waitFor('registration', async () => ([...sandbox.destinations.values()].some((d) => d.target.includes(workflow.webhookId)) ? true : undefined));
		sandbox.faults = { duplicateDeliveries: true };
		try {
			await submitText('fr', invoiceXml('fr', '-REJECT'));
			await sandbox.settle();
		} finally {
			sandbox.faults = {};
		}
		const events = await waitForEvents(workflow.id, 2);
		await new Promise((r) => setTimeout(r, 1500));
		expect((await routedEvents(workflow.id)).map((e) => e.status).sort()).toEqual(['200', '213']);
		expect(sandbox.deliveries.filter((d) => d.target.includes(workflow.webhookId) && d.duplicate).map((d) => d.responseStatus)).toEqual([200, 200]);
		expect(events.length).toBe(2);
		await n8n.deactivate(workflow.id);
	});
});
