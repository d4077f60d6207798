import nock from 'nock';

import { ACubeApi } from '../../credentials/ACubeApi.credentials';
import { COMMON, TOKEN, UUID, countryApi, expectLogin, path } from '../helpers/acubeNock';
import { CredentialStore, TEST_PASSWORD, runNode } from '../helpers/n8nHarness';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const getParameters = { country: 'fr', resource: 'invoice', operation: 'get', invoiceUuid: UUID };

describe('A-Cube API credentials', () => {
	it('describes itself as n8n expects', () => {
		const credential = new ACubeApi();
		expect(credential.name).toBe('aCubeApi');
		expect(credential.displayName).toBe('A-Cube API');
		expect(credential.properties.map((p) => p.name)).toEqual([
			'email',
			'password',
			'environment',
			'token',
			'useCustomBaseUrls',
			'commonBaseUrl',
			'deBaseUrl',
			'plBaseUrl',
			'frBaseUrl',
		]);
		const token = credential.properties.find((p) => p.name === 'token')!;
		expect(token.type).toBe('hidden');
		expect(token.typeOptions).toEqual({ expirable: true, password: true });
		expect(credential.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } } });
		expect(credential.test.request.url).toBe('/users/me');
	});

	it('logs in once for many items and sends the token as a Bearer header', async () => {
		const login = expectLogin();
		const api = countryApi('fr').get(path('fr', `/invoices/${UUID}`)).times(12).reply(200, { uuid: UUID, status: '205' });
		const { output, store } = await runNode({ parameters: getParameters, items: Array.from({ length: 12 }, () => ({ json: {} })) });
		expect(output).toHaveLength(12);
		expect(store.logins).toBe(1);
		expect(login.isDone()).toBe(true);
		expect(api.isDone()).toBe(true);
	});

	it('reuses the kept token in a later execution without logging in again', async () => {
		const store = new CredentialStore();
		expectLogin();
		countryApi('fr').get(path('fr', `/invoices/${UUID}`)).twice().reply(200, { uuid: UUID });
		await runNode({ parameters: getParameters, store });
		await runNode({ parameters: getParameters, store });
		expect(store.logins).toBe(1);
	});

	it('logs in again exactly once when A-Cube answers 401, then retries the request', async () => {
		const store = new CredentialStore({ token: 'expired-token' });
		nock('https://fr-sandbox.api.acubeapi.com', { reqheaders: { authorization: 'Bearer expired-token' } })
			.get(`/invoices/${UUID}`)
			.reply(401, { code: 401, message: 'Expired JWT Token' });
		expectLogin('fresh-token');
		countryApi('fr', 'fresh-token').get(`/invoices/${UUID}`).reply(200, { uuid: UUID, status: '212' });
		const { output } = await runNode({ parameters: getParameters, store });
		expect(store.logins).toBe(1);
		expect(store.data.token).toBe('fresh-token');
		expect(output[0].json).toEqual({ uuid: UUID, country: 'fr', status: '212', statusLabel: 'Payment received' });
	});

	it('gives up after one re-login when the fresh token is refused too', async () => {
		const store = new CredentialStore({ token: 'expired-token' });
		nock('https://fr-sandbox.api.acubeapi.com').get(`/invoices/${UUID}`).twice().reply(401, { code: 401, message: 'Invalid JWT Token' });
		expectLogin('fresh-token');
		await expect(runNode({ parameters: getParameters, store })).rejects.toThrow(
			'Get invoice: A-Cube did not accept the login token, even after a fresh login: Invalid JWT Token',
		);
		expect(store.logins).toBe(1);
	});

	it('explains a wrong password without ever showing it', async () => {
		nock(COMMON).post('/login').reply(401, { code: 401, message: 'Invalid credentials.' });
		const error = await runNode({ parameters: getParameters }).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toContain('A-Cube refused the login for finance@example.com (HTTP 401): check the email and password');
		const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);
		expect(serialised).not.toContain(TEST_PASSWORD);
	});

	it('logs in against the production host for a production credential', async () => {
		nock('https://common.api.acubeapi.com').post('/login').reply(200, { token: TOKEN });
		nock('https://fr.api.acubeapi.com').get(`/invoices/${UUID}`).reply(200, { uuid: UUID });
		const { output } = await runNode({ parameters: getParameters, store: new CredentialStore({ environment: 'production' }) });
		expect(output[0].json.uuid).toBe(UUID);
	});

	it('uses the overridden base URLs, with the German /api prefix left to the override', async () => {
		const store = new CredentialStore({
			useCustomBaseUrls: true,
			commonBaseUrl: 'http://127.0.0.1:9999/common/',
			deBaseUrl: 'http://127.0.0.1:9999/de',
		});
		nock('http://127.0.0.1:9999').post('/common/login').reply(200, { token: TOKEN });
		nock('http://127.0.0.1:9999').get(`/de/invoices/${UUID}`).reply(200, { uuid: UUID });
		const { output } = await runNode({ parameters: { ...getParameters, country: 'de' }, store });
		expect(output[0].json).toEqual({ uuid: UUID, country: 'de' });
	});

	it('ignores override fields while custom base URLs are switched off', async () => {
		const store = new CredentialStore({ useCustomBaseUrls: false, commonBaseUrl: 'http://127.0.0.1:9999' });
		expectLogin();
		countryApi('de').get(path('de', `/invoices/${UUID}`)).reply(200, { uuid: UUID });
		await runNode({ parameters: { ...getParameters, country: 'de' }, store });
		expect(store.logins).toBe(1);
	});
});
