/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node to drive a real n8n */
/**
 * Receiving in queue mode: the queue-mode suite's cluster (Postgres, Redis,
 * two webhook processors behind nginx, two workers), the same 1 KB signed
 * JSON POSTed through nginx at fixed concurrency, in interleaved rounds, to
 * n8n's core Webhook node and to Verified Webhook Trigger; and forged
 * calls to the Verified trigger, which answers them before any execution.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import autocannon from 'autocannon';

import { GITHUB, sign } from '../core';
import { ensureN8n, TARGETS } from '../e2e/harness/install';
import { sleep, type N8n } from '../e2e/harness/n8n';
import { buildAndPack, installPackage } from '../e2e/harness/package';
import { startQueueCluster } from '../e2e/harness/queue';
import { node } from './n8nInstance';
import { receiveRows, type ReceiveRow } from './receive';
import { interleave } from './stats';
import { jsonBody } from './workload';

export interface QueueReceiveResult {
	readonly connections: number;
	readonly secondsPerRound: number;
	readonly bodyBytes: number;
	readonly webhookProcessors: number;
	readonly workers: number;
	readonly rows: readonly ReceiveRow[];
	readonly n8nVersion: string;
}

const CORE = 'core Webhook, no authentication';
const VERIFIED = 'Verified Webhook Trigger, GitHub scheme';

export async function benchQueueReceive(options: {
	env: Readonly<Record<string, string>>;
	rounds: number;
	seconds: number;
	connections: number;
	onProgress?: (line: string) => void;
}): Promise<QueueReceiveResult> {
	const installed = ensureN8n(TARGETS['2.x']);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-bench-queue-'));
	installPackage(userFolder, buildAndPack());
	const cluster = await startQueueCluster({
		installed,
		userFolder,
		// Calls spread over both processors, as a plain load balancer does.
		balancing: 'round-robin',
		env: { N8N_LOG_LEVEL: 'warn', ...options.env },
	});
	try {
		const { main } = cluster;
		await main.signIn();
		const secret = randomBytes(24).toString('hex');
		const credentialId = await main.createCredential('bench', 'webhookSigningSecretApi', {
			secret,
			secondarySecret: '',
			format: 'auto',
		});
		const paths = { [CORE]: 'bench-core', [VERIFIED]: 'bench-verified' };
		await main.deploy(
			{
				name: 'bench: core Webhook',
				nodes: [
					node(
						'Webhook',
						'n8n-nodes-base.webhook',
						2.1,
						{ httpMethod: 'POST', path: paths[CORE], options: {} },
						0,
						{ webhookId: randomUUID() },
					),
				],
				connections: {},
			},
			[],
		);
		await main.deploy(
			{
				name: 'bench: Verified trigger',
				nodes: [
					node(
						'Verified Webhook Trigger',
						'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
						1.1,
						{ path: paths[VERIFIED], signatureScheme: 'github', options: {} },
						0,
						{
							webhookId: randomUUID(),
							credentials: { webhookSigningSecretApi: { id: credentialId, name: 'bench' } },
						},
					),
				],
				connections: {},
			},
			[],
		);
		for (const webhook of cluster.webhooks) {
			for (const path of Object.values(paths)) await webhook.waitForWebhook(path);
		}

		const body = jsonBody(1024);
		const signed = sign(GITHUB, { primary: secret }, body);
		const forged = { ...signed, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` };
		const run = async (path: string, signature: Record<string, string>, seconds: number) =>
			await autocannon({
				url: `${cluster.url}/webhook/${path}`,
				method: 'POST',
				headers: { 'content-type': 'application/json', ...signature },
				body,
				connections: options.connections,
				duration: seconds,
			});
		// Warm-up, untimed: first calls compile code paths in every process.
		for (const path of Object.values(paths)) await run(path, signed, 3);

		const contenders = [
			{ name: CORE, calls: 'valid' as const, path: paths[CORE], signature: signed, expected: 200 },
			{
				name: VERIFIED,
				calls: 'valid' as const,
				path: paths[VERIFIED],
				signature: signed,
				expected: 200,
			},
			{
				name: VERIFIED,
				calls: 'forged' as const,
				path: paths[VERIFIED],
				signature: forged,
				expected: 401,
			},
		];
		const key = (c: (typeof contenders)[number]) => `${c.name} · ${c.calls}`;
		const measured = await interleave(
			contenders.map(key),
			options.rounds,
			async (name) => {
				const contender = contenders.find((c) => key(c) === name)!;
				// Each round starts with the workers idle: none pays for another's backlog.
				await waitUntilIdle(main);
				const result = await run(contender.path, contender.signature, options.seconds);
				const matching =
					contender.expected === 200
						? result['2xx']
						: (result.statusCodeStats?.[String(contender.expected)]?.count ?? 0);
				return {
					rps: result.requests.average,
					p50: result.latency.p50,
					p99: result.latency.p99,
					unexpected: result.requests.total - matching + result.errors + result.timeouts,
				};
			},
			(round) => options.onProgress?.(`queue: round ${round + 1}/${options.rounds} done`),
		);
		return {
			connections: options.connections,
			secondsPerRound: options.seconds,
			bodyBytes: Buffer.byteLength(body),
			webhookProcessors: cluster.webhooks.length,
			workers: cluster.workers.length,
			n8nVersion: main.version,
			rows: receiveRows(contenders, measured, key),
		};
	} finally {
		await cluster.stop();
	}
}

/** Until no execution is queued or running (the latest 250 are looked at: more are never in flight). */
async function waitUntilIdle(main: N8n, timeoutMs = 300_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const latest = await main.api<{ data: Array<{ status: string }> }>(
			'GET',
			'/executions?limit=250',
		);
		if (!latest.data.some((execution) => ['new', 'running'].includes(execution.status))) return;
		if (Date.now() > deadline) throw new Error('n8n still had running executions after 5 minutes');
		await sleep(500);
	}
}
