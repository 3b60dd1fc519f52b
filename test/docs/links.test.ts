/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it reads the repository and runs npm in Node, never inside n8n */
/**
 * Every relative link and anchor in the README, CONTRIBUTING, SECURITY,
 * BENCHMARKS, CHANGELOG and docs/ resolves where users read it: on GitHub
 * (the file exists, the anchor is a heading's as GitHub spells it) and in the
 * npm tarball (a file that ships links only to files that ship too, so the
 * README's links work from ~/.n8n/nodes/node_modules as well).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function markdownFiles(): string[] {
	const top = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'BENCHMARKS.md', 'CHANGELOG.md'];
	const walk = (dir: string): string[] =>
		readdirSync(join(root, dir)).flatMap((name) => {
			const path = join(dir, name);
			if (statSync(join(root, path)).isDirectory()) return walk(path);
			return name.endsWith('.md') ? [path] : [];
		});
	return [...top.filter((file) => existsSync(join(root, file))), ...walk('docs')];
}

/** The lines outside fenced code blocks, with inline code spans blanked. */
function proseLines(text: string): string[] {
	let fenced = false;
	const lines: string[] = [];
	for (const line of text.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		else if (!fenced) lines.push(line.replace(/`[^`]*`/g, '``'));
	}
	return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
	const seen = new Map<string, number>();
	const anchors = new Set<string>();
	let fenced = false;
	for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line);
		if (!heading) continue;
		const base = heading[1]
			.replace(/`/g, '')
			.trim()
			.toLowerCase()
			.replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
			.replace(/ /g, '-');
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count === 0 ? base : `${base}-${count}`);
	}
	return anchors;
}

interface Link {
	readonly from: string;
	readonly target: string;
	readonly path: string;
	readonly anchor?: string;
}

function relativeLinks(file: string): Link[] {
	const links: Link[] = [];
	for (const line of proseLines(readFileSync(join(root, file), 'utf8'))) {
		for (const [, target] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
			if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
			const [pathPart, anchor] = target.split('#');
			const path = pathPart === '' ? file : normalize(join(dirname(file), pathPart));
			links.push({ from: file, target, path, ...(anchor === undefined ? {} : { anchor }) });
		}
	}
	return links;
}

const files = markdownFiles();
const links = files.flatMap(relativeLinks);

it('finds the documentation and its links', () => {
	expect(files).toEqual(
		expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/sending.md']),
	);
	expect(links.length).toBeGreaterThan(80);
});

it('every relative link names a file or folder that exists', () => {
	const missing = links.filter((link) => !existsSync(join(root, link.path)));
	expect(missing.map((link) => `${link.from}: ${link.target}`)).toEqual([]);
});

it('every anchor is a heading of the file it points into', () => {
	const broken = links.filter(
		(link) =>
			link.anchor !== undefined &&
			link.path.endsWith('.md') &&
			existsSync(join(root, link.path)) &&
			!anchorsOf(link.path).has(link.anchor),
	);
	expect(broken.map((link) => `${link.from}: ${link.target}`)).toEqual([]);
});

it('the package ships the README, the docs it links to, and everything those link to', () => {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [packed] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
	const shipped = new Set(packed.files.map((file) => file.path));
	const ships = (path: string) =>
		shipped.has(path) || [...shipped].some((file) => !relative(path, file).startsWith('..'));
	expect(shipped.has('README.md')).toBe(true);
	const unshipped = links.filter((link) => shipped.has(link.from) && !ships(link.path));
	expect(unshipped.map((link) => `${link.from}: ${link.target}`)).toEqual([]);
});
