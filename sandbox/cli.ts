import { ACubeSandbox } from './server';
import type { Faults, SandboxOptions } from './server';

const USAGE = `Usage: npm run sandbox -- [options]

A local stand-in for the A-Cube API (common, Germany, Poland, France), for demos and tests.

  --host 127.0.0.1          address to listen on (loopback only, by default)
  --port 8787               port (0 = any free port)
  --email demo@acube.test   the one account's email
  --password sandbox-password
  --token-ttl 86400         JWT lifetime in seconds
  --step-delay 300          ms between two lifecycle statuses of one invoice
  --retry-interval 1000     ms before the first retry of a failed webhook (A-Cube: 300000), x1.25 each time
  --max-attempts 15         webhook delivery attempts
  --latency 0               ms added to every API answer
  --rate-limit 0            answer the next N API requests 429 (Retry-After: --retry-after)
  --retry-after 1
  --server-errors 0         answer the next N API requests with --server-error-status
  --server-error-status 503
  --drop 0                  drop the connection of the next N API requests
  --duplicate-deliveries    deliver every webhook twice

Scenarios: an invoice number containing REJECT, REFUSE, DISPUTE, ERROR or FAIL plays that ending
(France 213 / 210 / 207, Poland rejected / error, Germany invoice.failed); any other number plays the
happy path (France 200→201→202→203→204→205→211→212, Poland sent→delivered→confirmed, Germany invoice.sent).

Base URLs for the n8n credential (Custom Base URLs on): common = http://HOST:PORT,
Germany = …/de/api, Poland = …/pl, France = …/fr. Control API: GET /_sandbox/state,
POST /_sandbox/faults, POST /_sandbox/deliver, POST /_sandbox/settle.`;

function parseArgs(argv: string[]): SandboxOptions {
	const options: SandboxOptions = { port: 8787, log: (line) => console.log(line) };
	const faults: Faults = {};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		const number = () => {
			const parsed = Number(value());
			if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a number of 0 or more`);
			return parsed;
		};
		switch (flag) {
			case '--help':
			case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			case '--host':
				options.host = value();
				break;
			case '--port':
				options.port = number();
				break;
			case '--email':
				options.email = value();
				break;
			case '--password':
				options.password = value();
				break;
			case '--token-ttl':
				options.tokenTtlSeconds = number();
				break;
			case '--step-delay':
				options.stepDelayMs = number();
				break;
			case '--retry-interval':
				options.retryIntervalMs = number();
				break;
			case '--max-attempts':
				options.maxAttempts = number();
				break;
			case '--latency':
				faults.latencyMs = number();
				break;
			case '--rate-limit':
				faults.rateLimitNext = number();
				break;
			case '--retry-after':
				faults.retryAfterSeconds = number();
				break;
			case '--server-errors':
				faults.serverErrorNext = number();
				break;
			case '--server-error-status':
				faults.serverErrorStatus = number();
				break;
			case '--drop':
				faults.dropNext = number();
				break;
			case '--duplicate-deliveries':
				faults.duplicateDeliveries = true;
				break;
			default:
				throw new Error(`unknown option ${flag} (see --help)`);
		}
	}
	options.faults = faults;
	return options;
}

async function main() {
	let options: SandboxOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`sandbox: ${(error as Error).message}`);
		process.exit(2);
	}
	const sandbox = new ACubeSandbox(options);
	const url = await sandbox.start();
	console.log(`A-Cube stand-in listening on ${url}`);
	console.log(`login: ${sandbox.options.email} / ${sandbox.options.password}`);
	console.log(`credential base URLs: ${JSON.stringify(sandbox.baseUrls)}`);
	const stop = async () => {
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

void main();
