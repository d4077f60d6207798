import { readFileSync } from 'node:fs';
import nock from 'nock';

import type { Country } from '../../nodes/shared/countries';
import { UUID, countryApi, expectLogin, path } from '../helpers/acubeNock';
import { corpusFiles, seedXrechnung, seedZugferd } from '../helpers/fixtures';
import { decodeBinary, runNode } from '../helpers/n8nHarness';

beforeAll(() => nock.disableNetConnect());
beforeEach(() => expectLogin().persist());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const COUNTRIES: Country[] = ['de', 'pl', 'fr'];
const ksefInvoice = () => readFileSync(corpusFiles('ksef').find((f) => f.endsWith('invoice-template_v3.xml'))!, 'utf8');
const invoiceFor: Record<Country, () => string> = { de: seedZugferd, pl: ksefInvoice, fr: seedXrechnung };
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n%%EOF\n')]);

describe('submit', () => {
	it.each(COUNTRIES)('%s: sends the XML text as application/xml and returns the uuid with a summary', async (country) => {
		const xml = invoiceFor[country]();
		let received: { body?: string; contentType?: string } = {};
		countryApi(country)
			.post(path(country, '/invoices'))
			.reply(201, function (_uri, body) {
				received = { body: body as string, contentType: this.req.headers['content-type'] as string };
				return { uuid: UUID };
			});
		const { output } = await runNode({ parameters: { country, resource: 'invoice', operation: 'submit', inputMode: 'text', xml } });
		expect(received.contentType).toBe('application/xml');
		expect(received.body).toBe(xml);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json.uuid).toBe(UUID);
		expect(output[0].json.country).toBe(country);
		expect(output[0].json.summary).toMatchObject({ format: country === 'pl' ? 'KSeF FA' : country === 'de' ? 'CII' : 'UBL' });
	});

	it('de: sends a binary file byte for byte and keeps the input file on the output item', async () => {
		const bytes = Buffer.from(seedXrechnung(), 'utf8');
		let received: Buffer | undefined;
		countryApi('de')
			.post('/api/invoices')
			.reply(201, (_uri, body) => {
				received = Buffer.from(body as string, 'utf8');
				return { uuid: UUID };
			});
		const { output } = await runNode({
			parameters: { country: 'de', resource: 'invoice', operation: 'submit', inputMode: 'binary', binaryPropertyName: 'invoice' },
			items: [{ json: { erpId: 'A-17' }, binary: { invoice: { data: bytes, fileName: 'INV-200001.xml' } } }],
		});
		expect(received!.equals(bytes)).toBe(true);
		expect(output[0].json).toEqual({
			uuid: UUID,
			country: 'de',
			summary: {
				format: 'UBL',
				profile: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0',
				documentType: 'invoice',
				typeCode: '380',
				invoiceNumber: 'INV-200001',
				issueDate: '2016-04-04',
				currency: 'EUR',
				seller: { name: '[Seller name]', vatId: 'DE 123456789' },
				buyer: { name: '[Buyer name]' },
				grandTotal: '336.9',
				amountDue: '336.9',
			},
		});
		expect(decodeBinary(output[0], 'invoice').equals(bytes)).toBe(true);
	});

	it('fr: keeps everything A-Cube returned and labels its status', async () => {
		const answer = { uuid: UUID, direction: 'OUTBOUND', status: '200', invoiceNumber: 'INV-200001', invoiceDate: '2016-04-04' };
		countryApi('fr').post('/invoices').reply(201, answer);
		const { output } = await runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'submit', inputMode: 'text', xml: seedXrechnung() } });
		expect(output[0].json).toMatchObject({ ...answer, country: 'fr', statusLabel: 'Submitted' });
	});

	it('pl: sends the FA structure as JSON', async () => {
		const fa = { Naglowek: { KodFormularza: 'FA' }, Podmiot1: { DaneIdentyfikacyjne: { NIP: '0012345678' } }, Podmiot2: {}, Fa: { P_2: 'FV/1/2026', P_15: '123.00' } };
		let received: unknown;
		countryApi('pl')
			.post('/invoices')
			.matchHeader('content-type', 'application/json')
			.reply(201, (_uri, body) => {
				received = body;
				return { uuid: UUID };
			});
		const { output } = await runNode({
			parameters: { country: 'pl', resource: 'invoice', operation: 'submit', inputMode: 'json', jsonBody: JSON.stringify(fa) },
		});
		expect(received).toEqual(fa);
		expect(received).toHaveProperty('Podmiot1.DaneIdentyfikacyjne.NIP', '0012345678');
		expect(output[0].json).toEqual({ uuid: UUID, country: 'pl' });
	});

	const corpus = [
		...corpusFiles('en16931-cii').slice(0, 4).map((file) => ['de', file] as const),
		...corpusFiles('zugferd-horstoeko').filter((f) => /xml_(basic|en16931|extended|xrechnung)_1/.test(f)).map((file) => ['de', file] as const),
		...corpusFiles('en16931-ubl').slice(0, 4).map((file) => ['fr', file] as const),
		...corpusFiles('ksef').map((file) => ['pl', file] as const),
	];
	it.each(corpus)('%s: submits corpus file %s from binary', async (country, file) => {
		const bytes = readFileSync(file);
		let received: string | undefined;
		countryApi(country)
			.post(path(country, '/invoices'))
			.reply(201, (_uri, body) => {
				received = body as string;
				return { uuid: UUID };
			});
		const { output } = await runNode({
			parameters: { country, resource: 'invoice', operation: 'submit', inputMode: 'binary', binaryPropertyName: 'data' },
			items: [{ binary: { data: { data: bytes, fileName: file.split('/').pop() } } }],
		});
		expect(received).toBe(bytes.toString('utf8'));
		expect(output[0].json.uuid).toBe(UUID);
	});
});

describe('get', () => {
	it.each(COUNTRIES)('%s: returns the JSON details', async (country) => {
		const details = { uuid: UUID, invoiceNumber: 'INV-1', status: country === 'fr' ? '210' : country === 'pl' ? 'delivered' : 'invoice.sent' };
		countryApi(country).get(path(country, `/invoices/${UUID}`)).matchHeader('accept', 'application/json').reply(200, details);
		const { output } = await runNode({ parameters: { country, resource: 'invoice', operation: 'get', invoiceUuid: UUID } });
		const label = { fr: 'Refused', pl: 'Delivered to KSeF', de: 'Sent' }[country];
		expect(output).toEqual([{ json: { ...details, country, statusLabel: label }, pairedItem: { item: 0 } }]);
	});

	it('returns the XML as a file when asked for XML', async () => {
		const xml = seedZugferd();
		countryApi('de').get(`/api/invoices/${UUID}`).matchHeader('accept', 'application/xml').reply(200, xml, { 'Content-Type': 'application/xml' });
		const { output } = await runNode({
			parameters: { country: 'de', resource: 'invoice', operation: 'get', invoiceUuid: UUID, responseFormat: 'xml', binaryPropertyName: 'xml' },
		});
		expect(output[0].json).toEqual({ uuid: UUID, country: 'de', format: 'xml', fileName: `${UUID}.xml`, mimeType: 'application/xml', size: Buffer.byteLength(xml) });
		expect(decodeBinary(output[0], 'xml').toString('utf8')).toBe(xml);
	});

	it('accepts an upper-case UUID with spaces around it', async () => {
		countryApi('fr').get(`/invoices/${UUID}`).reply(200, { uuid: UUID });
		const { output } = await runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'get', invoiceUuid: `  ${UUID.toUpperCase()} ` } });
		expect(output[0].json.uuid).toBe(UUID);
	});
});

describe('print', () => {
	it.each(COUNTRIES)('%s: returns the PDF bytes as a binary file', async (country) => {
		countryApi(country).get(path(country, `/invoices/${UUID}/print`)).matchHeader('accept', 'application/pdf').reply(200, PDF, { 'Content-Type': 'application/pdf' });
		const { output } = await runNode({ parameters: { country, resource: 'invoice', operation: 'print', invoiceUuid: UUID, printFormat: 'pdf', binaryPropertyName: 'data' } });
		expect(output[0].json).toEqual({
			uuid: UUID,
			country,
			format: 'pdf',
			retrievedFrom: `/invoices/${UUID}/print`,
			fileName: `${UUID}.pdf`,
			mimeType: 'application/pdf',
			size: PDF.length,
		});
		expect(output[0].binary!.data.mimeType).toBe('application/pdf');
		expect(decodeBinary(output[0]).equals(PDF)).toBe(true);
	});

	it('returns HTML as a .html file', async () => {
		const html = '<html><body><h1>Rechnung 471102</h1></body></html>';
		countryApi('fr').get(`/invoices/${UUID}/print`).matchHeader('accept', 'text/html').reply(200, html, { 'Content-Type': 'text/html' });
		const { output } = await runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'print', invoiceUuid: UUID, printFormat: 'html', binaryPropertyName: 'page' } });
		expect(output[0].json).toMatchObject({ format: 'html', fileName: `${UUID}.html`, mimeType: 'text/html' });
		expect(decodeBinary(output[0], 'page').toString()).toBe(html);
	});

	it('de: falls back to content negotiation when /print answers 404, and says so', async () => {
		countryApi('de').get(`/api/invoices/${UUID}/print`).reply(404, { title: 'Not Found', detail: 'No route found' });
		countryApi('de').get(`/api/invoices/${UUID}`).matchHeader('accept', 'application/pdf').reply(200, PDF, { 'Content-Type': 'application/pdf' });
		const { output, logs } = await runNode({ parameters: { country: 'de', resource: 'invoice', operation: 'print', invoiceUuid: UUID, printFormat: 'pdf', binaryPropertyName: 'data' } });
		expect(output[0].json.retrievedFrom).toBe(`/invoices/${UUID} (Accept: application/pdf)`);
		expect(decodeBinary(output[0]).equals(PDF)).toBe(true);
		expect(logs.some((log) => log.message.includes('answered 404'))).toBe(true);
	});

	it('fr: does not fall back, a 404 is a 404', async () => {
		countryApi('fr').get(`/invoices/${UUID}/print`).reply(404, { title: 'Not Found', detail: 'Invoice not found' });
		await expect(runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'print', invoiceUuid: UUID, printFormat: 'pdf', binaryPropertyName: 'data' } })).rejects.toThrow(
			'Print invoice: Not found on A-Cube: Not Found: Invoice not found',
		);
	});
});

describe('getSource', () => {
	it.each(COUNTRIES)('%s: returns the original XML byte for byte', async (country) => {
		const xml = invoiceFor[country]();
		countryApi(country).get(path(country, `/invoices/${UUID}/source`)).matchHeader('accept', 'application/xml').reply(200, xml, { 'Content-Type': 'application/xml' });
		const { output } = await runNode({ parameters: { country, resource: 'invoice', operation: 'getSource', invoiceUuid: UUID, binaryPropertyName: 'data' } });
		expect(output[0].json).toEqual({
			uuid: UUID,
			country,
			retrievedFrom: `/invoices/${UUID}/source`,
			fileName: `${UUID}.xml`,
			mimeType: 'application/xml',
			size: Buffer.byteLength(xml),
		});
		expect(decodeBinary(output[0]).toString('utf8')).toBe(xml);
	});

	it('parses to JSON on request, keeping identifiers as strings', async () => {
		const xml = seedZugferd().replace('<ram:ID>549910</ram:ID>', '<ram:ID>00549910</ram:ID>');
		countryApi('de').get(`/api/invoices/${UUID}/source`).reply(200, xml, { 'Content-Type': 'application/xml' });
		const { output } = await runNode({
			parameters: { country: 'de', resource: 'invoice', operation: 'getSource', invoiceUuid: UUID, binaryPropertyName: 'data', options: { parseToJson: true } },
		});
		const source = output[0].json.source as Record<string, any>;
		const seller = source.CrossIndustryInvoice.SupplyChainTradeTransaction.ApplicableHeaderTradeAgreement.SellerTradeParty;
		expect(seller.ID).toBe('00549910');
		expect(source.CrossIndustryInvoice.ExchangedDocument.ID).toBe('471102');
	});
});

describe('getMany', () => {
	const invoice = (n: number, status = '205') => ({ uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, status });

	it.each(COUNTRIES)('%s: follows hydra:next through every page with Return All', async (country) => {
		const api = countryApi(country);
		api
			.get(path(country, '/invoices'))
			.query({ page: '1', itemsPerPage: '2' })
			.matchHeader('accept', 'application/ld+json')
			.reply(200, { 'hydra:member': [invoice(1), invoice(2)], 'hydra:totalItems': 5, 'hydra:view': { 'hydra:next': path(country, '/invoices?page=2&itemsPerPage=2') } });
		api.get(path(country, '/invoices')).query({ page: '2', itemsPerPage: '2' }).reply(200, { 'hydra:member': [invoice(3), invoice(4)], 'hydra:view': { 'hydra:next': path(country, '/invoices?page=3&itemsPerPage=2') } });
		api.get(path(country, '/invoices')).query({ page: '3', itemsPerPage: '2' }).reply(200, { 'hydra:member': [invoice(5)], 'hydra:view': {} });
		const { output } = await runNode({ parameters: { country, resource: 'invoice', operation: 'getMany', returnAll: true, options: { itemsPerPage: 2 } } });
		expect(output.map((item) => item.json.uuid)).toEqual([1, 2, 3, 4, 5].map((n) => invoice(n).uuid));
		expect(output.every((item) => item.json.country === country)).toBe(true);
		expect(api.isDone()).toBe(true);
	});

	it('stops at the limit without fetching further pages', async () => {
		const api = countryApi('fr');
		api.get('/invoices').query(true).reply(200, { 'hydra:member': [invoice(1), invoice(2), invoice(3)], 'hydra:view': { 'hydra:next': '/invoices?page=2' } });
		const { output } = await runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'getMany', returnAll: false, limit: 2 } });
		expect(output.map((item) => item.json)).toEqual([
			{ country: 'fr', ...invoice(1), statusLabel: 'Approved' },
			{ country: 'fr', ...invoice(2), statusLabel: 'Approved' },
		]);
	});

	it('passes the filters A-Cube accepts as query parameters', async () => {
		countryApi('fr')
			.get('/invoices')
			.query({
				page: '1',
				itemsPerPage: '30',
				invoiceNumber: 'INV-200001',
				status: '210',
				direction: 'INBOUND',
				'createdAt[after]': '2026-01-01T00:00:00',
				'createdAt[before]': '2026-02-01T00:00:00',
				legalEntityUuid: 'abc',
			})
			.reply(200, { 'hydra:member': [invoice(7, '210')] });
		const { output } = await runNode({
			parameters: {
				country: 'fr',
				resource: 'invoice',
				operation: 'getMany',
				returnAll: true,
				filters: {
					invoiceNumber: 'INV-200001',
					status: '210',
					direction: 'INBOUND',
					createdAfter: '2026-01-01T00:00:00',
					createdBefore: '2026-02-01T00:00:00',
					query: { parameter: [{ name: 'legalEntityUuid', value: 'abc' }] },
				},
			},
		});
		expect(output).toHaveLength(1);
		expect(output[0].json.statusLabel).toBe('Refused');
	});

	it('reads the unprefixed JSON-LD of newer API Platform versions', async () => {
		countryApi('pl').get('/invoices').query(true).reply(200, { member: [invoice(1, 'confirmed')], view: {} });
		const { output } = await runNode({ parameters: { country: 'pl', resource: 'invoice', operation: 'getMany', returnAll: true } });
		expect(output.map((item) => item.json.statusLabel)).toEqual(['Confirmed (UPO received)']);
	});

	it('pages through a bare JSON array by page number', async () => {
		const api = countryApi('de');
		api.get('/api/invoices').query({ page: '1', itemsPerPage: '2' }).reply(200, [invoice(1), invoice(2)]);
		api.get('/api/invoices').query({ page: '2', itemsPerPage: '2' }).reply(200, [invoice(3)]);
		const { output } = await runNode({ parameters: { country: 'de', resource: 'invoice', operation: 'getMany', returnAll: true, options: { itemsPerPage: 2 } } });
		expect(output).toHaveLength(3);
		expect(api.isDone()).toBe(true);
	});
});

describe('updateStatus (France)', () => {
	it('sends a refusal with its reason', async () => {
		let body: unknown;
		countryApi('fr')
			.post(`/invoices/${UUID}/lifecycle`)
			.reply(202, (_uri, received) => {
				body = received;
				return '';
			});
		const { output } = await runNode({
			parameters: { country: 'fr', resource: 'invoice', operation: 'updateStatus', invoiceUuid: UUID, status: '210', reason: 'Prix non conforme à la commande' },
		});
		expect(body).toEqual({ afnorStatusCode: '210', reason: 'Prix non conforme à la commande' });
		expect(output[0].json).toEqual({ uuid: UUID, country: 'fr', status: '210', statusLabel: 'Refused', statusLabelLocal: 'Refusée', accepted: true, httpStatus: 202 });
	});

	it('sends payment details for 212 under the chosen field name', async () => {
		let body: unknown;
		countryApi('fr')
			.post(`/invoices/${UUID}/lifecycle`)
			.reply(202, (_uri, received) => {
				body = received;
				return {};
			});
		await runNode({
			parameters: {
				country: 'fr',
				resource: 'invoice',
				operation: 'updateStatus',
				invoiceUuid: UUID,
				status: '212',
				paymentDetails: { payment: [{ vatRate: 20, amount: 1200.5, currency: 'eur' }, { vatRate: 5.5, amount: 105.5, currency: 'EUR' }] },
				options: { statusField: 'invoiceStatus' },
			},
		});
		expect(body).toEqual({
			invoiceStatus: '212',
			paymentDetails: [
				{ vatRate: 20, amount: 1200.5, currency: 'EUR' },
				{ vatRate: 5.5, amount: 105.5, currency: 'EUR' },
			],
		});
	});

	it.each([
		[{ status: '207', reason: '  ' }, '"Reason" is required for status 207 Disputed (item 0)'],
		[{ status: '211' }, '"Payment Details" needs at least one line for status 211 (item 0)'],
		[{ status: '212', paymentDetails: { payment: [{ vatRate: 20, amount: 0, currency: 'EUR' }] } }, 'Payment line 1 of item 0 needs a positive amount'],
		[{ status: '213' }, 'Invalid "Status" in item 0: 213 is not a lifecycle status a buyer or seller can send'],
	])('refuses %j before any request', async (parameters, message) => {
		await expect(runNode({ parameters: { country: 'fr', resource: 'invoice', operation: 'updateStatus', invoiceUuid: UUID, ...parameters } })).rejects.toThrow(message);
	});
});

describe('getUpo (Poland)', () => {
	it('returns the UPO receipt as an XML file', async () => {
		const upo = '<?xml version="1.0"?><Potwierdzenie><NumerReferencyjnyKSeF>8431324763-20221007-F95571-88922F-C2</NumerReferencyjnyKSeF></Potwierdzenie>';
		countryApi('pl').get(`/invoices/${UUID}/upo`).matchHeader('accept', 'application/xml').reply(200, upo, { 'Content-Type': 'application/xml' });
		const { output } = await runNode({ parameters: { country: 'pl', resource: 'invoice', operation: 'getUpo', invoiceUuid: UUID, binaryPropertyName: 'upo' } });
		expect(output[0].json).toEqual({ uuid: UUID, country: 'pl', fileName: `${UUID}-upo.xml`, mimeType: 'application/xml', size: upo.length });
		expect(decodeBinary(output[0], 'upo').toString()).toBe(upo);
	});

	it('explains that the UPO may not be issued yet', async () => {
		countryApi('pl').get(`/invoices/${UUID}/upo`).reply(404, { title: 'Not Found', detail: 'UPO not available' });
		const error = await runNode({ parameters: { country: 'pl', resource: 'invoice', operation: 'getUpo', invoiceUuid: UUID, binaryPropertyName: 'upo' } }).catch((e) => e);
		expect(error.message).toBe('Get UPO: Not found on A-Cube: Not Found: UPO not available');
		expect(error.description).toMatch(/up to about two hours/);
	});
});
