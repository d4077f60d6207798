import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** This repository's root, found from the running file (bundled or not) by its package.json. */
function findRepoRoot(): string {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-acube') return dir;
	}
	return resolve(process.cwd());
}

export const REPO_ROOT = findRepoRoot();
