/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * Send Webhook under randomized fault schedules, against a real receiver on
 * 127.0.0.1 (the hardening issue's "sender under faults"). fast-check draws a
 * schedule: items, batching, requests in flight, a retry policy with tens of
 * milliseconds of delays, a Retry-After cap, whether 3xx/4xx are retried, and
 * for every batch and every attempt the receiver's answer: 2xx, a redirect to
 * a second receiver, 4xx, 5xx, with or without Retry-After (seconds, an HTTP
 * date or garbage), a slow answer, a connection reset or a hang.
 *
 * Answers are keyed by (batch, attempt): the batch by the first record in the
 * body, the attempt by counting calls per delivery id. So the schedule decides
 * what each delivery meets however the calls interleave, and a failure replays
 * exactly from fast-check's seed.
 *
 * Every schedule runs the node once, in n8n-core's real execution context, and
 * checks:
 * 1. every input item is in exactly one output, once, paired to itself;
 * 2. an item is Delivered iff its batch's last answer was a 2xx, and Failed
 *    otherwise with an outcome that says why;
 * 3. no delivery id is called again after a 2xx reached the sender (a 2xx
 *    the sender timed out before reading is no answer to it: it retries, and
 *    the receiver de-duplicates by the id; see checkSeen);
 * 4. attempts follow the policy exactly: at most 1 + delays, a give-up answer
 *    (410; 3xx/4xx with their retries off) stops at once, and the attempts the
 *    receiver saw are the attempts recorded (a reset or a hang included);
 * 5. each recorded wait is the policy's: the scheduled delay, or a Retry-After
 *    up to the cap, so the total never exceeds the delays plus a cap per
 *    retry; the gaps the receiver observed agree, within a generous margin;
 * 6. the redirect target got nothing, and every body the receiver got
 *    verifies with the standardwebhooks library.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';

import fc from 'fast-check';
import type { INodeExecutionData } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';

import { fuzzRuns, fuzzTimeout } from '../helpers/fuzz';
import { startReceiver, type Answer, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { items, record, send } from './sendWebhookHarness';

/** Each attempt's timeout: a hang costs this much, so it is short. */
const TIMEOUT_MS = 150;
/** Slow answers stay far below the timeout: only a badly stalled machine turns one into a timeout. */
const SLOW_MAX_MS = 30;
/**
 * Wall-clock slack for what the receiver observes: the machine is shared and
 * noisy. The recorded waits are checked exactly; this only bounds real time.
 */
const WALL_CLOCK_MARGIN_MS = 2000;

type RetryAfter =
	| { readonly kind: 'seconds'; readonly seconds: number }
	/** An HTTP date this many seconds from the moment of the answer (negative: in the past). */
	| { readonly kind: 'date'; readonly offsetSeconds: number }
	/** A value RFC 9110 does not allow: it must be ignored. */
	| { readonly kind: 'garbage'; readonly text: string };

type Fault =
	| {
			readonly kind: 'status';
			readonly status: number;
			readonly retryAfter?: RetryAfter;
			readonly delayMs: number;
	  }
	| { readonly kind: 'reset' }
	| { readonly kind: 'hang' };

interface Schedule {
	readonly itemCount: number;
	/** Undefined: one request per item. */
	readonly batchSize?: number;
	readonly wrapperKey: string;
	readonly method: 'POST' | 'PUT' | 'PATCH';
	readonly concurrency: number;
	/** Retry delays in whole milliseconds; written as seconds in the option. */
	readonly delaysMs: readonly number[];
	/**
	 * The Retry-After cap (a number of seconds, fractional allowed). Retry-After
	 * itself is whole seconds, so 1 s or more is always cut to this cap.
	 */
	readonly capMs: number;
	readonly retryClientErrors: boolean;
	/** answers[batch][attempt - 1]: exactly as many as the policy allows attempts. */
	readonly answers: readonly (readonly Fault[])[];
}

/**
 * Not delay-seconds, not an HTTP date. Some of them are dates to Date.parse
 * ("12/31/2099", "2099-12-31", "1.5"): the header must still be ignored.
 */
const GARBAGE_RETRY_AFTER = [
	'soon',
	'1.5',
	'-1',
	'+2',
	'0x10',
	'1e3',
	'',
	'never',
	'3 s',
	'12/31/2099',
	'2099-12-31',
];

const retryAfterArb: fc.Arbitrary<RetryAfter> = fc.oneof(
	fc.record({
		kind: fc.constant('seconds' as const),
		seconds: fc.oneof(fc.constantFrom(0, 1, 2, 30, 3600, 10 ** 12), fc.integer({ min: 0, max: 5 })),
	}),
	fc.record({
		kind: fc.constant('date' as const),
		offsetSeconds: fc.integer({ min: -30, max: 30 }),
	}),
	fc.record({
		kind: fc.constant('garbage' as const),
		text: fc.constantFrom(...GARBAGE_RETRY_AFTER),
	}),
);

function statusFault(statuses: readonly number[]): fc.Arbitrary<Fault> {
	return fc.record({
		kind: fc.constant('status' as const),
		status: fc.constantFrom(...statuses),
		retryAfter: fc.option(retryAfterArb, { nil: undefined, freq: 2 }),
		delayMs: fc.oneof(
			{ arbitrary: fc.constant(0), weight: 3 },
			{ arbitrary: fc.integer({ min: 1, max: SLOW_MAX_MS }), weight: 1 },
		),
	});
}

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
	{ arbitrary: statusFault([200, 201, 204]), weight: 8 },
	{ arbitrary: statusFault([301, 302, 307]), weight: 2 },
	{ arbitrary: statusFault([400, 401, 404, 408, 409, 410, 422, 429]), weight: 5 },
	{ arbitrary: statusFault([500, 502, 503, 504]), weight: 6 },
	{ arbitrary: fc.constant({ kind: 'reset' as const }), weight: 2 },
	{ arbitrary: fc.constant({ kind: 'hang' as const }), weight: 1 },
);

const scheduleArb: fc.Arbitrary<Schedule> = fc
	.record({
		itemCount: fc.integer({ min: 1, max: 30 }),
		batchSize: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 2 }),
		wrapperKey: fc.constantFrom('', 'records'),
		method: fc.constantFrom('POST' as const, 'PUT' as const, 'PATCH' as const),
		concurrency: fc.integer({ min: 1, max: 6 }),
		delaysMs: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
		capMs: fc.constantFrom(0, 10, 40, 100),
		retryClientErrors: fc.boolean(),
	})
	.chain((base) => {
		const batches = Math.ceil(base.itemCount / (base.batchSize ?? 1));
		const attempts = 1 + base.delaysMs.length;
		return fc
			.array(fc.array(faultArb, { minLength: attempts, maxLength: attempts }), {
				minLength: batches,
				maxLength: batches,
			})
			.map((answers): Schedule => ({ ...base, answers }));
	});

/** The option's text and the numbers the node reads from it, computed as the node does. */
function policyOf(schedule: Schedule) {
	const text = schedule.delaysMs.map((ms) => String(ms / 1000)).join(', ');
	const delays = text === '' ? [] : text.split(',').map((part) => Number(part.trim()) * 1000);
	const capSeconds = schedule.capMs / 1000;
	return { text, delays, capSeconds, cap: capSeconds * 1000 };
}

function batchOfItem(schedule: Schedule, index: number): number {
	return Math.floor(index / (schedule.batchSize ?? 1));
}

function itemsOfBatch(schedule: Schedule, batch: number): number[] {
	const size = schedule.batchSize ?? 1;
	const first = batch * size;
	return Array.from(
		{ length: Math.min(size, schedule.itemCount - first) },
		(_, position) => first + position,
	);
}

/** The fuzz records a body carries, in order, wherever the wrapper puts them. */
function recordsIn(body: Buffer): number[] {
	const found: number[] = [];
	const walk = (value: unknown) => {
		if (Array.isArray(value)) {
			value.forEach(walk);
		} else if (value !== null && typeof value === 'object') {
			const object = value as Record<string, unknown>;
			if (typeof object.fuzzItem === 'number') found.push(object.fuzzItem);
			else Object.values(object).forEach(walk);
		}
	};
	walk(JSON.parse(body.toString('utf8')));
	return found;
}

const isSuccess = (status: number) => status >= 200 && status <= 299;
const isRedirect = (status: number) => status >= 300 && status <= 399;

/** The policy's verdict on a status, written from the README's rules, not from core/retry.ts. */
function verdictOf(status: number, retryClientErrors: boolean): 'delivered' | 'retry' | 'give-up' {
	if (isSuccess(status)) return 'delivered';
	if (status === 410) return 'give-up';
	if (status === 408 || status === 429 || status >= 500) return 'retry';
	return retryClientErrors ? 'retry' : 'give-up';
}

/** What the receiver did with one call, as it did it. */
interface Answered {
	readonly call: ReceivedCall;
	readonly id: string;
	readonly batch: number;
	readonly attempt: number;
	readonly fault: Fault;
	readonly retryAfterHeader?: string;
}

function retryAfterHeader(retryAfter: RetryAfter): string {
	switch (retryAfter.kind) {
		case 'seconds':
			return String(retryAfter.seconds);
		case 'date':
			return new Date(Date.now() + retryAfter.offsetSeconds * 1000).toUTCString();
		case 'garbage':
			return retryAfter.text;
	}
}

/** The receiver's script for one schedule; anything unexpected is kept as a problem, not thrown. */
function scriptFor(schedule: Schedule, redirectTo: string) {
	const answered: Answered[] = [];
	const problems: string[] = [];
	const attemptsById = new Map<string, number>();
	const script = (call: ReceivedCall): Answer => {
		const idHeader = call.headers['webhook-id'];
		let first: number | undefined;
		try {
			first = recordsIn(call.body)[0];
		} catch (error) {
			problems.push(`call ${call.n}: body is not JSON (${(error as Error).message})`);
		}
		if (typeof idHeader !== 'string' || first === undefined) {
			problems.push(`call ${call.n}: no webhook-id or no record`);
			return { status: 400 };
		}
		const attempt = (attemptsById.get(idHeader) ?? 0) + 1;
		attemptsById.set(idHeader, attempt);
		const batch = batchOfItem(schedule, first);
		const fault = schedule.answers[batch]?.[attempt - 1];
		if (!fault) {
			// More attempts than the policy allows: answered 200 so it ends; the checks report it.
			problems.push(`call ${call.n}: attempt ${attempt} of batch ${batch} is beyond the policy`);
			answered.push({
				call,
				id: idHeader,
				batch,
				attempt,
				fault: { kind: 'status', status: 200, delayMs: 0 },
			});
			return { status: 200 };
		}
		if (fault.kind !== 'status') {
			answered.push({ call, id: idHeader, batch, attempt, fault });
			return fault.kind;
		}
		const headers: Record<string, string> = {};
		if (isRedirect(fault.status)) headers.location = `${redirectTo}/moved?batch=${batch}`;
		const retryAfter = fault.retryAfter ? retryAfterHeader(fault.retryAfter) : undefined;
		if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
		answered.push({ call, id: idHeader, batch, attempt, fault, retryAfterHeader: retryAfter });
		return {
			status: fault.status,
			headers,
			body: fault.status === 204 ? '' : `{"batch":${batch},"attempt":${attempt}}`,
			delayMs: fault.delayMs,
		};
	};
	return { script, answered, problems };
}

type Attempt = ReturnType<typeof record>['attempts'][number];

/** A timeout after the timeout really passed: the sender got nothing in time. */
function timedOut(seen: Attempt): boolean {
	return (
		seen.statusCode === undefined &&
		/^TIMEOUT: /.test(seen.error ?? '') &&
		seen.durationMs >= TIMEOUT_MS - 5
	);
}

/** Whether the sender's record of an attempt is what the receiver's answer must look like to it. */
function consistent(answer: Answered, seen: Attempt): boolean {
	const { fault } = answer;
	if (fault.kind === 'hang') return timedOut(seen);
	// Tolerated for any answer: see alignAttempts.
	if (timedOut(seen)) return true;
	if (fault.kind === 'reset')
		return seen.statusCode === undefined && /^ECONNRESET: /.test(seen.error ?? '');
	return seen.statusCode === fault.status && seen.error === undefined;
}

/**
 * Pairs the receiver's calls for one delivery id with the sender's attempts,
 * in order, each pair consistent; undefined if they cannot be paired.
 *
 * Normally that is one call per attempt, answer for answer. One thing is
 * tolerated, because the machine is shared and both ends run in this one
 * process: a timeout after the timeout really passed. A stall can let the
 * sender's timer fire before a reset or an answer already on its way is read,
 * or before the request has even left (then the receiver has no call for that
 * attempt). The sender can only act on what reached it in time; from there
 * the checks follow the sender's view: an error, retried. A hang must always
 * be a timeout, and nothing else may be missing.
 */
function alignAttempts(
	calls: readonly Answered[],
	attempts: readonly Attempt[],
): (Answered | undefined)[] | undefined {
	const match = (i: number, j: number): (Answered | undefined)[] | undefined => {
		if (i === attempts.length) return j === calls.length ? [] : undefined;
		if (j < calls.length && consistent(calls[j], attempts[i])) {
			const rest = match(i + 1, j + 1);
			if (rest) return [calls[j], ...rest];
		}
		if (timedOut(attempts[i])) {
			const rest = match(i + 1, j);
			if (rest) return [undefined, ...rest];
		}
		return undefined;
	};
	return match(0, 0);
}

function describeFault(answer: Answered): string {
	const { fault } = answer;
	return fault.kind === 'status' ? `${fault.status}` : fault.kind;
}

/**
 * The wait after an answer, as the policy defines it: the scheduled delay, or
 * a longer Retry-After (delay-seconds or an HTTP date) cut to the cap. A date
 * depends on the moment, so it is a range; everything else is exact.
 */
function expectedWait(
	answer: Answered | undefined,
	seen: Attempt,
	delay: number,
	cap: number,
): { min: number; max: number } {
	const exact = { min: delay, max: delay };
	if (!answer || seen.statusCode === undefined || answer.fault.kind !== 'status') return exact;
	const retryAfter = answer.fault.retryAfter;
	if (!retryAfter || retryAfter.kind === 'garbage') return exact;
	if (retryAfter.kind === 'seconds') {
		const wait = Math.max(delay, Math.min(retryAfter.seconds * 1000, cap));
		return { min: wait, max: wait };
	}
	return { min: delay, max: Math.max(delay, cap) };
}

function pairedIndex(item: INodeExecutionData): number {
	return (item.pairedItem as { item: number }).item;
}

async function runSchedule(schedule: Schedule): Promise<void> {
	const secret = `whsec_${randomBytes(24).toString('base64')}`;
	const policy = policyOf(schedule);
	const target = await startReceiver(() => ({ status: 200 }));
	const receiver: Receiver = await startReceiver();
	const { script, answered, problems } = scriptFor(schedule, target.url);
	receiver.answer(script);
	const input = items(schedule.itemCount, (i) => ({ fuzzItem: i, note: `record ${i} ✓` }));
	// A watchdog: the run may take no longer than every attempt of every batch one after another,
	// each timing out, each followed by its longest allowed wait, plus a margin for a busy machine.
	const attempts = 1 + policy.delays.length;
	const longestRetries = policy.delays.reduce((sum, delay) => sum + Math.max(delay, policy.cap), 0);
	const deadlineMs =
		schedule.answers.length * (attempts * (TIMEOUT_MS + SLOW_MAX_MS) + longestRetries) + 10_000;
	const watchdog = new AbortController();
	// Each request in flight listens to the execution's cancel signal (the waits share one
	// listener), so many at once may pass Node's default of 10: not a leak.
	setMaxListeners(2 * schedule.concurrency + 10, watchdog.signal);
	const timer = setTimeout(() => watchdog.abort(), deadlineMs);
	try {
		const { delivered, failed } = await send(
			{
				url: `${receiver.url}/hooks`,
				method: schedule.method,
				signatureScheme: 'standardWebhooks',
				...(schedule.batchSize === undefined
					? { batching: 'perItem' }
					: {
							batching: 'batch',
							batchSize: schedule.batchSize,
							batchWrapperKey: schedule.wrapperKey,
						}),
				options: {
					retryDelays: policy.text,
					retryAfterCap: policy.capSeconds,
					retryClientErrors: schedule.retryClientErrors,
					concurrency: schedule.concurrency,
					timeout: TIMEOUT_MS,
					// The retry policy alone is under test here: a destination failing three
					// calls in a row is not given up on (send-webhook.bounds.test.ts covers that).
					giveUpAfterFailedCalls: 0,
				},
			},
			{ items: input, secret, abortSignal: watchdog.signal },
		);
		// A cancel ends the node with every item in an output, so an overrun shows only here.
		if (watchdog.signal.aborted) throw new Error(`the run overran its bound of ${deadlineMs} ms`);
		expect(problems).toEqual([]);

		// 1. Every item in exactly one output, once, paired to itself, in input order.
		const outputs = [...delivered, ...failed];
		expect(outputs).toHaveLength(schedule.itemCount);
		expect(outputs.map(pairedIndex).sort((a, b) => a - b)).toEqual(input.map((_, index) => index));
		for (const output of [delivered, failed]) {
			const order = output.map(pairedIndex);
			expect(order).toEqual([...order].sort((a, b) => a - b));
		}
		for (const item of outputs) {
			const { webhookDelivery, ...json } = item.json;
			expect(json).toEqual(input[pairedIndex(item)].json);
			expect(webhookDelivery).toBeDefined();
		}
		for (const item of delivered) expect(record(item).delivered).toBe(true);
		for (const item of failed) expect(record(item).delivered).toBe(false);

		// 6. Nothing went on to the redirect target; every call is signed so the library accepts it.
		expect(target.calls).toEqual([]);
		const library = new StandardWebhook(secret);
		for (const call of receiver.calls) {
			expect(call.method).toBe(schedule.method);
			expect(call.url).toBe('/hooks');
			expect(() =>
				library.verify(call.body.toString('utf8'), call.headers as Record<string, string>),
			).not.toThrow();
		}

		// Every call the receiver got belongs to one delivery.
		expect(answered).toHaveLength(receiver.calls.length);
		const byId = new Map<string, Answered[]>();
		for (const answer of answered) byId.set(answer.id, [...(byId.get(answer.id) ?? []), answer]);

		const batches = schedule.answers.length;
		const seenIds = new Set<string>();
		for (let batch = 0; batch < batches; batch++) {
			const members = itemsOfBatch(schedule, batch);
			const records = members.map((index) =>
				record(outputs.find((item) => pairedIndex(item) === index) as INodeExecutionData),
			);
			const [first] = records;
			const context = `batch ${batch} (items ${members.join(',')})`;
			// One delivery per batch, with one record shared by its items.
			records.forEach((each, position) => {
				expect(each.batch).toEqual({ index: batch, size: members.length, position });
				expect({ ...each, batch: undefined }).toEqual({ ...first, batch: undefined });
			});
			expect(first.id).toMatch(/^msg_/);
			expect(seenIds.has(first.id)).toBe(false);
			seenIds.add(first.id);
			const calls = byId.get(first.id) ?? [];
			for (const answer of calls) {
				expect(answer.batch).toBe(batch);
				expect(recordsIn(answer.call.body)).toEqual(members);
			}
			expect(calls.map((answer) => answer.attempt)).toEqual(calls.map((_, i) => i + 1));

			// 4. The attempts the receiver saw are the attempts recorded, and they follow the policy.
			const { attempts } = first;
			const paired = alignAttempts(calls, attempts);
			expect({ context, paired: paired !== undefined }).toEqual({
				context,
				paired: true,
				...(paired
					? {}
					: {
							received: calls.map(describeFault),
							recorded: attempts.map((a) => a.statusCode ?? `${a.error} (${a.durationMs} ms)`),
						}),
			});
			const pairs = paired as (Answered | undefined)[];
			expect(attempts.length).toBeGreaterThanOrEqual(1);
			expect(attempts.length).toBeLessThanOrEqual(1 + policy.delays.length);
			let ending: 'delivered' | 'give-up' | 'exhausted' | undefined;
			let why = '';
			attempts.forEach((seen, i) => {
				expect(seen.attempt).toBe(i + 1);
				// Attempts after the end would be a send after a 2xx or a give-up, or past the schedule.
				expect({ context, endedBefore: ending }).toEqual({ context, endedBefore: undefined });
				const verdict =
					seen.statusCode === undefined
						? 'retry'
						: verdictOf(seen.statusCode, schedule.retryClientErrors);
				why =
					seen.statusCode === undefined
						? (seen.error as string)
						: `answered ${seen.statusCode}${isRedirect(seen.statusCode) ? ' (redirects are not followed)' : ''}`;
				if (verdict === 'delivered') ending = 'delivered';
				else if (verdict === 'give-up') ending = 'give-up';
				else if (i + 1 === 1 + policy.delays.length) ending = 'exhausted';
				// A wait is recorded exactly when another attempt follows.
				if (ending === undefined) expect(seen.retryInMs).toBeDefined();
				else expect(seen.retryInMs).toBeUndefined();
			});
			expect({ context, ended: ending !== undefined }).toEqual({ context, ended: true });

			// 2. Delivered iff the last answer that reached the sender was a 2xx; otherwise why.
			const last = attempts[attempts.length - 1];
			expect(first.delivered).toBe(ending === 'delivered');
			expect(first.delivered).toBe(last.statusCode !== undefined && isSuccess(last.statusCode));
			if (ending === 'delivered') {
				expect(first.outcome).toBe(why);
				// The 2xx the sender saw is the receiver's last call for this id.
				expect(pairs[pairs.length - 1]).toBe(calls[calls.length - 1]);
			} else if (ending === 'give-up') {
				expect(first.outcome).toBe(
					last.statusCode === 410
						? 'answered 410 Gone: the receiver asked not to be called again'
						: `${why}; 3xx/4xx answers are not retried`,
				);
			} else {
				const count = attempts.length;
				expect(first.outcome).toBe(
					`${why}; no retries left after ${count} attempt${count === 1 ? '' : 's'}`,
				);
			}
			const lastStatus = [...attempts].reverse().find((a) => a.statusCode !== undefined);
			expect(first.statusCode).toBe(lastStatus?.statusCode ?? null);

			// 3. No call for this id after a 2xx reached the sender.
			pairs.forEach((answer, i) => {
				const status = attempts[i].statusCode;
				if (answer && status !== undefined && isSuccess(status)) {
					const after = calls.length - 1 - calls.indexOf(answer);
					expect({ context, callsAfterSuccess: after }).toEqual({ context, callsAfterSuccess: 0 });
				}
			});

			// 5. Waits: exactly the policy's, bounded by the delays plus a cap per retry.
			let recordedTotal = 0;
			let bound = 0;
			for (let i = 0; i + 1 < attempts.length; i++) {
				const seen = attempts[i];
				const wait = seen.retryInMs as number;
				const { min, max } = expectedWait(pairs[i], seen, policy.delays[i], policy.cap);
				const policyWait = { wait, min, max, within: wait >= min && wait <= max };
				expect({ context, attempt: i + 1, policyWait }).toEqual({
					context,
					attempt: i + 1,
					policyWait: { wait, min, max, within: true },
				});
				recordedTotal += wait;
				bound += policy.delays[i] + policy.cap;

				// Real time, as the sender and the receiver saw it: never early, and late only by noise.
				const finished = Date.parse(seen.startedAt) + seen.durationMs;
				const startedGap = Date.parse(attempts[i + 1].startedAt) - finished;
				expect(startedGap).toBeGreaterThanOrEqual(wait - 2);
				expect(startedGap).toBeLessThanOrEqual(wait + WALL_CLOCK_MARGIN_MS);
				const [here, next] = [pairs[i], pairs[i + 1]];
				if (next) expect(next.call.at - finished).toBeGreaterThanOrEqual(wait - 2);
				if (here && next) {
					// The gap between two calls, less the first call's time: the wait, plus noise.
					expect(next.call.at - here.call.at - seen.durationMs).toBeLessThanOrEqual(
						policy.delays[i] + policy.cap + WALL_CLOCK_MARGIN_MS,
					);
				}
			}
			expect(recordedTotal).toBeLessThanOrEqual(bound);
		}
		// No delivery id outside the batches.
		expect([...byId.keys()].every((id) => seenIds.has(id))).toBe(true);
	} finally {
		clearTimeout(timer);
		await receiver.close();
		await target.close();
	}
}

describe('Send Webhook under randomized fault schedules (real loopback receiver)', () => {
	it(
		'every item lands in one output; attempts and waits follow the policy; nothing is sent after a 2xx or to a redirect',
		async () => {
			await fc.assert(fc.asyncProperty(scheduleArb, runSchedule), {
				numRuns: fuzzRuns(40, 1000),
			});
		},
		fuzzTimeout(120_000, 1_800_000),
	);
});
