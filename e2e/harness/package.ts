/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it runs in Node to install and drive n8n */
/**
 * This package as users get it: built, packed with `npm pack` (only what
 * package.json's "files" ships), and installed into n8n's nodes folder
 * without dev dependencies, as a Community Nodes install does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { npmCli } from './install';
import { log } from './log';

/** The repository: the nearest folder up from here whose package.json is this package's. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
	for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ===
				'n8n-nodes-signed-webhooks'
		) {
			return dir;
		}
	}
	throw new Error(`no n8n-nodes-signed-webhooks package.json above ${from}`);
}

let packed: string | undefined;

/** Builds and packs the package once per process; returns the tarball's path. */
export function buildAndPack(): string {
	if (packed) return packed;
	log('building and packing n8n-nodes-signed-webhooks');
	const npm = (...args: string[]) =>
		execFileSync(process.execPath, [npmCli(), ...args], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		});
	npm('run', 'build', '--silent');
	const destination = mkdtempSync(join(tmpdir(), 'signed-webhooks-pack-'));
	const [result] = JSON.parse(
		npm('pack', '--json', '--pack-destination', destination).toString(),
	) as Array<{
		filename: string;
	}>;
	packed = join(destination, result.filename);
	return packed;
}

/**
 * Installs the tarball into <userFolder>/.n8n/nodes, where n8n loads
 * community packages from at start-up, the way n8n 2.41's own Community
 * Nodes install does it (CommunityPackagesService.downloadPackage): unpack
 * into nodes/node_modules/<name>, drop dev, peer and optional dependencies
 * from its package.json, `npm install` there with scripts off, and record
 * the dependency in nodes/package.json.
 */
export function installPackage(userFolder: string, tarball: string): void {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const manifest = JSON.parse(
		execFileSync('tar', ['-xzOf', tarball, 'package/package.json']).toString(),
	) as { name: string; version: string; [key: string]: unknown };
	const packageDir = join(nodesDir, 'node_modules', manifest.name);
	mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const { devDependencies, peerDependencies, optionalDependencies, ...installed } = manifest;
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	writeFileSync(join(packageDir, 'package.json'), JSON.stringify(installed, null, 2));
	execFileSync(
		process.execPath,
		[
			npmCli(),
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] },
	);
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [manifest.name]: manifest.version },
			},
			null,
			2,
		),
	);
}
