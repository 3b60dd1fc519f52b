/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it drives a real n8n from Node */
/**
 * n8n 2.41.1 in queue mode (npm run test:e2e:queue): Postgres and Redis from
 * Debian's packages, a main process, two webhook processors behind nginx and
 * two workers, everything on 127.0.0.1, with this package packed and
 * installed as users get it.
 *
 * Once across processes: a signed call sent to processors A, A, B, B, A,
 * and to A again after A restarts, runs its work once (the trigger's memory
 * answers the copies that reach a processor it already passed; the example
 * workflow examples/receive-once-queue-mode.json holds the claim in the
 * cluster's Redis for the rest). A run that fails releases its claim: the
 * sender's retry, on the other processor, runs. Through nginx with the
 * README's call affinity, copies of a call all reach one processor.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import { prepareExample, webhookPaths } from '../../e2e/harness/examples';
import { ensureN8n, TARGETS } from '../../e2e/harness/install';
import { N8n, outputItems, sleep, type Execution } from '../../e2e/harness/n8n';
import { buildAndPack, installPackage } from '../../e2e/harness/package';
import { startQueueCluster, type QueueCluster } from '../../e2e/harness/queue';
import { startReceiver, type Receiver } from '../helpers/receiver';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const RUN = randomBytes(4).toString('hex');
const EXAMPLE = 'receive-once-queue-mode.json';

let cluster: QueueCluster;
let downstream: Receiver;
let workflowId: string;
let path: string;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS['2.x']);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-queue-'));
	installPackage(userFolder, buildAndPack());
	cluster = await startQueueCluster({ installed, userFolder, balancing: 'call-affinity' });
	await cluster.main.signIn();
	downstream = await startReceiver();
	const credentials = new Map<string, string>([
		[
			'Standard Webhooks secret',
			await cluster.main.createCredential('Standard Webhooks secret', 'webhookSigningSecretApi', {
				secret: SECRET,
				secondarySecret: '',
				format: 'auto',
			}),
		],
		[
			'Redis',
			await cluster.main.createCredential('Redis', 'redis', {
				host: '127.0.0.1',
				port: cluster.redisPort,
				database: 0,
				password: '',
				ssl: false,
			}),
		],
	]);
	const workflow = await prepareExample(cluster.main, EXAMPLE, credentials);
	for (const node of workflow.nodes) {
		if (node.name === 'The work') node.parameters.url = `${downstream.url}/work`;
	}
	[path] = webhookPaths(workflow);
	workflowId = await cluster.main.deploy(
		{
			...workflow,
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'all',
				saveDataErrorExecution: 'all',
			},
		},
		[],
	);
	// Production webhooks are the processors' job: each must know the path.
	for (const webhook of cluster.webhooks) await webhook.waitForWebhook(path);
}, 20 * 60_000);

afterAll(async () => {
	await downstream?.close();
	await cluster?.stop();
});

interface Answer {
	readonly status: number;
	readonly body: string;
}

/** A Standard Webhooks call, as the library signs it, at `at`. */
function signed(id: string, at = new Date()): { body: string; headers: Record<string, string> } {
	const body = JSON.stringify({ event: 'order.paid', id, run: RUN });
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
			'webhook-signature': new StandardWebhook(SECRET).sign(id, at, body),
		},
	};
}

/** Posts a call to one processor directly, or to the load balancer. */
async function post(to: N8n | string, call: ReturnType<typeof signed>): Promise<Answer> {
	const base = typeof to === 'string' ? to : to.baseUrl;
	const response = await fetch(`${base}/webhook/${path}`, {
		method: 'POST',
		headers: call.headers,
		body: call.body,
	});
	return { status: response.status, body: await response.text() };
}

/** The workflow's executions once they have settled (none running, none new for 2 s). */
async function settledExecutions(): Promise<Execution[]> {
	let last = -1;
	for (;;) {
		const executions = await cluster.main.executions(workflowId, true);
		const running = executions.some((execution) =>
			['new', 'running', 'waiting'].includes(execution.status),
		);
		if (!running && executions.length === last) return executions;
		last = running ? -1 : executions.length;
		await sleep(2000);
	}
}

/** The calls (by webhook-id) whose work ran (and succeeded or failed), and how often. */
function workRuns(executions: Execution[]): Record<string, number> {
	const runs: Record<string, number> = {};
	for (const execution of executions) {
		const ran = [0, 1].some((output) => outputItems(execution, 'The work', output).length > 0);
		if (!ran) continue;
		const [trigger] = outputItems(execution, 'Webhook Trigger (Verified)', 0);
		const id = String((trigger.body as { id?: unknown }).id);
		runs[id] = (runs[id] ?? 0) + 1;
	}
	return runs;
}

describe(`Once across n8n ${TARGETS['2.x'].n8nVersion} processes in queue mode`, () => {
	it('one call sent to processors A, A, B, B, A, and to A after it restarts: the work runs once', async () => {
		const id = `msg_${RUN}_abba`;
		const call = signed(id);
		const [a, b] = cluster.webhooks;
		const before = downstream.calls.length;
		const answers: Answer[] = [];
		answers.push(await post(a, call));
		answers.push(await post(a, call));
		answers.push(await post(b, call));
		answers.push(await post(b, call));
		answers.push(await post(a, call));
		await cluster.webhooks[0].kill('SIGTERM');
		const restarted = await cluster.restartWebhook(0);
		await restarted.waitForWebhook(path);
		answers.push(await post(restarted, call));

		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
		// The trigger's own memory answered the copies that reached a processor it had passed.
		expect(JSON.parse(answers[1].body)).toEqual({ status: 'duplicate', reason: 'replayed_id' });
		expect(downstream.calls.length - before).toBe(1);
		expect(workRuns(await settledExecutions())[id]).toBe(1);
	});

	it('a run that fails releases its claim: the sender’s retry, on the other processor, runs', async () => {
		const id = `msg_${RUN}_retry`;
		const [a, b] = cluster.webhooks;
		// The downstream service fails the first time it is called from here on, then works.
		let served = 0;
		downstream.answer(() => (served++ === 0 ? { status: 503 } : { status: 200, body: '{}' }));
		try {
			const first = await post(a, signed(id));
			expect(first.status).toBe(500);
			// Standard Webhooks retries with the same id, re-signed.
			const retry = await post(b, signed(id, new Date(Date.now() + 1000)));
			expect(retry.status).toBe(200);
			const copy = await post(a, signed(id));
			expect(copy.status).toBe(200);
		} finally {
			downstream.answer(() => ({ status: 200, body: '{}' }));
		}
		const executions = await settledExecutions();
		expect(workRuns(executions)[id]).toBe(2); // the failed run and its retry
		expect(downstream.calls.filter((call) => call.body.toString().includes(id))).toHaveLength(2);
		const ofThisCall = executions.filter((execution) =>
			outputItems(execution, 'Webhook Trigger (Verified)', 0).some(
				(item) => (item.body as { id?: unknown }).id === id,
			),
		);
		expect(ofThisCall.filter((execution) => execution.status === 'error')).toHaveLength(1);
	});

	it('through nginx with call affinity, the copies of a call reach one processor: one execution', async () => {
		const id = `msg_${RUN}_${randomUUID()}`;
		const call = signed(id);
		const answers: Answer[] = [];
		for (let i = 0; i < 4; i++) answers.push(await post(cluster.url, call));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
		expect(answers.slice(1).map((answer) => JSON.parse(answer.body) as unknown)).toEqual(
			Array(3).fill({ status: 'duplicate', reason: 'replayed_id' }),
		);
		const executions = await settledExecutions();
		const ofThisCall = executions.filter((execution) =>
			outputItems(execution, 'Webhook Trigger (Verified)', 0).some(
				(item) => (item.body as { id?: unknown }).id === id,
			),
		);
		expect(ofThisCall).toHaveLength(1);
	});
});
