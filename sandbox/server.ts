import { createHmac, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Country } from '../nodes/shared/countries';
import { signRequest } from '../nodes/shared/httpSignature';
import type { InvoiceSummary } from '../nodes/shared/invoiceXml';
import { bufferToXmlText, summariseInvoiceXml } from '../nodes/shared/invoiceXml';
import {
	FRANCE_STATUSES_REQUIRING_REASON,
	FRANCE_STATUSES_WITH_PAYMENT,
	FRANCE_UPDATABLE_STATUSES,
	describeStatus,
} from '../nodes/shared/statusCatalog';
import { renderPdf } from './pdf';

/** Faults to inject into API answers (never into /_sandbox control calls) and into webhook deliveries. */
export interface Faults {
	/** Added to every API answer. */
	latencyMs?: number;
	/** The next N API requests answer 429 with Retry-After. */
	rateLimitNext?: number;
	retryAfterSeconds?: number;
	/** The next N API requests answer serverErrorStatus. */
	serverErrorNext?: number;
	serverErrorStatus?: number;
	/** The next N API requests have their connection dropped without an answer. */
	dropNext?: number;
	/** Every successful webhook delivery is sent a second time, as A-Cube's retry queue may. */
	duplicateDeliveries?: boolean;
	/** The next N webhook delivery attempts are not sent (counted as failed), to exercise retries. */
	failDeliveriesNext?: number;
}

export interface SandboxOptions {
	host?: string;
	port?: number;
	email?: string;
	password?: string;
	tokenTtlSeconds?: number;
	/** Pause between two lifecycle steps of one invoice. */
	stepDelayMs?: number;
	/** First retry interval of a failed webhook delivery (A-Cube: 300 s), multiplied by retryFactor each time. */
	retryIntervalMs?: number;
	retryFactor?: number;
	maxAttempts?: number;
	faults?: Faults;
	log?: (line: string) => void;
}

export interface StoredInvoice {
	uuid: string;
	country: Country;
	body: Buffer;
	contentType: string;
	summary: Partial<InvoiceSummary> & { invoiceNumber: string };
	direction: 'OUTBOUND' | 'INBOUND';
	status: string;
	history: Array<{ status: string; at: string }>;
	scenario: string;
	ksefReferenceNumber?: string;
	createdAt: string;
}

export interface Destination {
	id: string;
	country: Country;
	event: string;
	target: string;
	authType: string;
	authKey?: string;
	authToken?: string;
	legalEntity?: string;
	createdAt: string;
}

export interface DeliveryRecord {
	deliveryId: string;
	country: Country;
	invoiceUuid: string | null;
	status: string;
	event: string;
	target: string;
	attempt: number;
	responseStatus: number | null;
	duplicate: boolean;
	at: string;
}

export const SANDBOX_LEGAL_ENTITY = '8b8b8755-5850-4ead-9c68-8243f4ac2748';

/** Lifecycles the stand-in plays after accepting an invoice, chosen by a marker in the invoice number. */
export const SCENARIOS: Record<Country, Record<string, string[]>> = {
	fr: {
		approved: ['200', '201', '202', '203', '204', '205', '211', '212'],
		rejected: ['200', '213'],
		refused: ['200', '201', '202', '203', '204', '210'],
		disputed: ['200', '201', '202', '203', '204', '207'],
	},
	pl: {
		approved: ['sent', 'delivered', 'confirmed'],
		rejected: ['sent', 'rejected'],
		error: ['sent', 'error'],
	},
	de: {
		approved: ['invoice.sent'],
		failed: ['invoice.failed'],
	},
};

/** REJECT, REFUSE, DISPUTE, ERROR or FAIL anywhere in the invoice number picks that ending; anything else the happy path. */
export function scenarioFor(country: Country, invoiceNumber: string): string {
	const marker = invoiceNumber.toUpperCase();
	if (country === 'de') return /REJECT|REFUSE|ERROR|FAIL/.test(marker) ? 'failed' : 'approved';
	if (country === 'pl') {
		if (marker.includes('REJECT') || marker.includes('REFUSE')) return 'rejected';
		return /ERROR|FAIL/.test(marker) ? 'error' : 'approved';
	}
	if (marker.includes('REJECT')) return 'rejected';
	if (marker.includes('REFUSE')) return 'refused';
	if (marker.includes('DISPUTE')) return 'disputed';
	return 'approved';
}

const COUNTRY_PREFIXES: Array<[Country, string]> = [
	['de', '/de/api'],
	['pl', '/pl'],
	['fr', '/fr'],
];

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(`HTTP ${status}`);
	}
}

const problem = (status: number, title: string, detail: string, violations?: Array<{ propertyPath: string; message: string }>) =>
	new HttpError(status, { type: 'https://tools.ietf.org/html/rfc2616#section-10', title, detail, status, ...(violations ? { violations } : {}) }, {
		'Content-Type': 'application/problem+json',
	});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class ACubeSandbox {
	readonly options: Required<Omit<SandboxOptions, 'faults' | 'log'>> & { log: (line: string) => void };

	readonly invoices = new Map<string, StoredInvoice>();

	readonly destinations = new Map<string, Destination>();

	readonly deliveries: DeliveryRecord[] = [];

	faults: Faults;

	private readonly privateKey: KeyObject;

	readonly publicKeyPem: string;

	private jwtSecret = randomBytes(32);

	/** Successful logins since start. */
	logins = 0;

	private readonly wrongKey: KeyObject = generateKeyPairSync('ed25519').privateKey;

	private readonly timers = new Set<NodeJS.Timeout>();

	private readonly pendingDeliveries = new Set<Promise<unknown>>();

	private server?: http.Server;

	url = '';

	constructor(options: SandboxOptions = {}) {
		this.options = {
			host: options.host ?? '127.0.0.1',
			port: options.port ?? 0,
			email: options.email ?? 'demo@acube.test',
			password: options.password ?? 'sandbox-password',
			tokenTtlSeconds: options.tokenTtlSeconds ?? 86_400,
			stepDelayMs: options.stepDelayMs ?? 300,
			retryIntervalMs: options.retryIntervalMs ?? 1000,
			retryFactor: options.retryFactor ?? 1.25,
			maxAttempts: options.maxAttempts ?? 15,
			log: options.log ?? (() => undefined),
		};
		this.faults = { ...options.faults };
		const keys = generateKeyPairSync('ed25519');
		this.privateKey = keys.privateKey;
		this.publicKeyPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
	}

	/** Base URLs to put into the n8n credential's overrides. */
	get baseUrls() {
		return { commonBaseUrl: this.url, deBaseUrl: `${this.url}/de/api`, plBaseUrl: `${this.url}/pl`, frBaseUrl: `${this.url}/fr` };
	}

	async start(): Promise<string> {
		this.server = http.createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(this.options.port, this.options.host, resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://${this.options.host}:${port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}

	/** Waits until every scheduled lifecycle step and delivery retry has run. */
	async settle(timeoutMs = 60_000): Promise<void> {
		const until = Date.now() + timeoutMs;
		while ((this.timers.size > 0 || this.pendingDeliveries.size > 0) && Date.now() < until) await sleep(50);
	}

	// ---- HTTP plumbing ----------------------------------------------------------------------

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://sandbox');
		let status = 500;
		let note = '';
		try {
			const body = await readBody(req);
			if (!url.pathname.startsWith('/_sandbox')) {
				const dropped = await this.injectFaults();
				if (dropped) {
					note = ' (connection dropped: fault)';
					req.socket.destroy();
					status = 0;
					return;
				}
			}
			const answer = await this.route(req.method ?? 'GET', url, req.headers, body);
			status = answer.status;
			res.writeHead(answer.status, answer.headers);
			res.end(answer.body);
		} catch (error) {
			const httpError = error instanceof HttpError ? error : problem(500, 'Internal Server Error', (error as Error).message);
			status = httpError.status;
			if (httpError.status >= 500 && !(error instanceof HttpError)) note = ` (${(error as Error).stack})`;
			res.writeHead(httpError.status, { 'Content-Type': 'application/json', ...httpError.headers });
			res.end(JSON.stringify(httpError.body));
		} finally {
			this.options.log(`${new Date().toISOString()} ${req.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms${note}`);
		}
	}

	private async injectFaults(): Promise<boolean> {
		const faults = this.faults;
		if (faults.latencyMs) await sleep(faults.latencyMs);
		if (faults.dropNext && faults.dropNext > 0) {
			faults.dropNext -= 1;
			return true;
		}
		if (faults.rateLimitNext && faults.rateLimitNext > 0) {
			faults.rateLimitNext -= 1;
			throw new HttpError(429, { code: 429, message: 'Too Many Requests' }, { 'Retry-After': String(faults.retryAfterSeconds ?? 1) });
		}
		if (faults.serverErrorNext && faults.serverErrorNext > 0) {
			faults.serverErrorNext -= 1;
			const code = faults.serverErrorStatus ?? 503;
			throw problem(code, code === 503 ? 'Service Unavailable' : 'Internal Server Error', 'Injected fault');
		}
		return false;
	}

	private async route(method: string, url: URL, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Answer> {
		const path = url.pathname.replace(/\/+$/, '') || '/';
		if (path.startsWith('/_sandbox')) return this.control(method, path, body);
		if (method === 'POST' && path === '/login') return this.login(body);
		if (method === 'GET' && path === '/signature-public-key') return json(200, { public_key: this.publicKeyPem });
		if (method === 'GET' && path === '/users/me') {
			const claims = this.authenticate(headers);
			return json(200, { email: claims.username, fullname: 'Sandbox User', enabled: true });
		}
		for (const [country, prefix] of COUNTRY_PREFIXES) {
			if (path === prefix || path.startsWith(`${prefix}/`)) {
				this.authenticate(headers);
				return this.countryApi(country, method, path.slice(prefix.length) || '/', url, headers, body);
			}
		}
		throw problem(404, 'Not Found', `No route found for "${method} ${path}"`);
	}

	// ---- authentication ---------------------------------------------------------------------

	private login(body: Buffer): Answer {
		let credentials: { email?: unknown; password?: unknown };
		try {
			credentials = JSON.parse(body.toString('utf8')) as typeof credentials;
		} catch {
			throw new HttpError(400, { code: 400, message: 'Invalid JSON.' });
		}
		const emailOk = credentials.email === this.options.email;
		const given = Buffer.from(String(credentials.password ?? ''));
		const expected = Buffer.from(this.options.password);
		if (!emailOk || given.length !== expected.length || !timingSafeEqual(given, expected)) {
			throw new HttpError(401, { code: 401, message: 'Invalid credentials.' });
		}
		this.logins += 1;
		const now = Math.floor(Date.now() / 1000);
		const roles = Object.fromEntries(['de', 'pl', 'fr', 'it', 'peppol'].map((host) => [`${host}.api.acubeapi.com`, ['ROLE_WRITER']]));
		return json(200, { token: this.issueToken({ iat: now, exp: now + this.options.tokenTtlSeconds, username: this.options.email, roles }) });
	}

	/** Makes every token issued so far invalid (as an expiry would), so clients must log in again. */
	invalidateTokens(): void {
		this.jwtSecret = randomBytes(32);
	}

	issueToken(claims: Record<string, unknown>): string {
		const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const payload = base64url(JSON.stringify(claims));
		const signature = createHmac('sha256', this.jwtSecret).update(`${head}.${payload}`).digest('base64url');
		return `${head}.${payload}.${signature}`;
	}

	private authenticate(headers: http.IncomingHttpHeaders): { username: string; exp: number } {
		const match = String(headers.authorization ?? '').match(/^Bearer (.+)$/);
		if (!match) throw new HttpError(401, { code: 401, message: 'JWT Token not found' });
		const [head, payload, signature] = match[1].split('.');
		const expected = createHmac('sha256', this.jwtSecret).update(`${head}.${payload}`).digest('base64url');
		if (!signature || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
			throw new HttpError(401, { code: 401, message: 'Invalid JWT Token' });
		}
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { username: string; exp: number };
		if (claims.exp * 1000 <= Date.now()) throw new HttpError(401, { code: 401, message: 'Expired JWT Token' });
		return claims;
	}

	// ---- country APIs -------------------------------------------------------------------------

	private countryApi(country: Country, method: string, path: string, url: URL, headers: http.IncomingHttpHeaders, body: Buffer): Answer {
		const accept = String(headers.accept ?? 'application/json');
		const destinations = country === 'pl' ? '/webhooks' : '/event-destinations';
		if (path === '/invoices' && method === 'POST') return this.createInvoice(country, headers, body);
		if (path === '/invoices' && method === 'GET') return this.listInvoices(country, url, accept);
		if (path === destinations) {
			if (method === 'POST') return this.registerDestination(country, body);
			if (method === 'GET') return json(200, [...this.destinations.values()].filter((d) => d.country === country).map((d) => this.describeDestination(d)));
		}
		const destination = path.match(new RegExp(`^${destinations}/([^/]+)$`));
		if (destination) return this.destinationItem(country, method, destination[1], body);

		const match = path.match(/^\/invoices\/([^/]+)(?:\/(print|source|upo|lifecycle))?$/);
		if (!match) throw problem(404, 'Not Found', `No route found for "${method} ${path}"`);
		const invoice = this.invoices.get(match[1].toLowerCase());
		if (!invoice || invoice.country !== country) throw problem(404, 'Not Found', `Invoice "${match[1]}" not found.`);
		const sub = match[2];
		if (sub === 'lifecycle' && method === 'POST' && country === 'fr') return this.updateLifecycle(invoice, body);
		if (method !== 'GET') throw problem(405, 'Method Not Allowed', `No route found for "${method} ${path}": Method Not Allowed`);
		if (sub === 'source') return { status: 200, headers: { 'Content-Type': invoice.contentType }, body: invoice.body };
		if (sub === 'print') return this.render(invoice, accept);
		if (sub === 'upo' && country === 'pl') return this.upo(invoice);
		if (sub) throw problem(404, 'Not Found', `No route found for "${method} ${path}"`);
		if (/application\/xml/.test(accept)) return { status: 200, headers: { 'Content-Type': 'application/xml' }, body: invoice.body };
		if (country === 'de' && /application\/pdf|text\/html/.test(accept)) return this.render(invoice, accept);
		return json(200, this.describeInvoice(invoice));
	}

	private createInvoice(country: Country, headers: http.IncomingHttpHeaders, body: Buffer): Answer {
		const contentType = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		if (body.length > 10 * 1024 * 1024) throw new HttpError(413, 'Request Entity Too Large', { 'Content-Type': 'text/plain' });
		let summary: StoredInvoice['summary'];
		if (contentType === 'application/json') {
			if (country !== 'pl') throw problem(415, 'Unsupported Media Type', 'This API accepts invoices as XML.');
			summary = this.summariseFaJson(body);
		} else if (contentType === 'application/xml' || contentType === 'text/xml') {
			summary = this.summariseXml(country, body);
		} else {
			throw problem(415, 'Unsupported Media Type', `The content type "${contentType || 'none'}" is not supported; send application/xml.`);
		}
		const uuid = randomUUID();
		const invoice: StoredInvoice = {
			uuid,
			country,
			body,
			contentType: contentType === 'application/json' ? 'application/json' : 'application/xml',
			summary,
			direction: 'OUTBOUND',
			status: country === 'fr' ? 'SUBMITTED' : country === 'pl' ? 'valid' : 'created',
			history: [],
			scenario: scenarioFor(country, summary.invoiceNumber),
			createdAt: new Date().toISOString(),
		};
		this.invoices.set(uuid, invoice);
		this.playLifecycle(invoice, SCENARIOS[country][invoice.scenario]);
		const answer =
			country === 'fr'
				? {
						uuid,
						direction: 'OUTBOUND',
						status: 'SUBMITTED',
						invoiceNumber: summary.invoiceNumber,
						invoiceDate: summary.issueDate,
						party: summary.seller,
						counterparty: summary.buyer,
					}
				: { uuid };
		return json(201, answer);
	}

	private summariseXml(country: Country, body: Buffer): StoredInvoice['summary'] {
		let summary: InvoiceSummary;
		try {
			summary = summariseInvoiceXml(bufferToXmlText(body));
		} catch (error) {
			throw problem(422, 'An error occurred', (error as Error).message, [{ propertyPath: '', message: (error as Error).message }]);
		}
		const accepted = country === 'pl' ? ['KSeF FA'] : ['CII', 'UBL'];
		if (!accepted.includes(summary.format)) {
			throw problem(422, 'An error occurred', `format: ${summary.format} is not accepted here`, [
				{ propertyPath: 'format', message: `${summary.format} invoices are not accepted by this API (expected ${accepted.join(' or ')}).` },
			]);
		}
		if (!summary.invoiceNumber) {
			throw problem(422, 'An error occurred', 'invoiceNumber: This value should not be blank.', [{ propertyPath: 'invoiceNumber', message: 'This value should not be blank.' }]);
		}
		return { ...summary, invoiceNumber: summary.invoiceNumber };
	}

	private summariseFaJson(body: Buffer): StoredInvoice['summary'] {
		let fa: { Fa?: { P_2?: unknown; P_1?: unknown; KodWaluty?: unknown; P_15?: unknown } };
		try {
			fa = JSON.parse(body.toString('utf8')) as typeof fa;
		} catch (error) {
			throw problem(400, 'Bad Request', `Syntax error: ${(error as Error).message}`);
		}
		if (!fa.Fa || typeof fa.Fa.P_2 !== 'string' || fa.Fa.P_2 === '') {
			throw problem(422, 'An error occurred', 'Fa.P_2: This value should not be blank.', [{ propertyPath: 'Fa.P_2', message: 'This value should not be blank.' }]);
		}
		return {
			format: 'KSeF FA',
			invoiceNumber: fa.Fa.P_2,
			issueDate: typeof fa.Fa.P_1 === 'string' ? fa.Fa.P_1 : undefined,
			currency: typeof fa.Fa.KodWaluty === 'string' ? fa.Fa.KodWaluty : undefined,
			grandTotal: fa.Fa.P_15 === undefined ? undefined : String(fa.Fa.P_15),
		};
	}

	private describeInvoice(invoice: StoredInvoice) {
		const { summary } = invoice;
		return {
			uuid: invoice.uuid,
			invoiceNumber: summary.invoiceNumber,
			invoiceDate: summary.issueDate,
			currency: summary.currency,
			total: summary.grandTotal,
			format: summary.format,
			seller: summary.seller,
			buyer: summary.buyer,
			direction: invoice.direction,
			status: invoice.status,
			history: invoice.history,
			...(invoice.ksefReferenceNumber ? { ksefReferenceNumber: invoice.ksefReferenceNumber } : {}),
			createdAt: invoice.createdAt,
		};
	}

	private listInvoices(country: Country, url: URL, accept: string): Answer {
		const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
		const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('itemsPerPage') ?? '30') || 30));
		const filters = ['invoiceNumber', 'status', 'direction'].map((name) => [name, url.searchParams.get(name)] as const).filter(([, value]) => value);
		const all = [...this.invoices.values()]
			.filter((invoice) => invoice.country === country)
			.map((invoice) => this.describeInvoice(invoice))
			.filter((invoice) => filters.every(([name, value]) => String((invoice as Record<string, unknown>)[name]) === value));
		const members = all.slice((page - 1) * perPage, page * perPage);
		if (!/ld\+json/.test(accept)) return json(200, members);
		const prefix = COUNTRY_PREFIXES.find(([c]) => c === country)![1];
		const link = (n: number) => {
			const query = new URLSearchParams(url.searchParams);
			query.set('page', String(n));
			return `${prefix}/invoices?${query.toString()}`;
		};
		const lastPage = Math.max(1, Math.ceil(all.length / perPage));
		return json(
			200,
			{
				'@context': '/contexts/Invoice',
				'@id': `${prefix}/invoices`,
				'@type': 'hydra:Collection',
				'hydra:member': members,
				'hydra:totalItems': all.length,
				'hydra:view': {
					'@id': link(page),
					'@type': 'hydra:PartialCollectionView',
					'hydra:first': link(1),
					'hydra:last': link(lastPage),
					...(page < lastPage ? { 'hydra:next': link(page + 1) } : {}),
					...(page > 1 ? { 'hydra:previous': link(page - 1) } : {}),
				},
			},
			'application/ld+json',
		);
	}

	private render(invoice: StoredInvoice, accept: string): Answer {
		const { summary } = invoice;
		const lines = [
			`Invoice number: ${summary.invoiceNumber}`,
			`Issue date: ${summary.issueDate ?? '-'}`,
			`Seller: ${summary.seller?.name ?? '-'} ${summary.seller?.vatId ?? ''}`,
			`Buyer: ${summary.buyer?.name ?? '-'} ${summary.buyer?.vatId ?? ''}`,
			`Total: ${summary.grandTotal ?? '-'} ${summary.currency ?? ''}`,
			`Status: ${invoice.status}`,
			`A-Cube uuid: ${invoice.uuid}`,
		];
		if (/text\/html/.test(accept)) {
			const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
			const html = `<!doctype html><html><head><meta charset="utf-8"><title>Invoice ${escape(summary.invoiceNumber)}</title></head><body><h1>Invoice ${escape(summary.invoiceNumber)}</h1><ul>${lines.map((l) => `<li>${escape(l)}</li>`).join('')}</ul></body></html>`;
			return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: Buffer.from(html) };
		}
		return { status: 200, headers: { 'Content-Type': 'application/pdf' }, body: renderPdf(`Invoice ${summary.invoiceNumber}`, lines) };
	}

	private upo(invoice: StoredInvoice): Answer {
		if (!invoice.history.some((step) => step.status === 'confirmed')) throw problem(404, 'Not Found', 'The UPO is not available yet.');
		const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v2"><NumerReferencyjnyKSeF>${invoice.ksefReferenceNumber}</NumerReferencyjnyKSeF><NumerFaktury>${invoice.summary.invoiceNumber}</NumerFaktury><DataPrzyjecia>${invoice.createdAt}</DataPrzyjecia></Potwierdzenie>\n`;
		return { status: 200, headers: { 'Content-Type': 'application/xml' }, body: Buffer.from(xml) };
	}

	private updateLifecycle(invoice: StoredInvoice, body: Buffer): Answer {
		let update: { afnorStatusCode?: unknown; invoiceStatus?: unknown; reason?: unknown; paymentDetails?: unknown };
		try {
			update = JSON.parse(body.toString('utf8')) as typeof update;
		} catch {
			throw problem(400, 'Bad Request', 'Syntax error');
		}
		const code = String(update.afnorStatusCode ?? update.invoiceStatus ?? '');
		const violations: Array<{ propertyPath: string; message: string }> = [];
		if (!FRANCE_UPDATABLE_STATUSES.includes(code)) violations.push({ propertyPath: 'afnorStatusCode', message: `"${code}" is not a status you can send.` });
		if (FRANCE_STATUSES_REQUIRING_REASON.includes(code) && !update.reason) violations.push({ propertyPath: 'reason', message: 'This value should not be blank.' });
		if (FRANCE_STATUSES_WITH_PAYMENT.includes(code) && !(Array.isArray(update.paymentDetails) && update.paymentDetails.length > 0)) {
			violations.push({ propertyPath: 'paymentDetails', message: 'This collection should contain 1 element or more.' });
		}
		if (violations.length > 0) throw problem(422, 'An error occurred', violations.map((v) => `${v.propertyPath}: ${v.message}`).join('\n'), violations);
		this.playLifecycle(invoice, [code], 0);
		return { status: 202, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') };
	}

	// ---- webhooks ------------------------------------------------------------------------------

	private registerDestination(country: Country, body: Buffer): Answer {
		const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
		const destination: Destination =
			country === 'pl'
				? {
						id: randomUUID(),
						country,
						event: String(input.webhookType ?? ''),
						target: String(input.webhookUrl ?? ''),
						authType: 'none',
						legalEntity: String(input.legalEntity ?? ''),
						createdAt: new Date().toISOString(),
					}
				: {
						id: randomUUID(),
						country,
						event: String(input.event ?? ''),
						target: String(input.target ?? ''),
						authType: String(input.authType ?? 'none'),
						authKey: input.authKey === undefined ? undefined : String(input.authKey),
						authToken: input.authToken === undefined ? undefined : String(input.authToken),
						createdAt: new Date().toISOString(),
					};
		const events: Record<Country, string[]> = {
			fr: ['invoice.outbound', 'invoice.inbound', 'invoice.status', 'legal_entity.onboarding'],
			de: ['invoice.sent', 'invoice.failed', 'invoice.received'],
			pl: ['invoice-sender', 'invoice-receiver', 'invoice-upo', 'invoice-sync', 'session-manager', 'on-boarding-activated', 'on-boarding-deactivated'],
		};
		const violations = [];
		if (!events[country].includes(destination.event)) violations.push({ propertyPath: country === 'pl' ? 'webhookType' : 'event', message: 'The value you selected is not a valid choice.' });
		if (!/^https?:\/\//.test(destination.target)) violations.push({ propertyPath: country === 'pl' ? 'webhookUrl' : 'target', message: 'This value is not a valid URL.' });
		if (country === 'pl' && !destination.legalEntity) violations.push({ propertyPath: 'legalEntity', message: 'This value should not be blank.' });
		if (violations.length > 0) throw problem(422, 'An error occurred', violations.map((v) => `${v.propertyPath}: ${v.message}`).join('\n'), violations);
		this.destinations.set(destination.id, destination);
		return json(201, this.describeDestination(destination));
	}

	private describeDestination(destination: Destination) {
		return destination.country === 'pl'
			? { uuid: destination.id, legalEntity: destination.legalEntity, webhookType: destination.event, webhookUrl: destination.target }
			: { uuid: destination.id, event: destination.event, target: destination.target, delivery: 'webhook', status: 'active', authType: destination.authType, authKey: destination.authKey };
	}

	private destinationItem(country: Country, method: string, id: string, body: Buffer): Answer {
		const destination = this.destinations.get(id);
		if (!destination || destination.country !== country) throw problem(404, 'Not Found', 'Not Found');
		if (method === 'GET') return json(200, this.describeDestination(destination));
		if (method === 'DELETE') {
			this.destinations.delete(id);
			return { status: 204, headers: {}, body: Buffer.alloc(0) };
		}
		if (method === 'PUT') {
			const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
			if (typeof input.webhookUrl === 'string') destination.target = input.webhookUrl;
			if (typeof input.target === 'string') destination.target = input.target;
			return json(200, this.describeDestination(destination));
		}
		throw problem(405, 'Method Not Allowed', 'Method Not Allowed');
	}

	/** Plays statuses one after another, each delivered to every matching destination. */
	playLifecycle(invoice: StoredInvoice, statuses: string[], firstDelayMs = this.options.stepDelayMs): void {
		statuses.forEach((status, index) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				this.advance(invoice, status);
			}, firstDelayMs + index * this.options.stepDelayMs);
			this.timers.add(timer);
		});
	}

	private advance(invoice: StoredInvoice, status: string): void {
		invoice.status = status;
		invoice.history.push({ status, at: new Date().toISOString() });
		if (invoice.country === 'pl' && status === 'delivered') {
			const now = new Date();
			invoice.ksefReferenceNumber = `5265877635-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex').toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}-${randomBytes(1).toString('hex').toUpperCase()}`;
		}
		for (const destination of this.destinationsFor(invoice.country, status, invoice.direction)) {
			const payload = this.eventPayload(invoice, status, destination);
			this.track(this.deliver(destination, payload, { invoiceUuid: invoice.uuid, status }, 1));
		}
	}

	private destinationsFor(country: Country, status: string, direction: 'OUTBOUND' | 'INBOUND'): Destination[] {
		const wanted =
			country === 'fr'
				? [direction === 'INBOUND' ? 'invoice.inbound' : 'invoice.outbound', 'invoice.status']
				: country === 'pl'
					? [status === 'confirmed' ? 'invoice-upo' : status === 'received' ? 'invoice-receiver' : 'invoice-sender']
					: [status];
		return [...this.destinations.values()].filter((d) => d.country === country && wanted.includes(d.event));
	}

	eventPayload(invoice: StoredInvoice, status: string, destination: Destination): Record<string, unknown> {
		if (invoice.country === 'fr') {
			return {
				eventId: randomUUID(),
				eventType: destination.event,
				status,
				statusLabel: describeStatus('fr', status).labelLocal,
				invoiceUuid: invoice.uuid,
				direction: invoice.direction,
			};
		}
		if (invoice.country === 'pl') {
			const stamped = ['delivered', 'confirmed', 'received', 'error'].includes(status);
			return {
				legalEntityUuid: destination.legalEntity || SANDBOX_LEGAL_ENTITY,
				invoiceUuid: status === 'error' ? '' : invoice.uuid,
				status,
				message: status === 'rejected' ? 'verify invoice semantics failed' : status === 'error' ? `Invoice not found for ${invoice.summary.invoiceNumber}.` : null,
				ksefReferenceNumber: stamped ? (invoice.ksefReferenceNumber ?? '') : status === 'rejected' ? '' : null,
				acquisitionTimestamp: stamped ? new Date().toISOString().slice(0, 19).replace('T', ' ') : null,
			};
		}
		// Germany: A-Cube publishes the event names only; this payload shape is the stand-in's assumption.
		return { eventId: randomUUID(), eventType: status, invoiceUuid: invoice.uuid, invoiceNumber: invoice.summary.invoiceNumber, createdAt: new Date().toISOString() };
	}

	private track<T>(promise: Promise<T>): Promise<T> {
		this.pendingDeliveries.add(promise);
		void promise.finally(() => this.pendingDeliveries.delete(promise));
		return promise;
	}

	/** One delivery attempt; failures are retried on A-Cube's schedule (interval × factor^n), as many times as allowed. */
	private async deliver(
		destination: Destination,
		payload: Record<string, unknown>,
		about: { invoiceUuid: string | null; status: string },
		attempt: number,
		deliveryId: string = randomUUID(),
	): Promise<void> {
		let responseStatus: number | null = null;
		if (this.faults.failDeliveriesNext && this.faults.failDeliveriesNext > 0) {
			this.faults.failDeliveriesNext -= 1;
		} else {
			responseStatus = await this.send(destination, Buffer.from(JSON.stringify(payload)), 'signed');
		}
		this.record(destination, about, attempt, responseStatus, deliveryId, false);
		if (responseStatus !== null && responseStatus >= 200 && responseStatus < 300) {
			if (this.faults.duplicateDeliveries) {
				const again = await this.send(destination, Buffer.from(JSON.stringify(payload)), 'signed');
				this.record(destination, about, attempt, again, deliveryId, true);
			}
			return;
		}
		if (attempt >= this.options.maxAttempts) return;
		const wait = this.options.retryIntervalMs * this.options.retryFactor ** (attempt - 1);
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, wait);
			this.timers.add(timer);
		});
		await this.deliver(destination, payload, about, attempt + 1, deliveryId);
	}

	private record(destination: Destination, about: { invoiceUuid: string | null; status: string }, attempt: number, responseStatus: number | null, deliveryId: string, duplicate: boolean) {
		this.deliveries.push({
			deliveryId,
			country: destination.country,
			invoiceUuid: about.invoiceUuid,
			status: about.status,
			event: destination.event,
			target: destination.target,
			attempt,
			responseStatus,
			duplicate,
			at: new Date().toISOString(),
		});
		this.options.log(`${new Date().toISOString()} webhook ${destination.country} ${about.status} → ${destination.target.replace(/n8n_secret=[^&]+/, 'n8n_secret=…')} attempt ${attempt}${duplicate ? ' (duplicate)' : ''}: ${responseStatus ?? 'not sent'}`);
	}

	/** Sends one webhook call; `mode` lets tests send the forgeries a trigger must refuse. */
	async send(destination: Destination, body: Buffer, mode: DeliveryMode): Promise<number | null> {
		const target = new URL(destination.target);
		if (destination.authType === 'query' && destination.authKey && mode !== 'no-secret') target.searchParams.set(destination.authKey, destination.authToken ?? '');
		if (mode === 'no-secret') target.searchParams.delete('n8n_secret');
		const headers: Record<string, string> =
			mode === 'unsigned'
				? { 'content-type': 'application/json', date: new Date().toUTCString() }
				: signRequest({ method: 'POST', url: target.toString(), body, headers: { 'content-type': 'application/json' } }, { privateKey: mode === 'wrong-key' ? this.wrongKey : this.privateKey });
		if (destination.authType === 'header' && destination.authKey && mode !== 'no-secret') headers[destination.authKey] = destination.authToken ?? '';
		const sent = mode === 'tampered' ? tamper(body) : body;
		headers['content-length'] = String(sent.length);
		return new Promise((resolve) => {
			const request = http.request(target, { method: 'POST', headers, timeout: 10_000 }, (res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? null));
			});
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', () => resolve(null));
			request.end(sent);
		});
	}

	// ---- control API for tests and the demo ------------------------------------------------------

	private async control(method: string, path: string, body: Buffer): Promise<Answer> {
		const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
		if (method === 'GET' && path === '/_sandbox/state') {
			return json(200, {
				invoices: [...this.invoices.values()].map((invoice) => ({ ...this.describeInvoice(invoice), country: invoice.country, scenario: invoice.scenario })),
				destinations: [...this.destinations.values()].map((d) => ({ ...d, authToken: d.authToken ? '…' : undefined })),
				deliveries: this.deliveries,
				faults: this.faults,
				logins: this.logins,
			});
		}
		if (method === 'POST' && path === '/_sandbox/faults') {
			this.faults = input.reset ? {} : { ...this.faults, ...(input as Faults) };
			return json(200, this.faults);
		}
		if (method === 'POST' && path === '/_sandbox/deliver') return json(200, await this.controlDeliver(input));
		if (method === 'POST' && path === '/_sandbox/invalidate-tokens') {
			this.invalidateTokens();
			return json(200, { logins: this.logins });
		}
		if (method === 'POST' && path === '/_sandbox/settle') {
			await this.settle(Number(input.timeoutMs ?? 60_000));
			return json(200, { pending: this.timers.size + this.pendingDeliveries.size });
		}
		throw problem(404, 'Not Found', `No control route ${method} ${path}`);
	}

	/** Sends one event for an invoice to every matching destination, in the given mode, once, and reports n8n's answers. */
	async controlDeliver(input: Record<string, unknown>) {
		const invoice = this.invoices.get(String(input.invoiceUuid ?? ''));
		if (!invoice) throw problem(404, 'Not Found', 'Unknown invoice');
		const status = String(input.status ?? invoice.status);
		const mode = String(input.mode ?? 'signed') as DeliveryMode;
		const times = Math.max(1, Number(input.times ?? 1));
		const results = [];
		for (const destination of this.destinationsFor(invoice.country, status, invoice.direction)) {
			const payload = input.payload ?? this.eventPayload(invoice, status, destination);
			const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
			for (let i = 0; i < times; i++) results.push({ target: destination.id, responseStatus: await this.send(destination, body, mode) });
		}
		return results;
	}
}

export type DeliveryMode = 'signed' | 'unsigned' | 'wrong-key' | 'tampered' | 'no-secret';

interface Answer {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** The body after signing, altered the way an attacker would: one more field, everything else intact. */
function tamper(body: Buffer): Buffer {
	const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
	return Buffer.from(JSON.stringify({ ...parsed, amountDue: '0.00' }));
}

function json(status: number, body: unknown, contentType = 'application/json'): Answer {
	return { status, headers: { 'Content-Type': contentType }, body: Buffer.from(JSON.stringify(body)) };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
