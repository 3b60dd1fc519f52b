/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * docs/architecture.md lists the files a reviewer reads to convince
 * themselves that a forged call cannot start a run, in reading order, with
 * their sizes and total. This keeps the list true: every file exists, its
 * line count is what the table says, the total is their sum, and the path is
 * still shorter than it was before the core was regrouped.
 * `UPDATE_README=1 npm test` rewrites the counts after a change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const docPath = join(root, 'docs', 'architecture.md');
const START = '<!-- forged-call-path:start -->';
const END = '<!-- forged-call-path:end -->';

/**
 * The same reading at 9f3d661, before the regrouping: webhook.ts 406,
 * receive.ts 332, verify.ts 220, secrets.ts 94, digest.ts 116, keys.ts 284,
 * asymmetric.ts 45, rejection.ts 25 (`git show 9f3d661:<file> | wc -l`).
 */
const LINES_BEFORE = 1522;

interface Row {
	readonly file: string;
	readonly why: string;
}

function linesOf(file: string): number {
	return readFileSync(join(root, file), 'utf8').split('\n').length - 1;
}

/** The table as it should read: each row's file and reason, with the counts measured now. */
function renderPath(rows: readonly Row[]): string {
	const counted = rows.map((row) => ({ ...row, lines: linesOf(row.file) }));
	const total = counted.reduce((sum, row) => sum + row.lines, 0);
	return [
		'| # | file | lines | what it settles |',
		'|---:|---|---:|---|',
		...counted.map((row, i) => `| ${i + 1} | \`${row.file}\` | ${row.lines} | ${row.why} |`),
		'',
		`${counted.length} files, ${total} lines (before the core was regrouped: ${LINES_BEFORE}).`,
	].join('\n');
}

function readRows(block: string): Row[] {
	return block
		.split('\n')
		.filter((line) => /^\| \d+ \|/.test(line))
		.map((line) => {
			const cells = line.split(' | ');
			return { file: cells[1].replace(/`/g, ''), why: cells[3].replace(/ \|$/, '') };
		});
}

describe('docs/architecture.md: the path a forged call takes', () => {
	const doc = readFileSync(docPath, 'utf8');
	const from = doc.indexOf(START);
	const to = doc.indexOf(END);
	const block = doc.slice(from + START.length, to).trim();
	const rows = readRows(block);

	it('lists files that exist, in a table', () => {
		expect(from).toBeGreaterThan(0);
		expect(to).toBeGreaterThan(from);
		expect(rows.length).toBeGreaterThan(3);
		for (const row of rows)
			expect(existsSync(join(root, row.file)) ? row.file : 'missing').toBe(row.file);
	});

	it("states each file's size and the total as they are, shorter than before", () => {
		const wanted = renderPath(rows);
		if (block !== wanted && process.env.UPDATE_README === '1') {
			writeFileSync(docPath, `${doc.slice(0, from + START.length)}\n${wanted}\n${doc.slice(to)}`);
			return;
		}
		expect(block).toBe(wanted);
		const total = rows.reduce((sum, row) => sum + linesOf(row.file), 0);
		expect(total).toBeLessThan(LINES_BEFORE);
	});
});
