/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * The README tells a newcomer the truth: its scheme table is the catalog's,
 * and it shows the commands CI runs. `UPDATE_README=1 npm test` rewrites the
 * table after a scheme changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	bodySignatureSchemeTable,
	publicKeySchemeTable,
	schemeTable,
} from '../helpers/schemeTable';

const readmePath = join(__dirname, '..', '..', 'README.md');

/** Replaces what is between `start` and `end` (UPDATE_README=1), or checks it is `wanted`. */
function expectGenerated(start: string, end: string, wanted: string) {
	const readme = readFileSync(readmePath, 'utf8');
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	expect(from).toBeGreaterThan(0);
	expect(to).toBeGreaterThan(from);
	const current = readme.slice(from + start.length, to).trim();
	if (current !== wanted && process.env.UPDATE_README === '1') {
		writeFileSync(
			readmePath,
			`${readme.slice(0, from + start.length)}\n${wanted}\n${readme.slice(to)}`,
		);
		return;
	}
	expect(current).toBe(wanted);
}

describe('README', () => {
	it('holds the scheme table generated from the catalog', () => {
		expectGenerated('<!-- scheme-table:start -->', '<!-- scheme-table:end -->', schemeTable());
	});

	it('holds the public-key scheme table generated from the catalog', () => {
		expectGenerated(
			'<!-- public-key-scheme-table:start -->',
			'<!-- public-key-scheme-table:end -->',
			publicKeySchemeTable(),
		);
	});

	it('holds the body-signature scheme table generated from the catalog', () => {
		expectGenerated(
			'<!-- body-signature-scheme-table:start -->',
			'<!-- body-signature-scheme-table:end -->',
			bodySignatureSchemeTable(),
		);
	});

	it('shows the two commands a contributor runs, which .ci/run runs too', () => {
		const readme = readFileSync(readmePath, 'utf8');
		const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
		expect(readme).toContain('npm ci');
		expect(readme).toContain('npm test');
		expect(ci).toMatch(/^npm ci$/m);
		expect(ci).toMatch(/^npm test$/m);
	});
});
