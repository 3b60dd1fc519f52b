/**
 * The publish workflow's first step: refuses to publish unless package.json
 * says where the package comes from and the tag is the version being released.
 *
 *   node scripts/check-release.mjs --repository <owner/name> [--tag v1.2.3] [--root <dir>]
 *
 * n8n checks that a community package's repository URL is the GitHub
 * repository its provenance statement names, so `repository`, `bugs` and
 * `homepage` must point at the repository the workflow runs in
 * (${{ github.repository }}). Until the repository is public they are left
 * out of package.json, and this refuses, saying what to set.
 * With --tag, the tag must be "v" + package.json's version, and CHANGELOG.md
 * must have a dated section for that version. No dependencies: it runs before
 * `npm ci`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
function option(name) {
	const index = args.indexOf(`--${name}`);
	return index === -1 ? undefined : args[index + 1];
}

const root = resolve(option('root') ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const repository = option('repository');
const tag = option('tag');
const problems = [];

if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
	console.error('usage: check-release.mjs --repository <owner/name> [--tag v1.2.3] [--root <dir>]');
	process.exit(2);
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const expected = `https://github.com/${repository}`;

/** "git+https://github.com/a/b.git", "https://github.com/a/b/" → "https://github.com/a/b", lower case. */
function normalize(url) {
	return String(url)
		.trim()
		.replace(/^git\+/, '')
		.replace(/^git:\/\//, 'https://')
		.replace(/^ssh:\/\/git@github\.com\//, 'https://github.com/')
		.replace(/\.git$/, '')
		.replace(/\/+$/, '')
		.toLowerCase();
}

const repositoryUrl =
	typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
const bugsUrl = typeof manifest.bugs === 'string' ? manifest.bugs : manifest.bugs?.url;
const homepage = manifest.homepage;
const wanted = expected.toLowerCase();

if (!repositoryUrl) {
	problems.push('package.json has no "repository" (n8n matches it against the provenance).');
} else if (normalize(repositoryUrl) !== wanted) {
	problems.push(
		`package.json's repository.url is ${repositoryUrl}, but this is ${expected}: n8n refuses a package whose repository is not the one that built it.`,
	);
}
if (!bugsUrl) {
	problems.push('package.json has no "bugs".');
} else if (normalize(bugsUrl) !== `${wanted}/issues`) {
	problems.push(`package.json's bugs.url is ${bugsUrl}, not ${expected}/issues.`);
}
if (!homepage) {
	problems.push('package.json has no "homepage".');
} else if (!normalize(homepage).startsWith(wanted)) {
	problems.push(`package.json's homepage is ${homepage}, not in ${expected}.`);
}

if (tag !== undefined) {
	if (tag !== `v${manifest.version}`) {
		problems.push(
			`The tag is ${tag}, but package.json's version is ${manifest.version}: tag v${manifest.version}, or set the version the tag names.`,
		);
	}
	const changelog = join(root, 'CHANGELOG.md');
	const escaped = String(manifest.version).replace(/[.]/g, '\\.');
	const text = existsSync(changelog) ? readFileSync(changelog, 'utf8') : '';
	if (!new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm').test(text)) {
		problems.push(
			`CHANGELOG.md has no "## [${manifest.version}] - YYYY-MM-DD" heading: date the release's section before tagging it.`,
		);
	}
}

if (problems.length > 0) {
	console.error(`Not publishing ${manifest.name}@${manifest.version} from ${expected}:`);
	for (const problem of problems) console.error(`- ${problem}`);
	if (problems.some((problem) => problem.startsWith('package.json'))) {
		console.error(
			[
				'Set these in package.json (the repository must be public for the provenance n8n checks):',
				`  "repository": { "type": "git", "url": "git+${expected}.git" },`,
				`  "bugs": { "url": "${expected}/issues" },`,
				`  "homepage": "${expected}#readme",`,
			].join('\n'),
		);
	}
	process.exit(1);
}
console.log(
	`ok: ${manifest.name}@${manifest.version} names ${expected} as its repository, bugs and homepage${tag ? `, and ${tag} is its version` : ''}`,
);
