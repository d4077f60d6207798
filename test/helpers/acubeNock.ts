import nock from 'nock';

import type { Country } from '../../nodes/shared/countries';
import { TEST_PASSWORD } from './n8nHarness';

export const COMMON = 'https://common-sandbox.api.acubeapi.com';
export const COUNTRY_HOSTS: Record<Country, { origin: string; prefix: string }> = {
	de: { origin: 'https://de-sandbox.api.acubeapi.com', prefix: '/api' },
	pl: { origin: 'https://pl-sandbox.api.acubeapi.com', prefix: '' },
	fr: { origin: 'https://fr-sandbox.api.acubeapi.com', prefix: '' },
};

export const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3NjQwMDAwMDB9.c2lnbmF0dXJlLW9uZQ';
export const UUID = '4f7a9112-9c3b-48fa-8672-111222333aaa';

export function expectLogin(token = TOKEN, times = 1) {
	return nock(COMMON, { reqheaders: { accept: 'application/json' } })
		.post('/login', { email: 'finance@example.com', password: TEST_PASSWORD })
		.times(times)
		.reply(200, { token });
}

/** A scope on a country's API that insists on the Bearer token. */
export function countryApi(country: Country, token = TOKEN) {
	const { origin } = COUNTRY_HOSTS[country];
	return nock(origin, { reqheaders: { authorization: `Bearer ${token}` } });
}

export const path = (country: Country, rest: string) => `${COUNTRY_HOSTS[country].prefix}${rest}`;
