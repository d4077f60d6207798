// Builds the published package: one CommonJS bundle per credential and node listed in package.json's
// n8n section (run-time libraries such as fast-xml-parser inlined; n8n-workflow is n8n's own), then
// gulp copies icons and codex files beside them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outputs = [...pkg.n8n.credentials, ...pkg.n8n.nodes];

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
	absWorkingDir: root,
	entryPoints: outputs.map((out) => ({ in: out.replace(/^dist\//, '').replace(/\.js$/, '.ts'), out: out.replace(/\.js$/, '') })),
	outdir: '.',
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow'],
	sourcemap: false,
	legalComments: 'inline',
	logLevel: 'warning',
});
execFileSync(process.execPath, [join(root, 'node_modules/gulp/bin/gulp.js'), 'build:assets', '--cwd', root], { stdio: 'inherit' });
console.log(`built ${outputs.length} entry points into dist/`);
