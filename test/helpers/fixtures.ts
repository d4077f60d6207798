import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../sandbox/repoRoot';

/** The shared reference material beside the repository (../shared), as CI lays it out. */
export const SHARED_DIR = process.env.ACUBE_SHARED_DIR ?? join(REPO_ROOT, '..', 'shared');
export const CORPORA_DIR = join(SHARED_DIR, 'corpora');

export function corpusFiles(folder: string): string[] {
	return readdirSync(join(CORPORA_DIR, folder))
		.filter((name) => name.endsWith('.xml'))
		.sort()
		.map((name) => join(CORPORA_DIR, folder, name));
}

function seedInvoice(start: string, end: string): string {
	const page = readFileSync(join(SHARED_DIR, 'seeds', '003_06512ab950578882.txt'), 'utf8');
	const from = page.indexOf(start);
	const to = page.indexOf(end, from);
	if (from < 0 || to < 0) throw new Error(`seed invoice ${start} not found`);
	return page.slice(from, to + end.length);
}

/** The ZUGFeRD (CII) invoice of A-Cube's German invoice page. */
export const seedZugferd = () => seedInvoice("<?xml version='1.0' encoding='UTF-8'?>\n<rsm:CrossIndustryInvoice", '</rsm:CrossIndustryInvoice>');

/** The XRechnung (UBL) invoice of A-Cube's German invoice page. */
export const seedXrechnung = () => seedInvoice('<?xml version="1.0" encoding="UTF-8"?>\n<ubl:Invoice', '</ubl:Invoice>');
