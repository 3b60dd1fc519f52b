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
 *
 * No item lost when a worker stops: 450 records sent in batches of 200, the
 * second batch failing once. With retries inside the node and the workers'
 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT above the schedule, a SIGTERM mid-schedule
 * lets the node finish, and all 450 are delivered. (With Retries: Through a
 * Wait Node, every worker killed with SIGKILL during the wait under load:
 * chaos.queue.test.ts.)
 *
 * A webhook system (docs/webhook-system.md): three endpoints in a Data Table
 * created over REST (Postgres), each subscriber's secret from a Reveal
 * Endpoint Secret run, each subscriber a server verifying with the official
 * standardwebhooks library. A dispatcher sends 20 events to every matching
 * endpoint; one endpoint answers 503 twice, and its retries wait in the Wait
 * node (the Standard Webhooks schedule scaled down to one 70 s wait) while
 * every worker is killed (SIGKILL) and new ones start: each (event,
 * endpoint) delivered once, the retries under their first webhook-id, only
 * to their own endpoint, nothing failed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import {
	createDataTable,
	dataTableGetNode,
	insertRows,
	listRows,
	type DataTableColumn,
	type DataTableRef,
} from '../harness/dataTables';
import { prepareExample, webhookPaths } from '../harness/examples';
import { ensureN8n, TARGETS } from '../harness/install';
import { EVERY_EXECUTION_SAVED, N8n, outputItems, sleep, type Execution } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import { startQueueCluster, type QueueCluster } from '../harness/queue';
import {
	deliveredRecords,
	deploySender,
	executionWhen,
	node,
	sendRecords,
} from '../harness/queueSender';
import { header, startReceiver, type Receiver } from '../../test/helpers/receiver';
import { verifiesStandardWebhook } from '../../test/helpers/subscriber';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const RUN = randomBytes(4).toString('hex');
const EXAMPLE = 'receive-once-queue-mode.json';
const GOODFIT_SECRET = `queue-goodfit-${randomBytes(8).toString('hex')}`;

let cluster: QueueCluster;
let goodfitCredential: string;
let downstream: Receiver;
let workflowId: string;
let path: string;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS['2.x']);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-queue-'));
	installPackage(userFolder, buildAndPack());
	cluster = await startQueueCluster({
		installed,
		userFolder,
		balancing: 'call-affinity',
		// The README's advice: longer than Send Webhook's longest schedule.
		workerEnv: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '150' },
	});
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
			'GoodFit shared key',
			await cluster.main.createCredential('GoodFit shared key', 'webhookSigningSecretApi', {
				secret: GOODFIT_SECRET,
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
	goodfitCredential = credentials.get('GoodFit shared key')!;
	const workflow = await prepareExample(cluster.main, EXAMPLE, credentials);
	for (const node of workflow.nodes) {
		if (node.name === 'The work') node.parameters.url = `${downstream.url}/work`;
	}
	[path] = webhookPaths(workflow);
	workflowId = await cluster.main.deploy(
		{
			...workflow,
			settings: EVERY_EXECUTION_SAVED,
		},
		[],
	);
	// Production webhooks are the processors' job: each must know the path.
	for (const webhook of cluster.webhooks) await waitUntilServing(webhook);
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

/**
 * Waits until a processor serves the trigger, not only knows its path: right
 * after a restart n8n 2.41.1 answered an OPTIONS preflight for the path but
 * 404 to POSTs for a while (once in CI-like load). An unsigned call is
 * refused with 401 by the trigger itself and starts nothing.
 */
async function waitUntilServing(processor: N8n, timeoutMs = 60_000): Promise<void> {
	await processor.waitForWebhook(path);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const answer = await post(processor, {
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		if (answer.status === 401) return;
		if (Date.now() > deadline)
			throw new Error(`the restarted processor still answers ${answer.status}: ${answer.body}`);
		await sleep(500);
	}
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
		await waitUntilServing(restarted);
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

describe(`No item lost when an n8n ${TARGETS['2.x'].n8nVersion} worker stops (SIGKILL: see chaos.queue.test.ts)`, () => {
	it('Retries inside the node, N8N_GRACEFUL_SHUTDOWN_TIMEOUT above the schedule: SIGTERM mid-schedule, all 450 delivered', async () => {
		const sender = { name: 'in-node', receiver: downstream, run: RUN };
		const { id, senderPath } = await deploySender(cluster, {
			...sender,
			retryMode: 'inNode',
			retryDelays: '15',
			credential: goodfitCredential,
		});
		await sendRecords(cluster, { ...sender, senderPath });
		// The node is waiting 15 s to retry: stop every worker now.
		await Promise.all(cluster.workers.map(async (worker) => await worker.kill('SIGTERM')));
		for (let i = 0; i < cluster.workers.length; i++) await cluster.restartWorker(i);

		const execution = await executionWhen(
			() => cluster.main,
			id,
			(e) => e.finished || e.status === 'error',
			120_000,
		);
		expect(execution.status).toBe('success');
		expect(outputItems(execution, 'Send Webhook', 0)).toHaveLength(450);
		const { ids, firstRecords } = deliveredRecords(downstream, 'in-node');
		expect(firstRecords).toEqual([0, 200, 200, 400]);
		expect(ids[2]).toBe(ids[1]);
	}, 420_000);
});

/** The endpoints table, with the columns docs/webhook-system.md names. */
const ENDPOINT_COLUMNS: DataTableColumn[] = [
	{ name: 'endpoint_id', type: 'string' },
	{ name: 'name', type: 'string' },
	{ name: 'url', type: 'string' },
	{ name: 'events', type: 'string' },
	{ name: 'active', type: 'boolean' },
];

/** A subscriber: its endpoint row, its own server, what it wants, and every call it verified. */
interface Subscriber {
	readonly endpointId: string;
	/** The row's events column, in one of the forms the docs allow. */
	readonly events: string;
	/** The same subscription, written out by hand here: which event types it gets. */
	readonly wants: readonly string[];
	/** The first calls answered 503 (each still verified). */
	readonly failFirst: number;
	receiver: Receiver;
	secret: string;
	/** One per call, in order: did the endpoint's own secret verify it. */
	readonly verdicts: boolean[];
}

const EVENT_TYPES = ['order.created', 'order.paid', 'customer.created', 'invoice.paid'];

/**
 * The endpoint management workflow's reveal, as docs/webhook-system.md
 * describes it: Webhook → Data Table Get → Send Webhook (Reveal Endpoint
 * Secret) → Respond to Webhook, with successful executions not saved (the
 * secrets stay out of n8n's database). Runs on a worker like any other.
 */
async function revealSecrets(
	table: DataTableRef,
	credential: string,
): Promise<Map<string, string>> {
	const revealPath = `queue-reveal-${RUN}`;
	await cluster.main.deploy(
		{
			name: 'queue endpoint secrets',
			nodes: [
				node(
					'Reveal request',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path: revealPath, responseMode: 'responseNode', options: {} },
					{ webhookId: randomUUID() },
				),
				dataTableGetNode(
					cluster.main.version,
					{ name: 'Endpoints', settings: { executeOnce: true } },
					table,
				),
				node(
					'Reveal',
					'n8n-nodes-signed-webhooks.sendWebhook',
					1,
					{ operation: 'revealSecret', signatureScheme: 'standardWebhooks' },
					{
						credentials: {
							webhookSigningSecretApi: { id: credential, name: 'Endpoints master secret' },
						},
					},
				),
				node('Hand over', 'n8n-nodes-base.respondToWebhook', 1.1, {
					respondWith: 'allIncomingItems',
					options: {},
				}),
			],
			connections: {
				'Reveal request': { main: [[{ node: 'Endpoints', type: 'main', index: 0 }]] },
				Endpoints: { main: [[{ node: 'Reveal', type: 'main', index: 0 }]] },
				Reveal: { main: [[{ node: 'Hand over', type: 'main', index: 0 }]] },
			},
			settings: {
				executionOrder: 'v1',
				saveDataSuccessExecution: 'none',
				saveManualExecutions: false,
			},
		},
		[],
	);
	for (const webhook of cluster.webhooks) await webhook.waitForWebhook(revealPath);
	const response = await fetch(`${cluster.url}/webhook/${revealPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}',
	});
	const text = await response.text();
	expect({ status: response.status, text }).toMatchObject({ status: 200 });
	const rows = JSON.parse(text) as Array<Record<string, unknown>>;
	return new Map(rows.map((row) => [String(row.endpoint_id), String(row.secret)]));
}

/**
 * The dispatcher of docs/webhook-system.md: Webhook (POST {events}) → Split
 * Out → Send Webhook's Events input; Webhook → Data Table Get (Execute Once)
 * → its Endpoints input; Retry → Wait → back into Events.
 */
async function deployDispatcher(
	table: DataTableRef,
	credential: string,
): Promise<{ id: string; dispatchPath: string }> {
	const dispatchPath = `queue-dispatch-${RUN}`;
	const id = await cluster.main.deploy(
		{
			name: 'queue endpoints dispatcher',
			nodes: [
				node(
					'Events arrive',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path: dispatchPath, responseMode: 'onReceived', options: {} },
					{ webhookId: randomUUID() },
				),
				node('Events', 'n8n-nodes-base.splitOut', 1, {
					fieldToSplitOut: 'body.events',
					include: 'noOtherFields',
					options: {},
				}),
				dataTableGetNode(
					cluster.main.version,
					{ name: 'Endpoints', settings: { executeOnce: true } },
					table,
				),
				node(
					'Send Webhook',
					'n8n-nodes-signed-webhooks.sendWebhook',
					1,
					{
						destination: 'endpoints',
						signatureScheme: 'standardWebhooks',
						eventName: '={{ $json.type }}',
						// Scaled down: the real schedule is retrySchedule 'standardWebhooks'
						// (5 s … 10 h over a day, docs/webhook-system.md); 10 s asks the
						// Wait node for its 70 s minimum, which n8n keeps in Postgres.
						options: { retryMode: 'waitNode', retrySchedule: 'custom', retryDelays: '10' },
					},
					{
						credentials: {
							webhookSigningSecretApi: { id: credential, name: 'Endpoints master secret' },
						},
					},
				),
				node('Wait for the retry', 'n8n-nodes-base.wait', 1.1, {
					resume: 'timeInterval',
					amount: '={{ $json.webhookDelivery.retry.inSeconds }}',
					unit: 'seconds',
				}),
			],
			connections: {
				'Events arrive': {
					main: [
						[
							{ node: 'Events', type: 'main', index: 0 },
							{ node: 'Endpoints', type: 'main', index: 0 },
						],
					],
				},
				Events: { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
				Endpoints: { main: [[{ node: 'Send Webhook', type: 'main', index: 1 }]] },
				// Delivered, Failed, Retry, Log, Endpoint Events.
				'Send Webhook': {
					main: [[], [], [{ node: 'Wait for the retry', type: 'main', index: 0 }], [], []],
				},
				'Wait for the retry': { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
			},
			settings: EVERY_EXECUTION_SAVED,
		},
		[],
	);
	for (const webhook of cluster.webhooks) await webhook.waitForWebhook(dispatchPath);
	return { id, dispatchPath };
}

/** The (event n, endpoint id) pairs of delivery records, sorted. */
function pairs(items: Array<Record<string, unknown>>): string[] {
	return items
		.map((item) => {
			const record = item.webhookDelivery as { endpoint?: { id?: string } };
			return `${String(item.n)} ${record.endpoint?.id ?? '-'}`;
		})
		.sort();
}

describe(`A webhook system on n8n ${TARGETS['2.x'].n8nVersion} in queue mode: endpoints from a Data Table`, () => {
	const subscribers: Subscriber[] = [
		{ endpointId: 'ep_orders', events: 'order.*', wants: ['order.created', 'order.paid'] },
		{
			endpointId: 'ep_customers',
			events: '["customer.created", "order.paid"]',
			wants: ['customer.created', 'order.paid'],
		},
		// Answers 503 to its first two calls, then 200.
		{
			endpointId: 'ep_flaky',
			events: 'order.paid invoice.*',
			wants: ['order.paid', 'invoice.paid'],
			failFirst: 2,
		},
	].map((subscriber) => ({
		failFirst: 0,
		...subscriber,
		receiver: undefined as unknown as Receiver,
		secret: '',
		verdicts: [],
	}));
	let table: DataTableRef;
	let credential: string;

	beforeAll(async () => {
		for (const subscriber of subscribers) subscriber.receiver = await startReceiver();
		credential = await cluster.main.createCredential(
			'Endpoints master secret',
			'webhookSigningSecretApi',
			{
				secret: `whsec_${randomBytes(32).toString('base64')}`,
				secondarySecret: '',
				format: 'auto',
			},
		);
		// Through the editor's REST API, against the main process and its Postgres.
		table = await createDataTable(cluster.main, `endpoints ${RUN}`, ENDPOINT_COLUMNS);
		await insertRows(
			cluster.main,
			table,
			subscribers.map((subscriber) => ({
				endpoint_id: subscriber.endpointId,
				name: subscriber.endpointId,
				url: `${subscriber.receiver.url}/hooks`,
				events: subscriber.events,
				active: true,
			})),
		);
		const secrets = await revealSecrets(table, credential);
		for (const subscriber of subscribers) {
			subscriber.secret = secrets.get(subscriber.endpointId) ?? '';
			// Each subscriber verifies with its own secret; a call that does not verify gets 401.
			subscriber.receiver.answer((call) => {
				const verified = verifiesStandardWebhook(subscriber.secret, call);
				subscriber.verdicts.push(verified);
				if (!verified) return { status: 401 };
				if (call.n <= subscriber.failFirst) return { status: 503, body: 'busy' };
				return { status: 200, body: '{}' };
			});
		}
	}, 120_000);

	afterAll(async () => {
		await Promise.all(subscribers.map(async ({ receiver }) => await receiver?.close()));
	});

	it('the endpoints table, through REST on Postgres, and each endpoint’s secret from Reveal Endpoint Secret', async () => {
		const rows = await listRows(cluster.main, table);
		expect(rows.map((row) => [row.endpoint_id, row.active])).toEqual(
			subscribers.map((subscriber) => [subscriber.endpointId, true]),
		);
		for (const subscriber of subscribers)
			expect(subscriber.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		expect(new Set(subscribers.map((subscriber) => subscriber.secret)).size).toBe(3);
	});

	it('Standard Webhooks schedule through the Wait node, scaled down: every worker killed (SIGKILL) during the wait, each (event, endpoint) delivered once', async () => {
		const { id, dispatchPath } = await deployDispatcher(table, credential);
		const events = Array.from({ length: 20 }, (_, n) => ({
			type: EVENT_TYPES[n % EVENT_TYPES.length],
			n,
			run: RUN,
		}));
		const matching = (subscriber: Subscriber) =>
			events.filter((event) => subscriber.wants.includes(event.type));
		const started = await fetch(`${cluster.url}/webhook/${dispatchPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ events }),
		});
		expect(started.status).toBe(200);

		// The flaky endpoint's two retries wait in n8n's database.
		const waiting = await executionWhen(
			() => cluster.main,
			id,
			(execution) => execution.status === 'waiting',
			90_000,
		);
		const [orders, customers, flaky] = subscribers;
		expect(orders.receiver.calls).toHaveLength(matching(orders).length);
		expect(customers.receiver.calls).toHaveLength(matching(customers).length);
		expect(flaky.receiver.calls).toHaveLength(matching(flaky).length);
		const retries = outputItems(waiting, 'Send Webhook', 2);
		expect(retries).toHaveLength(2);
		for (const item of retries) {
			const { retry } = item.webhookDelivery as { retry: Record<string, unknown> };
			expect(retry).toMatchObject({ attempt: 2, inSeconds: 70 });
			expect(retry.endpoint).toMatchObject({ endpoint_id: 'ep_flaky' });
			expect(JSON.stringify(retry.endpoint)).not.toMatch(/secret"?:\s*"whsec_/);
		}

		const killedAt = Date.now();
		await Promise.all(cluster.workers.map(async (worker) => await worker.kill('SIGKILL')));
		for (let i = 0; i < cluster.workers.length; i++) await cluster.restartWorker(i);

		// Due 70 s after the first pass; n8n looks for due executions every 60 s.
		const execution = await executionWhen(
			() => cluster.main,
			id,
			(e) => !['new', 'running', 'waiting'].includes(e.status),
			240_000,
		);
		expect(execution.status).toBe('success');
		// A new worker ran the retry pass.
		expect(
			cluster.workers.some((worker) => worker.log().includes(`execution ${execution.id} `)),
		).toBe(true);
		// The endpoints were read once, by the Data Table node on a worker, from Postgres.
		expect(outputItems(execution, 'Endpoints').map((row) => row.endpoint_id)).toEqual(
			subscribers.map((subscriber) => subscriber.endpointId),
		);
		expect(execution.data?.resultData.runData['Send Webhook']).toHaveLength(2);

		// Every (event, matching endpoint) on Delivered once, nothing on Failed, no retry left.
		const expected = subscribers
			.flatMap((subscriber) =>
				matching(subscriber).map((event) => `${event.n} ${subscriber.endpointId}`),
			)
			.sort();
		expect(pairs(outputItems(execution, 'Send Webhook', 0))).toEqual(expected);
		expect(outputItems(execution, 'Send Webhook', 1)).toEqual([]);
		expect(outputItems(execution, 'Send Webhook', 2)).toHaveLength(2); // the first pass's, none after
		const log = outputItems(execution, 'Send Webhook', 3);
		expect(log.filter((row) => row.status === 'delivered')).toHaveLength(expected.length);
		expect(log.filter((row) => row.status === 'retrying').map((row) => row.endpoint_id)).toEqual([
			'ep_flaky',
			'ep_flaky',
		]);

		// At each receiver: one webhook-id per matching event, every call verified by its own secret.
		const idOf = new Map<string, string>(); // event n → its message id, the same at every endpoint
		for (const subscriber of subscribers) {
			const { calls } = subscriber.receiver;
			expect(subscriber.verdicts).toEqual(calls.map(() => true));
			const others = subscribers.filter((other) => other !== subscriber);
			for (const call of calls)
				for (const other of others) expect(verifiesStandardWebhook(other.secret, call)).toBe(false);
			const ids = calls.map((call) => header(call, 'webhook-id'));
			expect(new Set(ids).size).toBe(matching(subscriber).length);
			const received = calls.map(
				(call) => JSON.parse(call.body.toString()) as { n: number; type: string },
			);
			expect([...new Set(received.map((event) => event.n))].sort((a, b) => a - b)).toEqual(
				matching(subscriber).map((event) => event.n),
			);
			received.forEach((event, i) => {
				expect(idOf.get(String(event.n)) ?? ids[i]).toBe(ids[i]);
				idOf.set(String(event.n), ids[i]);
			});
		}
		// The Retry pass fanned out to nobody else: the 200 endpoints got no second copy.
		expect(orders.receiver.calls).toHaveLength(matching(orders).length);
		expect(customers.receiver.calls).toHaveLength(matching(customers).length);
		expect(orders.receiver.calls.every((call) => call.at < killedAt)).toBe(true);
		expect(customers.receiver.calls.every((call) => call.at < killedAt)).toBe(true);
		// The flaky endpoint: its two failed calls, sent again after the workers died, same id, same body.
		const flakyCalls = flaky.receiver.calls;
		expect(flakyCalls).toHaveLength(matching(flaky).length + 2);
		const [first, second] = flakyCalls;
		const again = flakyCalls.slice(-2);
		expect(again.map((call) => header(call, 'webhook-id'))).toEqual(
			[first, second].map((call) => header(call, 'webhook-id')),
		);
		expect(again.map((call) => call.body.toString())).toEqual(
			[first, second].map((call) => call.body.toString()),
		);
		for (const call of again) {
			expect(call.at).toBeGreaterThan(killedAt);
			expect(call.at - first.at).toBeGreaterThanOrEqual(65_000);
		}
		// The log and the records count on across the wait: attempt 1 retrying, attempt 2 delivered.
		const retriedIds = again.map((call) => header(call, 'webhook-id'));
		for (const deliveryId of retriedIds) {
			const rows = log.filter(
				(row) => row.delivery_id === deliveryId && row.endpoint_id === 'ep_flaky',
			);
			expect(rows.map((row) => [row.attempt, row.status, row.response_status])).toEqual([
				[1, 'retrying', 503],
				[2, 'delivered', 200],
			]);
		}
		const retriedRecords = outputItems(execution, 'Send Webhook', 0)
			.map((item) => item.webhookDelivery as { id: string; attempts: unknown[] })
			.filter((record) => retriedIds.includes(record.id) && record.attempts.length > 1);
		expect(retriedRecords).toHaveLength(2);
	}, 420_000);
});
