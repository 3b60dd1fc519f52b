/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs node scripts, never inside n8n */
/**
 * scripts/check-release.mjs, the publish workflow's first step, both ways:
 * it refuses, saying what to set, while package.json does not name the
 * repository the workflow runs in, and passes once it does and the tag is
 * the dated version.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-release.mjs');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
	string,
	unknown
> & { version: string };

/** A folder holding a copy of package.json (with `fields` over it) and CHANGELOG.md. */
function project(fields: Record<string, unknown>, changelog?: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'check-release-'));
	const { repository, bugs, homepage, ...rest } = manifest;
	void repository;
	void bugs;
	void homepage;
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...rest, ...fields }, null, 2));
	if (changelog === undefined) copyFileSync(join(root, 'CHANGELOG.md'), join(dir, 'CHANGELOG.md'));
	else writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
	return dir;
}

function check(dir: string, ...args: string[]) {
	const result = spawnSync(process.execPath, [script, '--root', dir, ...args], {
		encoding: 'utf8',
	});
	return { code: result.status, out: result.stdout, err: result.stderr };
}

const PUBLIC = {
	repository: {
		type: 'git',
		url: 'git+https://github.com/example-org/n8n-nodes-signed-webhooks.git',
	},
	bugs: { url: 'https://github.com/example-org/n8n-nodes-signed-webhooks/issues' },
	homepage: 'https://github.com/example-org/n8n-nodes-signed-webhooks#readme',
};
const DATED = `# Changelog\n\n## [Unreleased]\n\n## [${manifest.version}] - 2026-05-01\n`;

describe('scripts/check-release.mjs', () => {
	it('refuses while package.json names no repository, and says what to set', () => {
		const { code, err } = check(
			project({}),
			'--repository',
			'example-org/n8n-nodes-signed-webhooks',
		);
		expect(code).toBe(1);
		expect(err).toContain('package.json has no "repository"');
		expect(err).toContain('package.json has no "bugs"');
		expect(err).toContain('package.json has no "homepage"');
		expect(err).toContain(
			'"repository": { "type": "git", "url": "git+https://github.com/example-org/n8n-nodes-signed-webhooks.git" }',
		);
	});

	it('refuses a repository other than the one the workflow runs in', () => {
		const { code, err } = check(project(PUBLIC), '--repository', 'someone-else/fork');
		expect(code).toBe(1);
		expect(err).toContain('but this is https://github.com/someone-else/fork');
	});

	it('passes once repository, bugs and homepage name the repository', () => {
		const { code, out } = check(
			project(PUBLIC),
			'--repository',
			'example-org/n8n-nodes-signed-webhooks',
		);
		expect(code).toBe(0);
		expect(out).toContain('ok: n8n-nodes-signed-webhooks@');
	});

	it("with a tag: passes on v + the version when the changelog's section is dated", () => {
		const { code } = check(
			project(PUBLIC, DATED),
			'--repository',
			'example-org/n8n-nodes-signed-webhooks',
			'--tag',
			`v${manifest.version}`,
		);
		expect(code).toBe(0);
	});

	it('with a tag: refuses another version, and an undated changelog section', () => {
		const wrongTag = check(
			project(PUBLIC, DATED),
			'--repository',
			'example-org/n8n-nodes-signed-webhooks',
			'--tag',
			'v9.9.9',
		);
		expect(wrongTag.code).toBe(1);
		expect(wrongTag.err).toContain(
			`The tag is v9.9.9, but package.json's version is ${manifest.version}`,
		);
		const undated = check(
			project(PUBLIC, `# Changelog\n\n## [${manifest.version}]\n`),
			'--repository',
			'example-org/n8n-nodes-signed-webhooks',
			'--tag',
			`v${manifest.version}`,
		);
		expect(undated.code).toBe(1);
		expect(undated.err).toContain(`no "## [${manifest.version}] - YYYY-MM-DD" heading`);
	});

	it('refuses the package.json of this repository as it is until the repository is public', () => {
		const manifestHasRepository = 'repository' in manifest;
		const { code, err } = check(root, '--repository', 'example-org/n8n-nodes-signed-webhooks');
		// Once package.json names the public repository, this checks a different one.
		expect(code).toBe(1);
		if (!manifestHasRepository) expect(err).toContain('package.json has no "repository"');
	});
});
