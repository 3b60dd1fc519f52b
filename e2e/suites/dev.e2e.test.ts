/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs npm run dev from Node */
/**
 * npm run dev (e2e/dev.ts) as a contributor uses it: n8n 2.41.1 starts with
 * the package, a saved file under nodes/ is rebuilt, reinstalled and n8n
 * restarted with it, and Ctrl-C stops n8n. Only on the 2.x run: dev runs 2.41.1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { npmCli, withNodeFirstInPath } from '../harness/install';
import { freePort, sleep } from '../harness/n8n';
import { servedPackageNodes } from '../harness/nodeTypes';
import { REPO_ROOT } from '../harness/package';

const run = (process.env.E2E_TARGET ?? '2.x') === '2.x' ? it : it.skip;

/** Waits for `text` in npm run dev's output; fails at once if it has exited (a failed build). */
async function waitFor(
	read: () => string,
	text: string,
	running: () => boolean,
	count = 1,
	timeoutMs = 240_000,
) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && running()) {
		if (read().split(text).length - 1 >= count) return;
		await sleep(250);
	}
	const why = running() ? 'in time' : 'before it exited';
	throw new Error(`no "${text}" (x${count}) from npm run dev ${why}:\n${read()}`);
}

run('npm run dev starts n8n with the package and restarts it on a rebuild', async () => {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	let output = '';
	const child = spawn(process.execPath, [npmCli(), 'run', 'dev'], {
		cwd: REPO_ROOT,
		env: {
			...withNodeFirstInPath(process.env, process.execPath),
			DEV_PORT: String(port),
			DEV_USER_FOLDER: mkdtempSync(join(tmpdir(), 'signed-webhooks-dev-test-')),
		},
		// Its own process group, so Ctrl-C (SIGINT) reaches npm and dev.js as in a terminal.
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let running = true;
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => {
			running = false;
			resolve(code);
		}),
	);
	const isRunning = () => running;
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	try {
		await waitFor(() => output, '] ready: ', isRunning);
		expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
		expect(await servedPackageNodes(baseUrl)).toEqual([
			'n8n-nodes-signed-webhooks.sendWebhook',
			'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
			'n8n-nodes-signed-webhooks.webhookSignature',
		]);

		// A save: the file's content stays, its time changes.
		const now = new Date();
		utimesSync(join(REPO_ROOT, 'nodes', 'SendWebhook', 'SendWebhook.node.ts'), now, now);
		await waitFor(() => output, 'change seen: rebuilding', isRunning);
		await waitFor(() => output, 'n8n restarted with the rebuild', isRunning);
		expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
		expect(await servedPackageNodes(baseUrl)).toHaveLength(3);
	} finally {
		// Ctrl-C; npm run dev may have exited already (its failure is then the test's error, not this).
		try {
			process.kill(-child.pid!, 'SIGINT');
		} catch {
			// gone
		}
		await Promise.race([exited, sleep(60_000)]);
	}
	expect(output).toContain('stopping n8n');
	await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
});
