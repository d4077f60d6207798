import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nHost, REPO_ROOT, installN8n, packPackage, waitFor } from './n8nHost';
import { ACubeSandbox } from './server';

/**
 * npm run demo            the stand-in and a real n8n with the package and the example workflows, left running
 * npm run demo -- --once  the same scenario headless: prints where each status went, exits 0 only if all worked
 */

const once = process.argv.includes('--once');
const portArg = (flag: string, fallback: number) => {
	const index = process.argv.indexOf(flag);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const say = (line = '') => console.log(line);

/** The example invoice (A-Cube's XRechnung sample, sent to France) with its number changed. */
function exampleInvoice(number: string): string {
	const xml = readFileSync(join(REPO_ROOT, 'examples', 'invoices', 'xrechnung-INV-200001.xml'), 'utf8');
	return xml.replace('<cbc:ID>INV-200001</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`);
}

/** What the alert workflow must do with each status the stand-in plays. */
const EXPECTED_OUTPUT: Record<string, string> = { '207': 'Problems', '210': 'Problems', '213': 'Problems', '212': 'Paid' };
const OUTPUT_NAMES = ['Problems', 'Paid', 'Everything else'];

async function main(): Promise<number> {
	const demoDir = join(REPO_ROOT, '.demo');
	rmSync(demoDir, { recursive: true, force: true });
	mkdirSync(demoDir, { recursive: true });

	say('1/5 Building and packing n8n-nodes-acube…');
	const tarball = packPackage(demoDir);
	say('2/5 Installing n8n 2.41.1 on Node 24 from the npm registry (cached after the first run; the first takes several minutes)…');
	const installDir = installN8n();

	const sandbox = new ACubeSandbox({
		port: portArg('--sandbox-port', once ? 0 : 8787),
		stepDelayMs: once ? 150 : 1500,
		retryIntervalMs: 2000,
		log: once ? () => undefined : (line) => say(`  [A-Cube stand-in] ${line}`),
	});
	await sandbox.start();
	const n8n = new N8nHost({ installDir, tarball, userFolder: join(demoDir, 'n8n-user'), port: once ? undefined : portArg('--port', 5678) });
	const shutdown = async () => {
		await n8n.stop();
		await sandbox.stop();
	};
	process.on('SIGINT', () => void shutdown().then(() => process.exit(0)));
	process.on('SIGTERM', () => void shutdown().then(() => process.exit(0)));

	try {
		say(`3/5 Starting the A-Cube stand-in (${sandbox.url}) and n8n…`);
		n8n.installPackage();
		await n8n.start();
		await n8n.setUp();
		const credentialId = await n8n.createCredential('A-Cube account', 'aCubeApi', {
			email: sandbox.options.email,
			password: sandbox.options.password,
			environment: 'sandbox',
			useCustomBaseUrls: true,
			...sandbox.baseUrls,
		});

		say('4/5 Importing and activating the example workflows…');
		const workflows: Record<string, string> = {};
		for (const file of readdirSync(join(REPO_ROOT, 'examples')).filter((name) => name.endsWith('.json')).sort()) {
			const workflow = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8').replaceAll('ACUBE_CREDENTIAL_ID', credentialId)) as Record<string, unknown>;
			const id = await n8n.createWorkflow(workflow);
			await n8n.activate(id);
			workflows[file] = id;
			say(`    ${workflow.name as string}`);
		}

		say('5/5 Sending invoices from the "ERP export" workflow; the stand-in plays their lifecycles…');
		const invoices = [
			['INV-2026-0001', 'approved: 200 → 201 → 202 → 203 → 204 → 205 → 211 → 212'],
			['INV-2026-0002-REFUSE', 'refused by the buyer: … → 210'],
			['INV-2026-0003-REJECT', 'rejected by the platform: 200 → 213'],
			['INV-2026-0004-DISPUTE', 'disputed: … → 207'],
		];
		const uuids: string[] = [];
		for (const [number, story] of invoices) {
			const answer = await n8n.callWebhook('erp-export', { xml: exampleInvoice(number) });
			const [item] = answer.json<Array<{ acubeUuid: string; error: string | null }>>();
			if (answer.status !== 200 || !item.acubeUuid) throw new Error(`submitting ${number} failed: ${answer.body.toString()}`);
			uuids.push(item.acubeUuid);
			say(`    ${number.padEnd(22)} → ${item.acubeUuid}  (${story})`);
		}
		const pdf = await n8n.callWebhook('invoice-pdf', { uuid: uuids[0] });
		const pdfOk = pdf.status === 200 && pdf.body.subarray(0, 5).toString('latin1') === '%PDF-';
		writeFileSync(join(demoDir, 'invoice.pdf'), pdf.body);
		say(`    "fetch the PDF" answered ${pdf.status} ${String(pdf.headers['content-type'])}, ${pdf.body.length} bytes → .demo/invoice.pdf`);

		if (!once) {
			say();
			say(`n8n editor:  ${n8n.url}   login ${n8n.owner.email} / ${n8n.owner.password}`);
			say(`A-Cube stand-in: ${sandbox.url} (credential "A-Cube account" points at it)`);
			say('Open "A-Cube: invoice rejected or refused → alert" → Executions to see each status on its own branch.');
			say('Press Ctrl+C to stop.');
		}

		await sandbox.settle();
		const alertId = workflows['rejected-or-refused-alert.json'];
		const expectedDeliveries = sandbox.deliveries.filter((d) => !d.duplicate && d.responseStatus !== null).length;
		const executions = await waitFor('the alert workflow executions', async () => {
			const list = await n8n.executions(alertId);
			return list.length >= expectedDeliveries ? list : undefined;
		}, 60_000, 500);

		const rows = executions
			.map((execution) => {
				const main = execution.data.resultData.runData['A-Cube Trigger'][0].data.main as Array<Array<{ json: Record<string, any> }> | null>;
				const output = main.findIndex((items) => (items ?? []).length > 0);
				const event = main[output]![0].json;
				const expected = EXPECTED_OUTPUT[event.status as string] ?? 'Everything else';
				const alert = output === 0 ? execution.data.resultData.runData['Compose alert']?.[0]?.data?.main?.[0]?.[0]?.json?.text : '';
				return { invoice: uuids.indexOf(event.invoiceUuid) + 1, status: event.status as string, label: event.statusLabel as string, output: OUTPUT_NAMES[output], expected, alert: alert as string, id: execution.id as string };
			})
			.sort((a, b) => a.invoice - b.invoice || Number(a.status) - Number(b.status));

		say();
		say('invoice  status  label               output            expected          alert');
		for (const row of rows) {
			say(`${String(row.invoice).padEnd(9)}${row.status.padEnd(8)}${row.label.padEnd(20)}${row.output.padEnd(18)}${row.expected.padEnd(18)}${row.alert ?? ''}`);
		}
		const wrong = rows.filter((row) => row.output !== row.expected);
		const allArrived = rows.length === expectedDeliveries && expectedDeliveries === 8 + 6 + 2 + 6;
		say();
		say(`${rows.length} events, ${rows.length - wrong.length} on the expected output; PDF ${pdfOk ? 'ok' : 'NOT ok'}; one login: ${sandbox.logins === 1 ? 'yes' : `no (${sandbox.logins})`}`);
		const ok = wrong.length === 0 && allArrived && pdfOk;
		if (once) {
			say(ok ? 'demo: all good' : 'demo: FAILED');
			return ok ? 0 : 1;
		}
		await new Promise(() => undefined);
		return 0;
	} catch (error) {
		console.error(`demo failed: ${(error as Error).message}`);
		console.error(n8n.recentOutput(30));
		return 1;
	} finally {
		if (once) await shutdown();
	}
}

void main().then((code) => process.exit(code));
