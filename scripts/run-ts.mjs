// Runs a TypeScript entry point of this repository (the stand-in, the demo, the benchmark) on the
// machine's Node: esbuild bundles it to a temporary CommonJS file, then it runs with the given arguments.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
	console.error('usage: node scripts/run-ts.mjs <file.ts> [args…]');
	process.exit(2);
}
const outDir = join(root, 'node_modules', '.cache', 'run-ts');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${basename(entry, '.ts')}.cjs`);
await build({
	absWorkingDir: root,
	entryPoints: [entry],
	outfile,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	packages: 'external',
	sourcemap: 'inline',
	logLevel: 'warning',
});
const child = spawn(process.execPath, ['--enable-source-maps', '--expose-gc', outfile, ...args], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
