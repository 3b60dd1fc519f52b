/* eslint-disable @n8n/community-nodes/no-restricted-globals -- soak tooling: it runs in Node, never inside n8n */
/**
 * The replay memory's bounds under pressure, through the trigger's own code
 * path without n8n: each call is signed (Standard Webhooks) and decided by
 * the core's receive() with the store the trigger claims in
 * (replayStoreFor, its module-level ReplayMemories), then settled as n8n's
 * 2xx answer settles it. Run with --expose-gc: heap figures are taken after
 * full collections.
 *
 * 1. One trigger: 100,000 distinct valid calls (the cap), every one let
 *    through; the heap each remembered call costs.
 * 2. Eviction at the cap, oldest first: one more distinct call is let
 *    through; the second oldest and the newest are still duplicates; the
 *    oldest, forgotten, runs again. 10,000 more distinct calls leave the
 *    memory at the cap and the heap where it was.
 * 3. 50 triggers at once: 10,000 distinct calls to each of 50 other triggers
 *    (with --triggers-at-cap, 100,000 each: every one full), interleaved,
 *    every one let through; the first call of each is still a duplicate
 *    afterwards (no trigger pushed out another's calls).
 */
import { randomBytes } from 'node:crypto';

import { receive, sign, STANDARD_WEBHOOKS, type ReceiveResult, type SecretSet } from '../core';
import { replayMemoryCensus, replayStoreFor } from '../nodes/VerifiedWebhookTrigger/replayStore';

export const REPLAY_CAP = 100_000;

/** SECURITY.md's "about 200 bytes" a remembered call, with a tenth to spare: more fails the run. */
export const MAX_BYTES_PER_CALL = 220;

export interface BoundsResult {
	readonly cap: number;
	readonly oneTrigger: {
		readonly calls: number;
		readonly letThrough: number;
		readonly heapGrowthBytes: number;
		readonly bytesPerCall: number;
		readonly seconds: number;
		/** The process's heap after a full collection, this memory full. */
		readonly atCapHeap: number;
	};
	readonly eviction: {
		readonly newestPastCapLetThrough: boolean;
		readonly secondOldestStillDuplicate: boolean;
		readonly newestStillDuplicate: boolean;
		readonly oldestRunsAgain: boolean;
		readonly sizeAfterMoreCalls: number;
		readonly moreCalls: number;
		readonly moreLetThrough: number;
		readonly heapChangeAtCapBytes: number;
	};
	readonly fiftyTriggers: {
		readonly triggers: number;
		readonly calls: number;
		readonly letThrough: number;
		readonly heapGrowthBytes: number;
		readonly bytesPerCall: number;
		readonly firstCallsStillDuplicates: number;
		readonly memories: number;
		readonly seconds: number;
	};
	readonly pass: boolean;
	readonly failures: readonly string[];
}

const SECRETS: SecretSet = { primary: `whsec_${randomBytes(32).toString('base64')}` };
const RUN = randomBytes(4).toString('hex');

/** A simulated clock, 0.01 ms a call: even 5.1 million calls stay inside one 300 s window and a 3,600 s memory. */
let clock = Date.now();

function heapAfterGc(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with node --expose-gc (npm run soak does)');
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

/**
 * Call `seq` to `trigger`, as its sender signs it (a copy: the same id,
 * re-signed now), decided as the trigger decides it, and settled as a
 * 2xx answer settles it. Whether it was let through, and why not.
 */
async function deliver(trigger: string, seq: number): Promise<ReceiveResult> {
	const now = new Date((clock += 0.01));
	const id = `msg_${RUN}_${trigger}_${seq}`;
	const body = Buffer.from(JSON.stringify({ type: 'bounds.test', trigger, seq }));
	const headers = {
		'content-type': 'application/json',
		...sign(STANDARD_WEBHOOKS, SECRETS, body, { id, timestamp: now }),
	};
	const result = await receive(
		STANDARD_WEBHOOKS,
		SECRETS,
		{ body, headers },
		{
			now,
			toleranceSeconds: 300,
			replay: {
				store: replayStoreFor(STANDARD_WEBHOOKS, `bounds-${RUN}`, trigger, +now),
				rememberSeconds: 3600,
				duplicateStatus: 200,
			},
		},
	);
	if (result.ok) await result.settle?.('succeeded');
	return result;
}

const isDuplicate = (result: ReceiveResult) => !result.ok && result.reason === 'replayed_id';

type Failures = string[];
type Progress = (line: string) => void;

export async function runBounds(
	progress: Progress,
	options: { triggersAtCap?: boolean } = {},
): Promise<BoundsResult> {
	const failures: Failures = [];
	const oneTrigger = await fillOneTrigger(failures, progress);
	const eviction = await evictAtCap(oneTrigger, failures, progress);
	const fiftyTriggers = await fillFiftyTriggers(
		options.triggersAtCap ? REPLAY_CAP : 10_000,
		failures,
		progress,
	);
	for (const [what, { bytesPerCall }] of [
		['one trigger', oneTrigger],
		['50 triggers', fiftyTriggers],
	] as const)
		if (bytesPerCall > MAX_BYTES_PER_CALL)
			failures.push(`${what}: ${bytesPerCall} B per remembered call, over ${MAX_BYTES_PER_CALL}`);
	return {
		cap: REPLAY_CAP,
		oneTrigger,
		eviction,
		fiftyTriggers,
		pass: failures.length === 0,
		failures: failures.slice(0, 20),
	};
}

/** 1. One trigger, to the cap: every distinct call let through; the heap each costs. */
async function fillOneTrigger(failures: Failures, progress: Progress) {
	const before = heapAfterGc();
	const started = Date.now();
	let letThrough = 0;
	for (let seq = 0; seq < REPLAY_CAP; seq++) {
		const result = await deliver('one', seq);
		if (result.ok) letThrough += 1;
		else failures.push(`one trigger: distinct call ${seq} refused (${result.reason})`);
	}
	const seconds = (Date.now() - started) / 1000;
	const atCapHeap = heapAfterGc();
	const oneTrigger = {
		calls: REPLAY_CAP,
		letThrough,
		heapGrowthBytes: atCapHeap - before,
		bytesPerCall: Math.round((atCapHeap - before) / REPLAY_CAP),
		seconds,
		atCapHeap,
	};
	progress(
		`bounds: ${letThrough}/${REPLAY_CAP} distinct calls to one trigger let through in ${seconds.toFixed(1)} s; ` +
			`heap +${(oneTrigger.heapGrowthBytes / 2 ** 20).toFixed(1)} MiB = ${oneTrigger.bytesPerCall} B per remembered call`,
	);
	return oneTrigger;
}

/** 2. Eviction at the cap, oldest first; the size and the heap stay where they were. */
async function evictAtCap(
	full: { heapGrowthBytes: number; atCapHeap: number },
	failures: Failures,
	progress: Progress,
) {
	const newest = await deliver('one', REPLAY_CAP);
	const secondOldest = await deliver('one', 1);
	const newestAgain = await deliver('one', REPLAY_CAP);
	const oldest = await deliver('one', 0);
	const more = 10_000;
	let moreLetThrough = 0;
	for (let seq = REPLAY_CAP + 1; seq <= REPLAY_CAP + more; seq++) {
		if ((await deliver('one', seq)).ok) moreLetThrough += 1;
		else failures.push(`one trigger past the cap: distinct call ${seq} refused`);
	}
	const afterMore = heapAfterGc();
	const census = replayMemoryCensus();
	const eviction = {
		newestPastCapLetThrough: newest.ok,
		secondOldestStillDuplicate: isDuplicate(secondOldest),
		newestStillDuplicate: isDuplicate(newestAgain),
		oldestRunsAgain: oldest.ok,
		sizeAfterMoreCalls: census.calls,
		moreCalls: more,
		moreLetThrough,
		heapChangeAtCapBytes: afterMore - full.atCapHeap,
	};
	if (!eviction.newestPastCapLetThrough) failures.push('the call past the cap was refused');
	if (!eviction.secondOldestStillDuplicate)
		failures.push('the second oldest call was forgotten at the cap');
	if (!eviction.newestStillDuplicate) failures.push('the newest call was not a duplicate');
	if (!eviction.oldestRunsAgain) failures.push('the oldest call was not forgotten at the cap');
	if (census.calls !== REPLAY_CAP)
		failures.push(`one trigger holds ${census.calls} calls past the cap, not ${REPLAY_CAP}`);
	// A full memory replaces entries: its heap stays within 5% of what it was at the cap.
	if (Math.abs(eviction.heapChangeAtCapBytes) > 0.05 * full.heapGrowthBytes)
		failures.push(
			`heap moved ${eviction.heapChangeAtCapBytes} B while the memory stayed at its cap`,
		);
	progress(`bounds: eviction at the cap ${JSON.stringify(eviction)}`);
	return eviction;
}

/** 3. Fifty other triggers at once, interleaved: none pushes out another's calls. */
async function fillFiftyTriggers(callsEach: number, failures: Failures, progress: Progress) {
	const triggers = 50;
	const calls = triggers * callsEach;
	const before = heapAfterGc();
	const started = Date.now();
	let letThrough = 0;
	for (let n = 0; n < calls; n++) {
		const result = await deliver(`t${n % triggers}`, Math.floor(n / triggers));
		if (result.ok) letThrough += 1;
		else failures.push(`50 triggers: distinct call ${n} refused (${result.reason})`);
	}
	const seconds = (Date.now() - started) / 1000;
	const after = heapAfterGc();
	let firstCallsStillDuplicates = 0;
	for (let t = 0; t < triggers; t++)
		if (isDuplicate(await deliver(`t${t}`, 0))) firstCallsStillDuplicates += 1;
	if (firstCallsStillDuplicates !== triggers)
		failures.push(`${triggers - firstCallsStillDuplicates} of 50 triggers forgot their first call`);
	const fifty = {
		triggers,
		calls,
		letThrough,
		heapGrowthBytes: after - before,
		bytesPerCall: Math.round((after - before) / calls),
		firstCallsStillDuplicates,
		memories: replayMemoryCensus().memories,
		seconds,
	};
	progress(
		`bounds: ${letThrough}/${calls} distinct calls over ${triggers} triggers let through in ${seconds.toFixed(1)} s; ` +
			`heap +${(fifty.heapGrowthBytes / 2 ** 20).toFixed(1)} MiB = ${fifty.bytesPerCall} B per call; ` +
			`first calls still duplicates: ${firstCallsStillDuplicates}/${triggers}`,
	);
	return fifty;
}
