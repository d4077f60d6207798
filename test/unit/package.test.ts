import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const npm = (args: string[], cwd: string) =>
	execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });

describe('the published package', () => {
	let workDir: string;
	let installed: string;
	let files: string[];

	beforeAll(() => {
		if (!existsSync(join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first (npm run test:unit does)');
		workDir = mkdtempSync(join(tmpdir(), 'acube-pack-'));
		const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], root)) as Array<{ filename: string; files: Array<{ path: string }> }>;
		files = packed[0].files.map((file) => file.path);
		const consumer = join(workDir, 'consumer');
		execFileSync('mkdir', ['-p', consumer]);
		writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
		npm(['install', '--omit=dev', '--omit=peer', '--ignore-scripts', join(workDir, packed[0].filename)], consumer);
		installed = join(consumer, 'node_modules', 'n8n-nodes-acube');
	}, 180_000);

	afterAll(() => rmSync(workDir, { recursive: true, force: true }));

	it('ships only dist, package.json, README and licence: no sources, tests or stand-in', () => {
		expect(files.every((file) => /^(dist\/|package\.json$|README\.md$|LICENSE)/.test(file))).toBe(true);
		expect(files).toEqual(expect.arrayContaining(['dist/icons/acube.svg', 'dist/icons/acube.dark.svg', 'dist/nodes/ACube/ACube.node.json']));
	});

	it('has no runtime dependencies, so nothing else was installed', () => {
		const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(existsSync(join(dirname(installed), 'fast-xml-parser'))).toBe(false);
	});

	it('loads every credential and node listed in the n8n section, each describing itself with its icons present', () => {
		const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
		const listed: string[] = [...manifest.n8n.credentials, ...manifest.n8n.nodes];
		expect(listed.length).toBeGreaterThanOrEqual(2);
		const script = `
			const path = require('path');
			const out = [];
			for (const file of ${JSON.stringify(listed)}) {
				const full = path.join(${JSON.stringify(installed)}, file);
				const exported = require(full);
				for (const Class of Object.values(exported)) {
					const instance = new Class();
					const d = instance.description ?? instance;
					const icon = d.icon;
					const icons = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
					out.push({ file, name: d.name, displayName: d.displayName, properties: d.properties.length,
						icons: icons.map((i) => require('fs').existsSync(path.resolve(path.dirname(full), i.replace(/^file:/, '')))),
						codex: require('fs').existsSync(full.replace(/\\.js$/, '.json')) });
				}
			}
			console.log(JSON.stringify(out));`;
		const described = JSON.parse(
			execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_PATH: join(root, 'node_modules') } }),
		) as Array<{ file: string; name: string; displayName: string; properties: number; icons: boolean[]; codex: boolean }>;
		expect(described.map((d) => d.name).sort()).toEqual(
			listed.map((file) => ({ 'ACubeApi.credentials.js': 'aCubeApi', 'ACube.node.js': 'aCube', 'ACubeTrigger.node.js': 'aCubeTrigger' })[file.split('/').pop()!]).sort(),
		);
		for (const d of described) {
			expect(d.displayName).toMatch(/^A-Cube/);
			expect(d.properties).toBeGreaterThan(0);
			expect(d.icons).toEqual([true, true]);
			if (d.file.includes('/nodes/')) expect(d.codex).toBe(true);
		}
	});
});
