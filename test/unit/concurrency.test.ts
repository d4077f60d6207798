import nock from 'nock';

import { COUNTRY_HOSTS, expectLogin } from '../helpers/acubeNock';
import { runNode } from '../helpers/n8nHarness';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const uuidFor = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function runBatch(count: number, concurrency?: number) {
	let inFlight = 0;
	let maxInFlight = 0;
	expectLogin();
	nock(COUNTRY_HOSTS.pl.origin)
		.get(/\/invoices\/.+/)
		.times(count)
		.delay(5)
		.reply(function (uri) {
			inFlight += 1;
			maxInFlight = Math.max(maxInFlight, inFlight);
			// Answer in a scrambled order so that output order cannot follow completion order by luck.
			const index = Number(uri.slice(-12));
			return new Promise((resolve) =>
				setTimeout(() => {
					inFlight -= 1;
					resolve([200, { uuid: uri.split('/').pop(), status: 'sent' }]);
				}, (index * 7) % 13),
			) as never;
		});
	const { output, store } = await runNode({
		parameters: (i) => ({ country: 'pl', resource: 'invoice', operation: 'get', invoiceUuid: uuidFor(i), options: concurrency ? { concurrency } : {} }),
		items: Array.from({ length: count }, (_, i) => ({ json: { i } })),
	});
	return { output, store, maxInFlight };
}

describe('bounded concurrency', () => {
	it('keeps at most the default 5 requests in flight for 300 items, in input order, with one login', async () => {
		const { output, store, maxInFlight } = await runBatch(300);
		expect(maxInFlight).toBe(5);
		expect(store.logins).toBe(1);
		expect(output.map((item) => item.json.uuid)).toEqual(Array.from({ length: 300 }, (_, i) => uuidFor(i)));
		expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: 300 }, (_, item) => ({ item })));
	});

	it('follows the Concurrency option', async () => {
		const { maxInFlight } = await runBatch(40, 2);
		expect(maxInFlight).toBe(2);
	});
});
