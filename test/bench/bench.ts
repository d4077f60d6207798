import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { RecentEvents } from '../../nodes/ACubeTrigger/events';
import { signRequest, verifyRequestSignature } from '../../nodes/shared/httpSignature';
import { summariseInvoiceXml } from '../../nodes/shared/invoiceXml';
import { ACubeSandbox } from '../../sandbox/server';
import { corpusFiles, seedZugferd } from '../helpers/fixtures';
import { CredentialStore, runNode } from '../helpers/n8nHarness';

/** Prints figures against the targets; it measures, it does not pass or fail. */
const results: Array<[string, string, string]> = [];
const report = (what: string, figure: string, target: string) => {
	results.push([what, figure, target]);
	console.log(`${what.padEnd(58)} ${figure.padEnd(22)} ${target}`);
};
const heapMiB = () => {
	global.gc?.();
	return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function xmlReading() {
	const files = [...corpusFiles('en16931-cii'), ...corpusFiles('en16931-ubl'), ...corpusFiles('ksef')].map((file) => ({ file, xml: readFileSync(file, 'utf8') }));
	const small = files.filter(({ xml }) => xml.length < 200_000);
	let bytes = 0;
	const started = process.hrtime.bigint();
	for (let round = 0; round < 20; round++) for (const { xml } of small) {
		summariseInvoiceXml(xml);
		bytes += xml.length;
	}
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	report('invoice summary, corpus files under 200 kB', `${((20 * small.length) / (ms / 1000)).toFixed(0)} files/s`, 'target ≥ 500 files/s');
	report('invoice summary throughput', `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`, 'target ≥ 5 MiB/s');
	const big = files.find(({ file }) => basename(file).startsWith('ft-g2g'))!;
	const before = heapMiB();
	const t0 = process.hrtime.bigint();
	summariseInvoiceXml(big.xml);
	const bigMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const transient = process.memoryUsage().heapUsed / 1024 / 1024 - before;
	report(`invoice summary, ${(big.xml.length / 1024 / 1024).toFixed(1)} MiB UBL with attachment`, `${bigMs.toFixed(0)} ms`, 'target < 100 ms');
	report('  heap in use right after it (before GC)', `+${transient.toFixed(1)} MiB`, 'target < 16 MiB');
	report('  heap kept after GC', `+${Math.max(0, heapMiB() - before).toFixed(1)} MiB`, 'target < 1 MiB');
}

async function batches() {
	const sandbox = new ACubeSandbox({ faults: { latencyMs: 20 }, stepDelayMs: 60_000 });
	await sandbox.start();
	const xml = seedZugferd();
	try {
		for (const concurrency of [1, 5, 10]) {
			const store = new CredentialStore({ email: 'demo@acube.test', password: 'sandbox-password', useCustomBaseUrls: true, ...sandbox.baseUrls });
			const started = Date.now();
			const { output } = await runNode({
				parameters: { country: 'de', resource: 'invoice', operation: 'submit', inputMode: 'text', xml, options: { concurrency } },
				items: Array.from({ length: 300 }, () => ({ json: {} })),
				store,
			});
			const seconds = (Date.now() - started) / 1000;
			if (output.length !== 300 || output.some((item) => !item.json.uuid)) throw new Error('a submission failed');
			report(`300 submissions, 20 ms API latency, concurrency ${concurrency}`, `${seconds.toFixed(1)} s (${(300 / seconds).toFixed(0)}/s)`, concurrency === 5 ? 'target < 3 s' : '');
		}
	} finally {
		await sandbox.stop();
	}
}

function signatures() {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	const body = Buffer.from(JSON.stringify({ eventId: 'e', eventType: 'invoice.status', status: '205', invoiceUuid: 'u', direction: 'OUTBOUND' }));
	const url = 'https://n8n.example.com/webhook/abc/webhook';
	const headers = signRequest({ method: 'POST', url, body }, { privateKey });
	const rounds = 5000;
	const started = process.hrtime.bigint();
	for (let i = 0; i < rounds; i++) if (!verifyRequestSignature({ method: 'POST', url, headers, body }, publicKey).ok) throw new Error('verification failed');
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	report('webhook signature + content digest verification', `${((rounds / ms) * 1000).toFixed(0)} /s`, 'target ≥ 2000 /s');
}

function duplicateMemory() {
	const before = heapMiB();
	const memory = new RecentEvents();
	for (let i = 0; i < RecentEvents.MAX_KEYS * 2; i++) memory.checkAndRemember(`fr|019ea765-da8a-70af-a037-${String(i).padStart(12, '0')}`);
	report(`duplicate memory after ${RecentEvents.MAX_KEYS * 2} events`, `${memory.size} keys, ${Math.max(0, heapMiB() - before).toFixed(1)} MiB`, `target ≤ ${RecentEvents.MAX_KEYS} keys, < 8 MiB`);
}

async function main() {
	console.log(`node ${process.version}, ${new Date().toISOString()}`);
	console.log(`${'what'.padEnd(58)} ${'figure'.padEnd(22)} target`);
	await xmlReading();
	signatures();
	duplicateMemory();
	await batches();
}

void main().catch((error) => {
	console.error(error);
	process.exit(1);
});
