/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs npm and a real n8n from Node */
/**
 * The README's install route while the package is not on npm (Install in
 * n8n): the packed tarball, `npm install --omit=peer <tarball>` in
 * ~/.n8n/nodes, and n8n (re)started serves both nodes, on the n8n line
 * E2E_TARGET names.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, npmCli, TARGETS, type TargetName } from '../harness/install';
import { N8n } from '../harness/n8n';
import { servedPackageNodes } from '../harness/nodeTypes';
import { buildAndPack, REPO_ROOT } from '../harness/package';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

it("the README's tarball install: npm install --omit=peer into ~/.n8n/nodes, restart", async () => {
	const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
	expect(readme).toContain('npm install --omit=peer /path/to/n8n-nodes-signed-webhooks-');

	const installed = ensureN8n(TARGETS[target]);
	const tarball = buildAndPack();
	const userFolder = mkdtempSync(join(tmpdir(), 'signed-webhooks-readme-install-'));
	const nodes = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodes, { recursive: true });
	execFileSync(
		process.execPath,
		[npmCli(), 'install', '--omit=peer', '--loglevel=error', tarball],
		{
			cwd: nodes,
			stdio: ['ignore', 'ignore', 'inherit'],
		},
	);
	// Nothing but the package: no n8n-workflow of its own beside n8n's.
	expect(
		execFileSync('ls', [join(nodes, 'node_modules')])
			.toString()
			.trim()
			.split('\n'),
	).toEqual(['n8n-nodes-signed-webhooks']);

	const n8n = await N8n.start({ installed, userFolder });
	try {
		await n8n.signIn();
		expect(await servedPackageNodes(n8n.baseUrl)).toEqual([
			'n8n-nodes-signed-webhooks.sendWebhook',
			'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
			'n8n-nodes-signed-webhooks.webhookSignature',
		]);
	} finally {
		await n8n.stop();
	}
});
