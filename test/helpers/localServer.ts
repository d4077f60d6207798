import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { CredentialStore } from './n8nHarness';

/** A real HTTP server on loopback, for faults nock cannot emulate (timeouts, reset connections). */
export async function startLocalServer(handler: http.RequestListener) {
	const server = http.createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		/** A credential whose every A-Cube host is this server. */
		store: () =>
			new CredentialStore({ useCustomBaseUrls: true, commonBaseUrl: url, deBaseUrl: `${url}/de`, plBaseUrl: `${url}/pl`, frBaseUrl: `${url}/fr` }),
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export function loginOr(handler: http.RequestListener): http.RequestListener {
	return (req, res) => {
		if (req.method === 'POST' && req.url === '/login') {
			res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: 'local-token' }));
			return;
		}
		handler(req, res);
	};
}
