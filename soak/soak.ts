/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- soak tooling: it runs in Node to drive a real n8n */
/**
 * A real n8n 2.41.1 (the e2e harness's, this package packed and installed as
 * users get it) under a steady load for a set time:
 * - a receiving workflow, Webhook Trigger (Verified) alone, Standard
 *   Webhooks, replay protection on, a 60 s window and memory (so the memory
 *   reaches its steady size within a short run), gets `rate` calls a second:
 *   of every 20, 12 valid (each its own id and sequence number), 2 replays
 *   of a valid call answered in the last 30 s, 3 forged (a tampered body or
 *   another secret), 2 malformed (no signature headers, an unreadable
 *   signature) and 1 stale (signed 10 minutes ago);
 * - a sending workflow, Webhook → Split Out → Send Webhook, gets a batch of
 *   items every `batchEverySeconds`, spread over four loopback receivers that
 *   answer 200, 503, 200 after 1.5 s, and never (one retry after 1 s, a 4 s
 *   timeout per attempt).
 * Every `sampleSeconds` it records n8n's RSS and V8 heap (after a full
 * collection, by the preloaded probe.ts), the replay memory's and secret
 * cache's sizes, the answers so far by status and reason, and both
 * workflows' executions by status. What passes is in CRITERIA below.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { STANDARD_WEBHOOKS, sign } from '../core';
import { ensureN8n, TARGETS } from '../e2e/harness/install';
import { EVERY_EXECUTION_SAVED, N8n, outputItems, sleep, type Execution } from '../e2e/harness/n8n';
import { buildAndPack, installPackage } from '../e2e/harness/package';
import { postCall as post, type Answer, type Call } from '../e2e/harness/rawPost';
import { startReceiver, type Receiver } from '../test/helpers/receiver';

/**
 * The pass criteria for memory, stated once for the script and
 * docs/reliability.md; the others (answers, runs, outputs) are exact.
 * Warm-up is the first two thirds of the load; what is judged is the last.
 * - The V8 heap, read after a full collection (what is still referenced),
 *   grows less than 4 MiB across the last third, by its least-squares
 *   line (slope × the third's length). Measured here, samples scatter by
 *   about 1 MiB with the calls in flight, so a 2-minute run catches only a
 *   gross leak (6 MiB a minute), a 30-minute run one of 0.4 MiB a minute.
 *   The replay memory's steady state (60 s of valid calls) is about 30 KB.
 * - RSS, which also holds what the allocator keeps and follows the calls in
 *   flight by tens of MiB: its median over the last third is at most
 *   64 MiB above its median over the first third.
 */
export const CRITERIA = {
	heapGrowthLastThirdMiB: 4,
	rssMedianRiseMiB: 64,
} as const;

export interface SoakOptions {
	readonly minutes: number;
	/** Calls a second to the trigger. */
	readonly rate: number;
	readonly sampleSeconds: number;
	readonly batchEverySeconds: number;
	readonly batchItems: number;
	/**
	 * n8n's default settings; otherwise N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true,
	 * the production setting docs/production.md recommends.
	 */
	readonly n8nDefaults: boolean;
	readonly progress: (line: string) => void;
}

export interface Sample {
	/** Seconds since the load started. */
	readonly t: number;
	readonly rssMiB: number | null;
	readonly heapMiB: number | null;
	readonly replayCalls: number | null;
	readonly replayMemories: number | null;
	readonly secretSets: number | null;
	readonly sent: number;
	readonly inFlight: number;
	readonly answers: Readonly<Record<string, number>>;
	readonly receiveExecutions: Readonly<Record<string, number>>;
	readonly sendExecutions: Readonly<Record<string, number>>;
}

export interface SoakResult {
	readonly n8nVersion: string;
	readonly nodeVersion: string;
	readonly options: Omit<SoakOptions, 'progress'>;
	readonly samples: readonly Sample[];
	readonly calls: Readonly<Record<Kind, number>>;
	readonly achievedRate: number;
	readonly maxInFlight: number;
	readonly slopes: { readonly heapMiBPerMinute: number; readonly rssMiBPerMinute: number };
	readonly batches: number;
	readonly itemsSent: number;
	readonly checks: Readonly<Record<string, Check>>;
	readonly pass: boolean;
	/** Checks not judged: memory, when n8n did not keep up with the asked rate. */
	readonly inconclusive: readonly string[];
}

export interface Check {
	readonly pass: boolean;
	readonly detail: string;
	/** Not judged (pass is then true): what the run could not show. */
	readonly inconclusive?: boolean;
}

type Kind = 'valid' | 'replay' | 'forged' | 'malformed' | 'stale';

/** One cycle of 20 calls: 12 valid, 2 replays, 3 forged, 2 malformed, 1 stale. */
const CYCLE: readonly string[] = [
	'valid',
	'valid',
	'tampered',
	'valid',
	'replay',
	'valid',
	'missingHeaders',
	'valid',
	'valid',
	'wrongSecret',
	'valid',
	'stale',
	'valid',
	'replay',
	'valid',
	'badSignature',
	'valid',
	'tampered',
	'valid',
	'valid',
];
const KIND_OF: Readonly<Record<string, Kind>> = {
	valid: 'valid',
	replay: 'replay',
	tampered: 'forged',
	wrongSecret: 'forged',
	missingHeaders: 'malformed',
	badSignature: 'malformed',
	stale: 'stale',
};

const TRIGGER = 'Webhook Trigger (Verified)';
const SEND = 'Send Webhook';
/**
 * Calls unanswered at most, as a sender with a bounded pool has: when n8n
 * falls behind, the load waits (and the run reports the rate it achieved)
 * instead of piling up requests, each of which holds memory in n8n.
 */
const MAX_IN_FLIGHT = 16;
/** Below this share of the asked rate, n8n did not keep up and memory is not judged. */
const KEPT_UP = 0.9;
const RUN = randomBytes(4).toString('hex');
const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET = whsec();
const WRONG_SECRET = whsec();

/** Both workflows keep every production execution's data (the checks read what ran), and no more. */
const SAVE_EVERY_RUN = {
	...EVERY_EXECUTION_SAVED,
	saveManualExecutions: false,
	saveExecutionProgress: false,
};

function signed(seq: number, secret = SECRET, at = new Date()): Call {
	// Ends in a letter, so a tampered body (one letter changed) is still JSON:
	// n8n refuses JSON it cannot parse (422) before the trigger sees it.
	const body = Buffer.from(JSON.stringify({ type: 'soak.test', run: RUN, seq, note: 'soak' }));
	return {
		body,
		headers: {
			'content-type': 'application/json',
			...sign(STANDARD_WEBHOOKS, { primary: secret }, body, {
				id: `msg_${RUN}_${seq}`,
				timestamp: at,
			}),
		},
	};
}

/** Call `seq` of variant `variant`, and the answer it must get ('ok': 200, a run). */
function callOf(variant: string, seq: number): { call: Call; expect: string } {
	const valid = signed(seq);
	switch (variant) {
		case 'tampered': {
			// The note's last letter: k becomes j.
			const body = Buffer.from(valid.body);
			body[body.length - 3] ^= 0x01;
			return { call: { ...valid, body }, expect: '401 signature_mismatch' };
		}
		case 'wrongSecret':
			return { call: signed(seq, WRONG_SECRET), expect: '401 signature_mismatch' };
		case 'missingHeaders':
			return {
				call: { body: valid.body, headers: { 'content-type': 'application/json' } },
				expect: '401 missing_header',
			};
		case 'badSignature':
			return {
				call: { ...valid, headers: { ...valid.headers, 'webhook-signature': 'v1,not*base64!' } },
				expect: '401 malformed_header',
			};
		case 'stale':
			return {
				call: signed(seq, SECRET, new Date(Date.now() - 600_000)),
				expect: '401 timestamp_too_old',
			};
		default:
			return { call: valid, expect: '200 ok' };
	}
}

/** What an answer was: its status and the trigger's reason, 'ok', or 'duplicate'. */
function labelOf(answer: Answer): string {
	let parsed: { reason?: string; status?: string } = {};
	try {
		parsed = JSON.parse(answer.body) as typeof parsed;
	} catch {
		// n8n's own answers are JSON; anything else is labelled by status alone
	}
	if (answer.status === 200) return parsed.status === 'duplicate' ? '200 duplicate' : '200 ok';
	return `${answer.status} ${parsed.reason ?? 'other'}`;
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
	const n = points.length;
	if (n < 2) return NaN;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
	const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	return sxx === 0 ? NaN : sxy / sxx;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
	return counts;
}

interface ProbeLine {
	readonly at: number;
	readonly rss: number;
	readonly heapUsed: number;
	readonly replay: { memories: number; calls: number } | null;
	readonly secretSets: number | null;
}

function lastProbeLine(file: string): ProbeLine | undefined {
	let text = '';
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
	const lines = text.trim().split('\n').filter(Boolean);
	return lines.length ? (JSON.parse(lines[lines.length - 1]) as ProbeLine) : undefined;
}

function receiveWorkflow(credential: { id: string; name: string }) {
	return {
		name: 'soak: receive',
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
				// The version the editor adds: v1 evaluates an expression on every call.
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: 'soak-receive',
					signatureScheme: 'standardWebhooks',
					replayProtection: true,
					toleranceSeconds: 60,
					replayMemorySeconds: 60,
					options: {},
				},
				credentials: { webhookSigningSecretApi: credential },
			},
		],
		connections: {},
		settings: SAVE_EVERY_RUN,
	};
}

function sendWorkflow(credential: { id: string; name: string }) {
	return {
		name: 'soak: send',
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: 'soak-send',
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			},
			{
				id: randomUUID(),
				name: SEND,
				type: 'n8n-nodes-signed-webhooks.sendWebhook',
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					url: '={{ $json.target }}',
					signatureScheme: 'standardWebhooks',
					batching: 'perItem',
					onFailure: 'output',
					options: {
						retryDelays: '1',
						timeout: 4000,
						giveUpAfterFailedCalls: 0,
						concurrency: 10,
					},
				},
				credentials: { webhookSigningSecretApi: credential },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: SEND, type: 'main', index: 0 }]] },
		},
		settings: SAVE_EVERY_RUN,
	};
}

const finishedStatuses = (executions: readonly Execution[]) =>
	executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));

async function settle(
	n8n: N8n,
	workflowId: string,
	expected: number,
	timeoutMs: number,
): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	while (
		finishedStatuses(await n8n.executions(workflowId, false)).length < expected &&
		Date.now() < deadline
	)
		await sleep(1000);
	await sleep(3000);
	return await n8n.executions(workflowId, true);
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
	const { progress } = options;
	const installed = ensureN8n(TARGETS['2.x']);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-soak-'));
	installPackage(userFolder, buildAndPack());
	const probeFile = join(userFolder, 'probe.jsonl');
	const n8n = await N8n.start({
		installed,
		userFolder,
		env: {
			N8N_LOG_LEVEL: 'warn',
			...(options.n8nDefaults ? {} : { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }),
			NODE_OPTIONS: `--require ${join(__dirname, 'probe.js')}`,
			SOAK_PROBE_FILE: probeFile,
			SOAK_PROBE_MS: String(options.sampleSeconds * 1000),
		},
	});
	const receivers: Receiver[] = [];
	// A connection per call: at a few calls a second a kept-alive socket idles
	// for seconds, and one reused just as n8n closes it (its keep-alive timeout
	// is 5 s) fails before n8n reads the call, a client-side race that says
	// nothing about n8n or the trigger.
	const agent = new Agent({ keepAlive: false, maxSockets: MAX_IN_FLIGHT });
	try {
		progress(`n8n ${n8n.version} started (pid ${n8n.pid}), user folder ${userFolder}`);
		await n8n.signIn();
		const credential = {
			id: await n8n.createCredential('soak whsec', 'webhookSigningSecretApi', {
				secret: SECRET,
				secondarySecret: '',
				format: 'auto',
			}),
			name: 'soak whsec',
		};
		const receiveId = await n8n.deploy(receiveWorkflow(credential), ['soak-receive']);
		const sendId = await n8n.deploy(sendWorkflow(credential), ['soak-send']);
		const [ok, failing, slow, silent] = await Promise.all([
			startReceiver(),
			startReceiver(() => ({ status: 503, body: 'unavailable' })),
			startReceiver(() => ({ status: 200, body: '{"ok":true}', delayMs: 1500 })),
			startReceiver(() => 'hang'),
		]);
		receivers.push(ok, failing, slow, silent);
		const targets = [
			{ url: `${ok.url}/ok`, expect: 'delivered' },
			{ url: `${failing.url}/5xx`, expect: 'failed' },
			{ url: `${slow.url}/slow`, expect: 'delivered' },
			{ url: `${silent.url}/silent`, expect: 'failed' },
		];
		const port = new URL(n8n.baseUrl).port;

		const sent: Array<{ variant: string; kind: Kind; expect: string; call: Call }> = [];
		const answers: Array<Answer | Error> = [];
		const recentValid: Array<{ seq: number; at: number }> = [];
		let inFlight = 0;
		let maxInFlight = 0;
		const pending = new Set<Promise<void>>();
		const launch = (seq: number, variant: string) => {
			let kind = KIND_OF[variant];
			let built = callOf(variant, seq);
			if (variant === 'replay') {
				const fresh = recentValid.filter((call) => Date.now() - call.at < 30_000);
				const original = fresh[Math.floor(Math.random() * fresh.length)];
				if (original) built = { call: sent[original.seq].call, expect: '200 duplicate' };
				else {
					kind = 'valid';
					variant = 'valid';
				}
			}
			sent[seq] = { variant, kind, ...built };
			inFlight += 1;
			maxInFlight = Math.max(maxInFlight, inFlight);
			const done = post(agent, port, 'soak-receive', built.call)
				.then(
					(answer) => {
						answers[seq] = answer;
						if (kind === 'valid' && answer.status === 200)
							recentValid.push({ seq, at: Date.now() });
						if (recentValid.length > 500) recentValid.splice(0, 250);
					},
					(error: Error) => {
						answers[seq] = error;
					},
				)
				.finally(() => {
					inFlight -= 1;
					pending.delete(done);
				});
			pending.add(done);
		};

		const batches: Array<{ batch: number; answer?: number; error?: string }> = [];
		const sendBatch = async (batch: number) => {
			const items = Array.from({ length: options.batchItems }, (_, seq) => ({
				batch,
				seq,
				target: targets[seq % targets.length].url,
				expect: targets[seq % targets.length].expect,
			}));
			const record: { batch: number; answer?: number; error?: string } = { batch };
			batches.push(record);
			try {
				const response = await fetch(`${n8n.baseUrl}/webhook/soak-send`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ batch, items }),
				});
				await response.text();
				record.answer = response.status;
			} catch (error) {
				record.error = String(error);
			}
		};

		const samples: Sample[] = [];
		const started = Date.now();
		const end = started + options.minutes * 60_000;
		const takeSample = async () => {
			const probe = lastProbeLine(probeFile);
			const [received, sentExecutions] = await Promise.all([
				n8n.executions(receiveId, false),
				n8n.executions(sendId, false),
			]);
			const sample: Sample = {
				t: Math.round((Date.now() - started) / 1000),
				rssMiB: probe ? +(probe.rss / 2 ** 20).toFixed(1) : null,
				heapMiB: probe ? +(probe.heapUsed / 2 ** 20).toFixed(1) : null,
				replayCalls: probe?.replay?.calls ?? null,
				replayMemories: probe?.replay?.memories ?? null,
				secretSets: probe?.secretSets ?? null,
				sent: sent.length,
				inFlight,
				answers: countBy(
					answers.filter((answer) => answer !== undefined),
					(answer) => (answer instanceof Error ? 'no answer' : labelOf(answer)),
				),
				receiveExecutions: countBy(received, (execution) => execution.status),
				sendExecutions: countBy(sentExecutions, (execution) => execution.status),
			};
			samples.push(sample);
			progress(
				`t=${sample.t}s rss ${sample.rssMiB} MiB heap ${sample.heapMiB} MiB replay ${sample.replayCalls} ` +
					`secrets ${sample.secretSets} sent ${sample.sent} in flight ${inFlight} answers ${JSON.stringify(sample.answers)}`,
			);
		};

		// The load: a call every 1/rate s on schedule (never more than
		// MAX_IN_FLIGHT unanswered), a batch every batchEverySeconds, a sample
		// every sampleSeconds.
		progress(
			`load: ${options.rate} calls/s for ${options.minutes} min, a batch of ${options.batchItems} every ${options.batchEverySeconds} s`,
		);
		const sampler = setInterval(() => void takeSample(), options.sampleSeconds * 1000);
		const batchPromises: Array<Promise<void>> = [];
		const batcher = setInterval(
			() => batchPromises.push(sendBatch(batches.length)),
			options.batchEverySeconds * 1000,
		);
		batchPromises.push(sendBatch(0));
		let seq = 0;
		try {
			while (Date.now() < end) {
				const due = started + (seq * 1000) / options.rate;
				if (due > Date.now()) await sleep(due - Date.now());
				while (inFlight >= MAX_IN_FLIGHT) await Promise.race(pending);
				launch(seq, CYCLE[seq % CYCLE.length]);
				seq += 1;
			}
		} finally {
			clearInterval(sampler);
			clearInterval(batcher);
		}
		const loadSeconds = (Date.now() - started) / 1000;
		await Promise.allSettled([...pending]);
		await Promise.allSettled(batchPromises);
		await takeSample();

		// What ran.
		const validSeqs = sent.flatMap((call, i) => (call.kind === 'valid' ? [i] : []));
		progress(`load done: ${sent.length} calls in ${loadSeconds.toFixed(0)} s; settling executions`);
		const receiveExecutions = await settle(n8n, receiveId, validSeqs.length, 180_000);
		const sendExecutions = await settle(n8n, sendId, batches.length, 180_000);
		await takeSample();

		const checks: Record<string, Check> = {};
		const achievedRate = sent.length / loadSeconds;
		const keptUp = achievedRate >= KEPT_UP * options.rate;
		const wrong = sent.flatMap((call, i) => {
			const answer = answers[i];
			const got = answer instanceof Error ? `error ${answer.message}` : labelOf(answer);
			return got === call.expect ? [] : [`${i} ${call.variant}: ${got}, expected ${call.expect}`];
		});
		checks.answers = {
			pass: wrong.length === 0,
			detail: wrong.length
				? `${wrong.length} wrong: ${wrong.slice(0, 5).join('; ')}`
				: `all ${sent.length} answered as expected`,
		};
		const ranSeqs = receiveExecutions.flatMap((execution) =>
			outputItems(execution, TRIGGER).map(
				(item) => (item.body as { seq?: number } | undefined)?.seq ?? -1,
			),
		);
		const ranCounts = countBy(ranSeqs, String);
		const twice = Object.entries(ranCounts).filter(([, count]) => count > 1);
		const notRun = validSeqs.filter((s) => !ranCounts[String(s)]);
		const validSet = new Set(validSeqs);
		const ranInvalid = ranSeqs.filter((s) => !validSet.has(s));
		checks.validRanOnce = {
			pass: twice.length === 0 && notRun.length === 0,
			detail: `${validSeqs.length} valid, ${ranSeqs.length} runs; ran twice: ${twice.length}; never ran: ${notRun.length}`,
		};
		checks.invalidNeverRan = {
			pass: ranInvalid.length === 0,
			detail: `${sent.length - validSeqs.length} forged, malformed, stale or replayed; runs of them: ${ranInvalid.length}`,
		};
		const failedRuns = receiveExecutions.filter((execution) => execution.status !== 'success');
		checks.receiveRunsSucceeded = {
			pass: failedRuns.length === 0,
			detail: `${receiveExecutions.length} executions, not success: ${failedRuns.length}`,
		};

		// Every sent item on exactly one output, the expected one.
		const placed = new Map<string, string[]>();
		for (const execution of sendExecutions) {
			for (const [output, name] of [
				[0, 'delivered'],
				[1, 'failed'],
			] as const) {
				for (const item of outputItems(execution, SEND, output)) {
					const key = `${String(item.batch)}:${String(item.seq)}`;
					placed.set(key, [...(placed.get(key) ?? []), name]);
				}
			}
		}
		const misplaced: string[] = [];
		let itemsSent = 0;
		for (const record of batches) {
			if (record.answer !== 200) {
				misplaced.push(`batch ${record.batch} answered ${record.answer ?? record.error}`);
				continue;
			}
			for (let s = 0; s < options.batchItems; s++) {
				itemsSent += 1;
				const where = placed.get(`${record.batch}:${s}`) ?? [];
				const expect = targets[s % targets.length].expect;
				if (where.length !== 1 || where[0] !== expect)
					misplaced.push(`${record.batch}:${s} on [${where.join(', ')}], expected ${expect}`);
			}
		}
		const extra = [...placed.keys()].filter((key) => Number(key.split(':')[0]) >= batches.length);
		checks.sentItemsOnOneOutput = {
			pass:
				misplaced.length === 0 && extra.length === 0 && sendExecutions.length === batches.length,
			detail:
				`${batches.length} batches, ${sendExecutions.length} executions, ${itemsSent} items; ` +
				`misplaced: ${misplaced.length}${misplaced.length ? ` (${misplaced.slice(0, 3).join('; ')})` : ''}`,
		};

		// Memory flat after warm-up: the last third of the load's samples.
		const loadSamples = samples.filter(
			(sample) => sample.t <= loadSeconds + 1 && sample.heapMiB !== null,
		);
		const lastThird = loadSamples.filter((sample) => sample.t >= (loadSeconds * 2) / 3);
		const firstThird = loadSamples.filter((sample) => sample.t <= loadSeconds / 3);
		const median = (values: number[]) => {
			const sorted = [...values].sort((x, y) => x - y);
			return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
		};
		const rssMedian = (samples: readonly Sample[]) =>
			median(samples.map((sample) => sample.rssMiB as number));
		const slopes = {
			heapMiBPerMinute: slope(
				lastThird.map((sample) => [sample.t / 60, sample.heapMiB as number] as const),
			),
			rssMiBPerMinute: slope(
				lastThird.map((sample) => [sample.t / 60, sample.rssMiB as number] as const),
			),
		};
		const thirdMinutes = lastThird.length
			? (lastThird[lastThird.length - 1].t - lastThird[0].t) / 60
			: 0;
		const heapGrowth = slopes.heapMiBPerMinute * thirdMinutes;
		const rssRise = rssMedian(lastThird) - rssMedian(firstThird);
		const flat =
			lastThird.length >= 3 &&
			firstThird.length >= 1 &&
			heapGrowth < CRITERIA.heapGrowthLastThirdMiB &&
			rssRise <= CRITERIA.rssMedianRiseMiB;
		checks.memoryFlat = {
			// Behind schedule, n8n's memory follows its backlog, not the load asked for.
			pass: flat || !keptUp,
			...(keptUp ? {} : { inconclusive: true }),
			detail:
				(keptUp
					? ''
					: `NOT JUDGED: n8n answered ${achievedRate.toFixed(2)} calls/s of the ${options.rate} asked (< ${KEPT_UP * 100} %), so memory followed its backlog; would have ${flat ? 'passed' : 'failed'}: `) +
				`last third (${lastThird.length} samples from t=${lastThird[0]?.t ?? '?'} s): heap ${slopes.heapMiBPerMinute.toFixed(2)} MiB/min, ` +
				`${heapGrowth.toFixed(2)} MiB across it (< ${CRITERIA.heapGrowthLastThirdMiB}); RSS median ${rssMedian(lastThird).toFixed(1)} MiB, ` +
				`${rssRise.toFixed(1)} MiB above the first third's (<= ${CRITERIA.rssMedianRiseMiB}; RSS slope ${slopes.rssMiBPerMinute.toFixed(2)} MiB/min, reported only)`,
		};
		const maxReplay = Math.max(...samples.map((sample) => sample.replayCalls ?? 0));
		checks.probeRead = {
			pass: samples.some((sample) => sample.replayCalls !== null && sample.secretSets !== null),
			detail: `replay memory read from inside n8n: at most ${maxReplay} calls`,
		};

		return {
			n8nVersion: n8n.version,
			nodeVersion: installed.target.nodeVersion,
			options: {
				minutes: options.minutes,
				rate: options.rate,
				sampleSeconds: options.sampleSeconds,
				batchEverySeconds: options.batchEverySeconds,
				batchItems: options.batchItems,
				n8nDefaults: options.n8nDefaults,
			},
			samples,
			calls: countBy(sent, (call) => call.kind) as Record<Kind, number>,
			achievedRate: +achievedRate.toFixed(2),
			maxInFlight,
			slopes,
			batches: batches.length,
			itemsSent,
			checks,
			pass: Object.values(checks).every((check) => check.pass),
			inconclusive: Object.entries(checks).flatMap(([name, check]) =>
				check.inconclusive ? [name] : [],
			),
		};
	} finally {
		agent.destroy();
		await n8n.stop();
		await Promise.all(receivers.map((receiver) => receiver.close()));
	}
}
