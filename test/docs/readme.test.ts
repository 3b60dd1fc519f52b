/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * The README tells a newcomer the truth: its scheme table is the catalog's,
 * and it shows the commands CI runs. `UPDATE_README=1 npm test` rewrites the
 * table after a scheme changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { schemeTable } from '../helpers/schemeTable';

const readmePath = join(__dirname, '..', '..', 'README.md');
const START = '<!-- scheme-table:start -->';
const END = '<!-- scheme-table:end -->';

describe('README', () => {
	it('holds the scheme table generated from the catalog', () => {
		const readme = readFileSync(readmePath, 'utf8');
		const start = readme.indexOf(START);
		const end = readme.indexOf(END);
		expect(start).toBeGreaterThan(0);
		expect(end).toBeGreaterThan(start);
		const current = readme.slice(start + START.length, end).trim();
		const wanted = schemeTable();
		if (current !== wanted && process.env.UPDATE_README === '1') {
			writeFileSync(
				readmePath,
				`${readme.slice(0, start + START.length)}\n${wanted}\n${readme.slice(end)}`,
			);
			return;
		}
		expect(current).toBe(wanted);
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
