/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it drives a real n8n from Node and writes its figures to artifacts/ */
/**
 * Chaos in queue mode (npm run test:e2e:queue): n8n 2.41.1 with Postgres,
 * Redis, two webhook processors behind nginx (the README's call affinity)
 * and two workers, while a provider sends signed calls at a steady rate and
 * retries, as Standard Webhooks senders do, every call not answered 2xx.
 * Each test breaks one part under that load: Redis restarted (down 10 s),
 * Postgres restarted (down 10 s), a webhook processor killed with SIGKILL and
 * started again, the main process restarted, every worker killed with
 * SIGKILL while a Send Webhook retry waits in a Wait node.
 *
 * The receiving workflow is the one docs/production.md gives for queue mode
 * (examples/receive-once-queue-mode.json: the trigger, a claim in Redis, the
 * work, answered when the work is done). For each fault the test writes what
 * the sender saw (answers by status), what ran (executions by status, runs
 * of the work per call) and what was delivered, to artifacts/chaos/, and
 * holds the claims docs/reliability.md makes: every valid call accepted in
 * the end (the sender's retries cover what n8n refused or dropped), every
 * accepted call's work delivered, no forged call run; runs of the work twice
 * for one call are counted and held to what the page states.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { prepareExample } from '../harness/examples';
import { ensureN8n, TARGETS } from '../harness/install';
import { log } from '../harness/log';
import { EVERY_EXECUTION_SAVED, outputItems, sleep, type Execution } from '../harness/n8n';
import { buildAndPack, installPackage, REPO_ROOT } from '../harness/package';
import { startQueueCluster, type QueueCluster } from '../harness/queue';
import { deliveredRecords, deploySender, executionWhen, sendRecords } from '../harness/queueSender';
import { finalStatus, SenderLoad, type SentCall } from '../harness/senderLoad';
import { startReceiver, type Receiver } from '../../test/helpers/receiver';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const GOODFIT_SECRET = `chaos-goodfit-${randomBytes(8).toString('hex')}`;
const RUN = randomBytes(4).toString('hex');
const ARTIFACTS = join(REPO_ROOT, 'artifacts', 'chaos');
/**
 * The sender: 3 calls a second, one in 10 forged; each attempt given 15 s
 * (Svix's timeout); retries after 5, 10, 20, 40 and 60 s (Standard Webhooks'
 * schedule starts 5 s, 5 min, 30 min: scaled down so that a test lasts
 * minutes; the last retry still comes over two minutes after the first
 * attempt, longer than any fault here lasts).
 */
const LOAD = {
	callsPerSecond: 3,
	forgedEvery: 10,
	retryDelaysMs: [5_000, 10_000, 20_000, 40_000, 60_000],
	attemptTimeoutMs: 15_000,
};
/** How long the work takes (the downstream service's answer). */
const WORK_MS = 1_000;
/**
 * The example's claim lease (300 s, for real senders' schedules: Standard
 * Webhooks retries 5 s, then 5 min after), scaled down with the schedule: a
 * claim left by a run that died lapses before the sender's last retries.
 */
const CLAIM_LEASE_SECONDS = 30;
/** The trigger's Running Call Lease (300 s by default, before that same retry), scaled down likewise. */
const RUNNING_CALL_LEASE_SECONDS = 30;
/** How long n8n keeps reconnecting to Redis before it exits (QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD). */
const REDIS_OUTAGE_TOLERATED_MS = 60_000;
/** Load before the fault, and after the broken part is back. */
const BEFORE_MS = 8_000;
const AFTER_MS = 12_000;

let cluster: QueueCluster;
let downstream: Receiver;
/** The receiver of the Send Webhook workflow in the Wait-node test. */
let records: Receiver;
let credentials: Map<string, string>;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS['2.x']);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-chaos-'));
	installPackage(userFolder, buildAndPack());
	cluster = await startQueueCluster({
		installed,
		userFolder,
		balancing: 'call-affinity',
		// docs/production.md: with n8n's default (10 s), every n8n process exits
		// once Redis has been away for 10 s, and only a supervisor brings it back.
		env: { QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD: String(REDIS_OUTAGE_TOLERATED_MS) },
	});
	await cluster.main.signIn();
	// The work takes a second, as a call to a real service does: a few calls are
	// always mid-run when something breaks.
	downstream = await startReceiver(() => ({ status: 200, body: '{}', delayMs: WORK_MS }));
	records = await startReceiver();
	const create = async (name: string, type: string, data: Record<string, unknown>) =>
		[name, await cluster.main.createCredential(name, type, data)] as const;
	const secret = (value: string) => ({ secret: value, secondarySecret: '', format: 'auto' });
	credentials = new Map([
		await create('Standard Webhooks secret', 'webhookSigningSecretApi', secret(SECRET)),
		await create('GoodFit shared key', 'webhookSigningSecretApi', secret(GOODFIT_SECRET)),
		await create('Redis', 'redis', {
			host: '127.0.0.1',
			port: cluster.redisPort,
			database: 0,
			password: '',
			ssl: false,
		}),
	]);
	mkdirSync(ARTIFACTS, { recursive: true });
}, 20 * 60_000);

afterAll(async () => {
	await downstream?.close();
	await records?.close();
	await cluster?.stop();
});

/** The queue-mode receiving example, on a path of its own, its work posted to `/work/<fault>`. */
async function deployReceiver(fault: string): Promise<{ workflowId: string; path: string }> {
	const workflow = await prepareExample(cluster.main, 'receive-once-queue-mode.json', credentials);
	const path = `chaos-${fault}-${RUN}`;
	for (const node of workflow.nodes) {
		if (node.name === 'The work') node.parameters.url = `${downstream.url}/work/${fault}`;
		if (node.name === 'Webhook Trigger (Verified)') {
			node.parameters.path = path;
			node.parameters.runningCallLeaseSeconds = RUNNING_CALL_LEASE_SECONDS;
		}
		if (node.name === 'Claim') node.parameters.ttl = CLAIM_LEASE_SECONDS;
	}
	const workflowId = await cluster.main.deploy(
		{
			...workflow,
			name: `chaos ${fault}`,
			settings: EVERY_EXECUTION_SAVED,
		},
		[],
	);
	for (const webhook of cluster.webhooks) await webhook.waitForWebhook(path);
	return { workflowId, path };
}

/**
 * Runs the load, breaks something BEFORE_MS in, keeps the load AFTER_MS more
 * after it is back, and waits for every call to settle. `breakIt` calls
 * `now()` at the moment it breaks the part (after any preparation).
 */
async function underLoad(fault: string, breakIt: (now: () => void) => Promise<void>) {
	const { workflowId, path } = await deployReceiver(fault);
	const load = new SenderLoad({
		...LOAD,
		url: `${cluster.url}/webhook/${path}`,
		secret: SECRET,
		run: `${RUN}_${fault}`,
	});
	load.start();
	await sleep(BEFORE_MS);
	let brokenAt = Date.now();
	await breakIt(() => (brokenAt = Date.now()));
	const backAt = Date.now();
	await sleep(AFTER_MS);
	const calls = await load.stop();
	const executions = await settledExecutions(workflowId);
	const figures = chaosFigures(fault, calls, executions, { brokenAt, backAt });
	writeFileSync(join(ARTIFACTS, `${fault}.json`), JSON.stringify({ figures, calls }, null, 2));
	log(`chaos ${fault}: ${JSON.stringify(figures)}`);
	return figures;
}

/**
 * The workflow's executions once they no longer change (the same statuses in
 * three reads 5 s apart). Called once every call has settled: an execution
 * still new or running then is one n8n left unfinished (after a Postgres
 * restart, n8n 2.41.1 leaves some so, and never answers their callers).
 */
async function settledExecutions(workflowId: string): Promise<Execution[]> {
	const seen: string[] = [];
	for (;;) {
		const executions = await cluster.main.executions(workflowId, true);
		seen.push(JSON.stringify(tally(executions, (execution) => execution.status)));
		if (seen.length >= 3 && new Set(seen.slice(-3)).size === 1) return executions;
		await sleep(5000);
	}
}

/** How many of each: `key` of every item. */
function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
	return counts;
}

/** An answer as the sender saw it: its status, with the trigger's or the workflow's word for it. */
function answerName(status: number, detail: string): string {
	if (status === 0) return `no answer (${detail})`;
	if (detail.includes('"duplicate"')) return `${status} duplicate`;
	// The example workflow's answer to a copy of a call whose work is done (its Redis claim).
	if (detail.includes('"done":"1"')) return `${status} done already`;
	return String(status);
}

/**
 * Whether n8n rebuilt this execution from its event log after the process
 * running it died: it then keeps which nodes ran, each with one artificial
 * item in place of its data, so the call it ran for is unknown.
 */
function recoveredWithoutData(execution: Execution): boolean {
	const [trigger] = outputItems(execution, 'Webhook Trigger (Verified)', 0);
	return trigger?.isArtificialRecoveredEventItem === true;
}

/** Runs of the work per call id (The work's outputs, success or error). */
function workRuns(executions: Execution[]): Map<string, number> {
	const runs = new Map<string, number>();
	for (const execution of executions) {
		if (recoveredWithoutData(execution)) continue;
		if (
			!outputItems(execution, 'The work', 0).length &&
			!outputItems(execution, 'The work', 1).length
		)
			continue;
		const [trigger] = outputItems(execution, 'Webhook Trigger (Verified)', 0);
		const id = String((trigger.body as { id?: unknown }).id);
		runs.set(id, (runs.get(id) ?? 0) + 1);
	}
	return runs;
}

function chaosFigures(
	fault: string,
	calls: SentCall[],
	executions: Execution[],
	times: { brokenAt: number; backAt: number },
) {
	const valid = calls.filter((call) => !call.forged);
	const forged = calls.filter((call) => call.forged);
	const accepted = valid.filter((call) => finalStatus(call) >= 200 && finalStatus(call) < 300);
	const deliveries = tally(
		downstream.calls.filter((call) => call.url === `/work/${fault}`),
		(call) => String((JSON.parse(call.body.toString()) as { id: string }).id),
	);
	const runs = workRuns(executions);
	const attempts = calls.flatMap((call) => call.attempts);
	const retried = valid.filter((call) => call.attempts.length > 1);
	return {
		fault,
		brokenForSeconds: (times.backAt - times.brokenAt) / 1000,
		calls: calls.length,
		valid: valid.length,
		forged: forged.length,
		attempts: attempts.length,
		inFlightWhenBroken: attempts.filter(
			(attempt) => attempt.at <= times.brokenAt && attempt.at + attempt.ms > times.brokenAt,
		).length,
		firstAnswers: tally(calls, (call) =>
			answerName(call.attempts[0].status, call.attempts[0].detail),
		),
		retryAnswers: tally(
			calls.flatMap((call) => call.attempts.slice(1)),
			(attempt) => answerName(attempt.status, attempt.detail),
		),
		validRetried: retried.length,
		/** Valid calls with an attempt the sender got no answer to (reset, timeout) or a 5xx for. */
		validUnsure: valid.filter((call) =>
			call.attempts.some((attempt) => attempt.status === 0 || attempt.status >= 500),
		).length,
		validAccepted: accepted.length,
		validGivenUp: valid.length - accepted.length,
		longestToAcceptSeconds: Math.max(
			0,
			...accepted.map((call) => (call.attempts.at(-1)!.at - call.attempts[0].at) / 1000),
		),
		acceptedNotDelivered: accepted.filter((call) => !deliveries[call.id]).length,
		deliveredTwice: valid.filter((call) => (deliveries[call.id] ?? 0) > 1).length,
		workRanTwice: valid.filter((call) => (runs.get(call.id) ?? 0) > 1).length,
		forgedRefused: forged.filter((call) => finalStatus(call) === 401).length,
		forgedRan: forged.filter((call) => runs.has(call.id) || deliveries[call.id]).length,
		executions: tally(executions, (execution) => execution.status),
		executionsLeftUnfinished: executions.filter((execution) =>
			['new', 'running'].includes(execution.status),
		).length,
		/** Deliveries (downstream) still count their work; workRanTwice cannot see these. */
		executionsRecoveredWithoutData: executions.filter(recoveredWithoutData).length,
	};
}

type Figures = ReturnType<typeof chaosFigures>;

/**
 * What holds after every fault: nothing signed and accepted is lost, no
 * forged call runs, and a call's work runs twice only where its sender could
 * not know the first run's outcome (no answer, or a 5xx) and retried.
 */
function expectNothingLost(figures: Figures): void {
	expect(figures.deliveredTwice).toBeLessThanOrEqual(figures.validUnsure);
	expect({
		givenUp: figures.validGivenUp,
		acceptedNotDelivered: figures.acceptedNotDelivered,
		forgedRefused: figures.forgedRefused,
		forgedRan: figures.forgedRan,
	}).toEqual({ givenUp: 0, acceptedNotDelivered: 0, forgedRefused: figures.forged, forgedRan: 0 });
	expect(figures.validAccepted).toBe(figures.valid);
}

/** Waits until a restarted processor serves `path`: an unsigned call is refused with 401 by the trigger. */
async function waitUntilServing(base: string, path: string, timeoutMs = 90_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await fetch(`${base}/webhook/${path}`, { method: 'POST', body: '{}' })
			.then((response) => response.status)
			.catch(() => 0);
		if (status === 401) return;
		if (Date.now() > deadline) throw new Error(`${base} still answers ${status} for ${path}`);
		await sleep(500);
	}
}

describe(`Chaos: n8n ${TARGETS['2.x'].n8nVersion} in queue mode under a steady signed load`, () => {
	it('a webhook processor killed (SIGKILL) and started again: nothing accepted is lost', async () => {
		const figures = await underLoad('processor-sigkill', async () => {
			await cluster.webhooks[0].kill('SIGKILL');
			const restarted = await cluster.restartWebhook(0);
			await waitUntilServing(restarted.baseUrl, `chaos-processor-sigkill-${RUN}`);
		});
		expectNothingLost(figures);
	}, 600_000);

	it('Redis restarted (down 10 s): nothing accepted is lost', async () => {
		const figures = await underLoad('redis-restart', async () => {
			await cluster.redis.restart(10_000);
		});
		expectNothingLost(figures);
	}, 600_000);

	it('Postgres restarted (down 10 s): nothing accepted is lost', async () => {
		const figures = await underLoad('postgres-restart', async () => {
			await cluster.postgres.restart(10_000);
		});
		expectNothingLost(figures);
	}, 600_000);

	it('the main process restarted (a deploy): the processors go on answering, nothing lost', async () => {
		const figures = await underLoad('main-restart', async () => {
			await cluster.restartMain();
		});
		expectNothingLost(figures);
	}, 600_000);

	it('every worker killed (SIGKILL) while a Send Webhook retry waits in a Wait node: all 450 records delivered, nothing accepted lost', async () => {
		const sender = { name: 'chaos-wait-node', receiver: records, run: RUN };
		const { id, senderPath } = await deploySender(cluster, {
			...sender,
			retryMode: 'waitNode',
			retryDelays: '10',
			credential: credentials.get('GoodFit shared key')!,
		});
		const figures = await underLoad('workers-sigkill-wait', async (now) => {
			await sendRecords(cluster, { ...sender, senderPath });
			// The retry waits in n8n's database.
			await executionWhen(
				() => cluster.main,
				id,
				(e) => e.status === 'waiting',
				60_000,
			);
			now();
			await Promise.all(cluster.workers.map(async (worker) => await worker.kill('SIGKILL')));
			for (let i = 0; i < cluster.workers.length; i++) await cluster.restartWorker(i);
		});
		expectNothingLost(figures);

		// Due in 70 s; n8n looks for due executions every 60 s.
		const execution = await executionWhen(
			() => cluster.main,
			id,
			(e) => e.finished || e.status === 'error',
			240_000,
		);
		expect(execution.status).toBe('success');
		const delivered = outputItems(execution, 'Send Webhook', 0);
		expect(delivered.map((item) => (item as { n: number }).n).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 450 }, (_, n) => n),
		);
		expect(outputItems(execution, 'Send Webhook', 1)).toEqual([]);
		const { calls, ids, firstRecords } = deliveredRecords(records, sender.name);
		// Batches 0, 1 (503), 2, then 1 again under the same delivery id.
		expect(firstRecords).toEqual([0, 200, 400, 200]);
		expect(ids[3]).toBe(ids[1]);
		expect(new Set(ids).size).toBe(3);
		expect(calls[3].body.toString()).toBe(calls[1].body.toString());
	}, 900_000);
});
