/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- tooling, not node code: it runs in Node to build, install and restart n8n */
/**
 * npm run dev: n8n's community-node loop (edit, rebuild, reload in a local
 * n8n) on the e2e harness, with nothing downloaded beyond the registry.
 *
 * `n8n-node dev` is not used: it starts `npx -y --prefer-online n8n@latest`,
 * a new n8n from the registry on every start, which needs Node 24 and an
 * install this project's harness has had to pin and patch (see
 * harness/install.ts). This runs the n8n the e2e suite installs (2.41.1 on
 * Node 24, in ~/.cache/n8n-nodes-signed-webhooks) instead:
 *
 * 1. builds and packs the package and installs the tarball into a dev user
 *    folder's .n8n/nodes, as a Community Nodes install does;
 * 2. starts n8n on http://127.0.0.1:5678 (DEV_PORT for another) with an
 *    owner account (the login is printed) and keeps it running;
 * 3. on every change under core/, nodes/, credentials/ or icons/: rebuilds,
 *    reinstalls and restarts n8n (reload the editor page); a failed build
 *    leaves the running n8n as it is and says why.
 *
 * The user folder (DEV_USER_FOLDER, default ~/.cache/n8n-nodes-signed-webhooks/dev)
 * is kept between runs, so workflows made in it stay. Ctrl-C stops n8n.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CACHE_ROOT, ensureN8n, npmCli, TARGETS } from './harness/install';
import { log } from './harness/log';
import { N8n, OWNER, sleep } from './harness/n8n';
import { installPackage, REPO_ROOT } from './harness/package';

const PORT = Number(process.env.DEV_PORT ?? 5678);
const USER_FOLDER = process.env.DEV_USER_FOLDER ?? join(CACHE_ROOT, 'dev');
const WATCHED = ['core', 'nodes', 'credentials', 'icons'];
/** Edits come in bursts (an editor's save, a git checkout): one rebuild per burst. */
const SETTLE_MS = 300;

const installed = ensureN8n(TARGETS['2.x']);
let n8n: N8n | undefined;
let rebuilding = false;
let again = false;
let stopping = false;

/** Builds and packs; returns the tarball, or undefined (and says why) when the build fails. */
function buildAndPack(): string | undefined {
	const npm = (...args: string[]) =>
		execFileSync(process.execPath, [npmCli(), ...args], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
			encoding: 'utf8',
		});
	try {
		npm('run', 'build', '--silent');
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		log(`build failed; n8n keeps the previous build:\n${stdout ?? ''}${stderr ?? ''}`);
		return undefined;
	}
	const destination = mkdtempSync(join(tmpdir(), 'signed-webhooks-dev-'));
	npm('pack', '--silent', '--pack-destination', destination);
	const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
	return tarball && join(destination, tarball);
}

/** Replaces the installed package with the tarball's, nothing of the old one left. */
function install(tarball: string): void {
	rmSync(join(USER_FOLDER, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-signed-webhooks'), {
		recursive: true,
		force: true,
	});
	installPackage(USER_FOLDER, tarball);
	rmSync(join(tarball, '..'), { recursive: true, force: true });
}

async function start(): Promise<void> {
	n8n = await N8n.start({ installed, port: PORT, userFolder: USER_FOLDER });
	await n8n.signIn();
}

async function rebuild(): Promise<void> {
	if (rebuilding) {
		again = true;
		return;
	}
	rebuilding = true;
	try {
		do {
			again = false;
			log('change seen: rebuilding');
			const started = Date.now();
			const tarball = buildAndPack();
			if (!tarball || stopping) continue;
			log('rebuilt: restarting n8n with it');
			await n8n?.stop();
			install(tarball);
			await start();
			log(
				`n8n restarted with the rebuild in ${((Date.now() - started) / 1000).toFixed(1)} s: reload the editor`,
			);
		} while (again && !stopping);
	} catch (error) {
		log(`restart failed: ${(error as Error).message}; fix it and save again`);
	} finally {
		rebuilding = false;
	}
}

async function main(): Promise<void> {
	log(`building and installing the package into ${USER_FOLDER}`);
	const tarball = buildAndPack();
	if (!tarball) process.exit(1);
	install(tarball);
	log(`starting n8n ${installed.target.n8nVersion} on http://127.0.0.1:${PORT}`);
	await start();

	let timer: NodeJS.Timeout | undefined;
	const watchers: FSWatcher[] = WATCHED.map((dir) =>
		watch(join(REPO_ROOT, dir), { recursive: true }, () => {
			clearTimeout(timer);
			timer = setTimeout(() => void rebuild(), SETTLE_MS);
		}),
	);
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		clearTimeout(timer);
		for (const watcher of watchers) watcher.close();
		// A restart under way finishes first, so the n8n it starts is the one stopped.
		while (rebuilding) await sleep(200);
		log('stopping n8n');
		await n8n?.stop();
		process.exit(0);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());

	log(
		`ready: http://127.0.0.1:${PORT}, sign in as ${OWNER.email} / ${OWNER.password}; n8n's log is ${n8n?.logFile}`,
	);
	log(`watching ${WATCHED.join('/, ')}/ for changes; Ctrl-C stops n8n`);
}

main().catch(async (error: Error) => {
	log(`dev failed: ${error.stack ?? error.message}`);
	await n8n?.stop();
	process.exit(1);
});
