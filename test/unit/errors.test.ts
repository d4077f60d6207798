import type { IDataObject } from 'n8n-workflow';
import nock from 'nock';

import { TOKEN, UUID, countryApi, expectLogin } from '../helpers/acubeNock';
import { seedZugferd } from '../helpers/fixtures';
import { loginOr, startLocalServer } from '../helpers/localServer';
import { TEST_PASSWORD, runNode } from '../helpers/n8nHarness';

const sleeps: number[] = [];
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async (ms: number) => {
		sleeps.push(ms);
	}),
}));

beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
beforeEach(() => {
	sleeps.length = 0;
	expectLogin().persist();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const submit = (extra: IDataObject = {}): IDataObject => ({ country: 'de', resource: 'invoice', operation: 'submit', inputMode: 'text', xml: seedZugferd(), ...extra });
const get = (extra: IDataObject = {}): IDataObject => ({ country: 'fr', resource: 'invoice', operation: 'get', invoiceUuid: UUID, ...extra });

async function failure(parameters: IDataObject, items?: Parameters<typeof runNode>[0]['items']) {
	const error = await runNode({ parameters, items }).then(
		() => undefined,
		(e: Error & { description?: string; httpCode?: string; context?: { itemIndex?: number } }) => e,
	);
	if (!error) throw new Error('expected the node to fail');
	return error;
}

describe('bad input is refused before any request, naming the item and field', () => {
	it.each([
		['not-a-uuid', 'Invalid "Invoice UUID" in item 0: expected a UUID such as 4f7a9112-9c3b-48fa-8672-111222333aaa, got "not-a-uuid"'],
		['', 'Invalid "Invoice UUID" in item 0: expected a UUID such as 4f7a9112-9c3b-48fa-8672-111222333aaa, it is empty'],
		[`${UUID}/../../users`, 'Invalid "Invoice UUID" in item 0'],
	])('invoice UUID %j', async (invoiceUuid, message) => {
		const error = await failure(get({ invoiceUuid }));
		expect(error.message).toContain(message);
		expect(error.context?.itemIndex).toBe(0);
	});

	it('empty XML text', async () => {
		const error = await failure(submit({ xml: '' }));
		expect(error.message).toBe('Invoice XML in item 0: The XML is empty');
	});

	it('a PDF where XML was expected', async () => {
		const error = await failure(submit({ inputMode: 'binary', binaryPropertyName: 'data' }), [
			{ binary: { data: { data: Buffer.from('%PDF-1.7 ...'), fileName: 'rechnung.pdf', mimeType: 'application/pdf' } } },
		]);
		expect(error.message).toBe('File "rechnung.pdf" in item 0: The file is a PDF file, not XML');
		expect(error.description).toMatch(/embedded XML/);
	});

	it('XML that is not an invoice', async () => {
		const error = await failure(submit({ xml: '<?xml version="1.0"?><order><id>1</id></order>' }));
		expect(error.message).toBe('Invoice XML in item 0: The XML is not an invoice: its root element is <order>');
	});

	it('a missing binary property, listing the ones there are', async () => {
		const error = await failure(submit({ inputMode: 'binary', binaryPropertyName: 'invoice' }), [
			{ json: {} },
			{ binary: { attachment_0: { data: Buffer.from(seedZugferd()) } } },
		]);
		expect(error.message).toBe('Item 0 has no binary field "invoice"');
		expect(error.description).toMatch(/no binary data at all/);
		const second = await failure(submit({ inputMode: 'binary', binaryPropertyName: 'invoice' }), [{ binary: { attachment_0: { data: Buffer.from(seedZugferd()) } } }]);
		expect(second.description).toBe('Its binary fields are: attachment_0. Set "Input Binary Field" to one of them.');
	});

	it('sends XML that is not recognised when the check is switched off', async () => {
		countryApi('de').post('/api/invoices').reply(201, { uuid: UUID });
		const { output } = await runNode({ parameters: submit({ xml: '<Custom/>', options: { checkXml: false } }) });
		expect(output[0].json).toEqual({ uuid: UUID, country: 'de' });
	});
});

describe('A-Cube answers become messages a user understands', () => {
	it.each([
		[400, { title: 'Bad Request', detail: 'Syntax error' }, 'Submit invoice: A-Cube could not read the request: Bad Request: Syntax error'],
		[401, { code: 401, message: 'Invalid JWT Token' }, 'Submit invoice: A-Cube did not accept the login token, even after a fresh login: Invalid JWT Token'],
		[403, { title: 'Forbidden', detail: 'Access Denied.' }, 'Submit invoice: This A-Cube account is not allowed to do this: Forbidden: Access Denied.'],
		[409, { title: 'Conflict', detail: 'Invoice already exists' }, 'Submit invoice: A-Cube reports a conflict: Conflict: Invoice already exists'],
		[413, 'Request Entity Too Large', 'Submit invoice: The invoice is too large for A-Cube: Request Entity Too Large'],
		[
			422,
			{
				title: 'An error occurred',
				detail: 'sellerVat: This value is not valid.\ninvoiceNumber: This value should not be blank.',
				violations: [
					{ propertyPath: 'sellerVat', message: 'This value is not valid.' },
					{ propertyPath: 'invoiceNumber', message: 'This value should not be blank.' },
				],
			},
			'Submit invoice: A-Cube found errors in what was sent: An error occurred: sellerVat: This value is not valid.; invoiceNumber: This value should not be blank.',
		],
	])('%i', async (status, body, message) => {
		countryApi('de').post('/api/invoices').reply(status, body as never);
		countryApi('de').post('/api/invoices').optionally().reply(status, body as never);
		const error = await failure(submit());
		expect(error.message).toBe(message);
		expect(error.httpCode).toBe(String(status));
		expect(sleeps).toEqual([]);
	});

	it('404 names what to check', async () => {
		countryApi('fr').get(`/invoices/${UUID}`).reply(404, { title: 'Not Found', detail: 'Invoice not found' });
		const error = await failure(get());
		expect(error.message).toBe('Get invoice: Not found on A-Cube: Not Found: Invoice not found');
		expect(error.description).toMatch(/country matches/);
	});

	it.each([500, 503])('a POST meeting %i is not re-sent and says the invoice may have arrived', async (status) => {
		const scope = countryApi('de').post('/api/invoices').once().reply(status, { title: 'Internal Server Error' });
		const error = await failure(submit());
		expect(scope.isDone()).toBe(true);
		expect(error.message).toBe(`Submit invoice: A-Cube answered ${status} (Internal Server Error)`);
		expect(error.description).toMatch(/may have reached A-Cube.*not sent again.*Get Many/);
		expect(sleeps).toEqual([]);
	});

	it('a POST that times out is not re-sent and says how to check', async () => {
		let posts = 0;
		const server = await startLocalServer(
			loginOr((req) => {
				if (req.method === 'POST') posts += 1;
				// never answer
			}),
		);
		try {
			const error = await runNode({ parameters: submit({ options: { timeout: 1000 } }), store: server.store() }).catch((e) => e);
			expect(error.message).toBe('Submit invoice: the request to A-Cube timed out');
			expect(error.description).toMatch(/may have reached A-Cube/);
			expect(posts).toBe(1);
			expect(sleeps).toEqual([]);
		} finally {
			await server.close();
		}
	});
});

describe('retries', () => {
	it('retries a GET on 503 with exponential backoff, then succeeds', async () => {
		const api = countryApi('fr');
		api.get(`/invoices/${UUID}`).twice().reply(503, { title: 'Service Unavailable' });
		api.get(`/invoices/${UUID}`).reply(200, { uuid: UUID });
		const { output } = await runNode({ parameters: get() });
		expect(output[0].json.uuid).toBe(UUID);
		expect(sleeps).toEqual([1000, 2000]);
	});

	it('honours Retry-After on 429, for a POST too, since nothing was processed', async () => {
		const api = countryApi('de');
		api.post('/api/invoices').reply(429, { code: 429, message: 'Too Many Requests' }, { 'Retry-After': '7' });
		api.post('/api/invoices').reply(201, { uuid: UUID });
		const { output } = await runNode({ parameters: submit() });
		expect(output[0].json.uuid).toBe(UUID);
		expect(sleeps).toEqual([7000]);
	});

	it('gives up after Max Retries and says so', async () => {
		countryApi('fr').get(`/invoices/${UUID}`).times(3).reply(429, { code: 429, message: 'Too Many Requests' });
		const error = await failure(get({ options: { maxRetries: 2 } }));
		expect(error.message).toBe('Get invoice: A-Cube rate limit reached and retries ran out: Too Many Requests');
		expect(sleeps).toEqual([1000, 2000]);
	});

	it('retries a GET whose connection is reset', async () => {
		let gets = 0;
		const server = await startLocalServer(
			loginOr((req, res) => {
				gets += 1;
				if (gets === 1) {
					req.socket.destroy();
					return;
				}
				res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ uuid: UUID }));
			}),
		);
		try {
			const { output } = await runNode({ parameters: get(), store: server.store() });
			expect(output[0].json.uuid).toBe(UUID);
			expect(gets).toBe(2);
			expect(sleeps).toEqual([1000]);
		} finally {
			await server.close();
		}
	});
});

describe('continue on fail', () => {
	it('puts each error on its own item, keeps what the user sent, and carries on', async () => {
		const api = countryApi('fr');
		api.get(`/invoices/${UUID}`).reply(200, { uuid: UUID, status: '205' });
		api.get('/invoices/11111111-1111-4111-8111-111111111111').reply(404, { title: 'Not Found', detail: 'Invoice not found' });
		api.get('/invoices/22222222-2222-4222-8222-222222222222').reply(422, { title: 'Unprocessable', violations: [{ propertyPath: 'uuid', message: 'gone' }] });
		const uuids = [UUID, '11111111-1111-4111-8111-111111111111', 'nonsense', '22222222-2222-4222-8222-222222222222'];
		const { output } = await runNode({
			parameters: (i) => get({ invoiceUuid: uuids[i] }),
			items: uuids.map((uuid, i) => ({ json: { row: i, uuid } })),
			continueOnFail: true,
		});
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(output[0].json).toEqual({ uuid: UUID, country: 'fr', status: '205', statusLabel: 'Approved' });
		expect(output[1].json).toMatchObject({ row: 1, error: { message: 'Get invoice: Not found on A-Cube: Not Found: Invoice not found', httpCode: '404' } });
		expect(output[2].json).toMatchObject({ row: 2, uuid: 'nonsense', error: { message: expect.stringContaining('Invalid "Invoice UUID" in item 2') } });
		expect(output[3].json).toMatchObject({ row: 3, error: { message: 'Get invoice: A-Cube found errors in what was sent: Unprocessable: uuid: gone', httpCode: '422' } });
	});

	it('keeps the input file on a failed submission', async () => {
		const file = Buffer.from('%PDF-1.4');
		const { output } = await runNode({
			parameters: submit({ inputMode: 'binary', binaryPropertyName: 'data' }),
			items: [{ json: { id: 9 }, binary: { data: { data: file, fileName: 'scan.pdf' } } }],
			continueOnFail: true,
		});
		expect(output[0].json).toMatchObject({ id: 9, error: { message: 'File "scan.pdf" in item 0: The file is a PDF file, not XML' } });
		expect(Buffer.from(output[0].binary!.data.data, 'base64').equals(file)).toBe(true);
	});
});

describe('secrets', () => {
	it('never puts the token or the password into an error', async () => {
		countryApi('fr').get(`/invoices/${UUID}`).reply(500, { title: 'boom' });
		countryApi('fr').get(`/invoices/${UUID}`).times(3).reply(500, { title: 'boom' });
		const error = await failure(get());
		const everything = JSON.stringify(error, Object.getOwnPropertyNames(error)) + JSON.stringify((error as { errorResponse?: unknown }).errorResponse ?? {}) + String(error.stack);
		expect(everything).not.toContain(TOKEN);
		expect(everything).not.toContain(TEST_PASSWORD);
		expect((error as { cause?: unknown }).cause).toBeUndefined();
	});

	it('never puts them into output items', async () => {
		countryApi('fr').get(`/invoices/${UUID}`).reply(200, { uuid: UUID });
		countryApi('fr').get(`/invoices/${UUID}`).times(4).reply(500, { title: 'boom' });
		const { output } = await runNode({ parameters: get(), items: [{ json: {} }, { json: {} }], continueOnFail: true });
		const text = JSON.stringify(output);
		expect(text).not.toContain(TOKEN);
		expect(text).not.toContain(TEST_PASSWORD);
	});
});
