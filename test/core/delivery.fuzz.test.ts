/**
 * deliver() under random outcome sequences, on a virtual clock: the policy's
 * promises hold for any answers a receiver can give. Nothing really waits, so
 * these run by the thousand; test/nodes/send-webhook.faults.fuzz.test.ts
 * checks the same promises over real sockets.
 *
 * For every policy (0 to 10 delays, fractional seconds, any cap) and every
 * sequence of answers (any status, Retry-After as seconds, HTTP dates past or
 * future, garbage, repeated; network errors; a send that throws):
 * - attempts never exceed 1 + delays, and stop at once on a 2xx or a give-up;
 * - delivered iff a 2xx was seen, and nothing is sent after it;
 * - each wait is the scheduled delay or a longer Retry-After cut to the cap,
 *   so the total slept never exceeds the delays plus a cap per retry;
 * - the record matches what happened: attempt numbers, one id, a fresh
 *   timestamp per attempt, durations, the waits, the last answer.
 */
import fc from 'fast-check';

import {
	deliver,
	type AttemptContext,
	type AttemptOutcome,
	type DeliveryIo,
	type RetryPolicy,
} from '../../core';
import { fuzzRuns, fuzzTimeout } from '../helpers/fuzz';

type RetryAfterSpec =
	| { readonly kind: 'seconds'; readonly text: string }
	/** An HTTP date this many seconds after the moment the answer arrives. */
	| { readonly kind: 'date'; readonly offsetSeconds: number }
	/** Neither: must be ignored. */
	| { readonly kind: 'garbage'; readonly text: string }
	/** Sent twice: ambiguous, so ignored. */
	| { readonly kind: 'repeated'; readonly values: readonly string[] }
	/**
	 * Any text at all, up to 40 characters: long enough to be an asctime date
	 * by a fluke, so only the bounds are promised here.
	 */
	| { readonly kind: 'anything'; readonly text: string };

type Step =
	| {
			readonly kind: 'response';
			readonly status: number;
			readonly retryAfter?: RetryAfterSpec;
			/** The header name's case, as a client library might hand it over. */
			readonly headerName: string;
			readonly tookMs: number;
	  }
	| { readonly kind: 'error'; readonly code: string; readonly tookMs: number }
	| { readonly kind: 'throws'; readonly tookMs: number };

const MAX_DELAYS = 10;

const policyArb: fc.Arbitrary<RetryPolicy> = fc.record({
	delaysSeconds: fc.array(
		fc.oneof(
			fc.integer({ min: 0, max: 3600 }),
			fc.double({ min: 0, max: 3600, noNaN: true, noDefaultInfinity: true }),
			fc.constantFrom(0, 0.05, 0.1, 10, 100),
		),
		{ maxLength: MAX_DELAYS },
	),
	retryClientErrors: fc.boolean(),
	retryAfterCapSeconds: fc.oneof(
		fc.constantFrom(0, 0.3, 300),
		fc.integer({ min: 0, max: 100_000 }),
		fc.double({ min: 0, max: 100_000, noNaN: true, noDefaultInfinity: true }),
	),
});

/**
 * Strings that are neither delay-seconds nor one of RFC 9110's date forms
 * (the shortest is 24 characters), however Date.parse would read them: the
 * junk it takes for a far-off date ("soon 2099") must be ignored too.
 */
const garbageArb = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'soon',
		'1.5',
		'-1',
		'+2',
		'0x10',
		'1e3',
		'12/31/2099',
		'2099-12-31',
		'1 2 3',
		'soon 2099',
		'later: 2099',
		'Jan 2099',
		'wait 300',
		'after 60',
		'120s',
	),
	fc.string({ maxLength: 12 }).filter((text) => !/^\s*\d+\s*$/.test(text)),
);

const retryAfterArb: fc.Arbitrary<RetryAfterSpec> = fc.oneof(
	fc.record({
		kind: fc.constant('seconds' as const),
		text: fc.oneof(
			fc.integer({ min: 0, max: 1_000_000 }).map(String),
			fc.constantFrom('0', '00', '99999999999999999999', ' 5 '),
		),
	}),
	fc.record({
		kind: fc.constant('date' as const),
		offsetSeconds: fc.integer({ min: -100_000, max: 100_000 }),
	}),
	fc.record({ kind: fc.constant('garbage' as const), text: garbageArb }),
	fc.record({
		kind: fc.constant('anything' as const),
		text: fc.string({ maxLength: 40 }),
	}),
	fc.record({
		kind: fc.constant('repeated' as const),
		values: fc.array(fc.integer({ min: 0, max: 100_000 }).map(String), {
			minLength: 2,
			maxLength: 3,
		}),
	}),
);

const statusArb = fc.oneof(
	{ arbitrary: fc.constantFrom(200, 201, 202, 204, 299), weight: 3 },
	{ arbitrary: fc.constantFrom(301, 302, 304, 307, 308), weight: 1 },
	{ arbitrary: fc.constantFrom(400, 401, 403, 404, 408, 409, 410, 422, 429), weight: 3 },
	{ arbitrary: fc.constantFrom(500, 502, 503, 504), weight: 3 },
	{ arbitrary: fc.integer({ min: 200, max: 599 }), weight: 2 },
);

const tookArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 }));

const stepArb: fc.Arbitrary<Step> = fc.oneof(
	{
		arbitrary: fc.record({
			kind: fc.constant('response' as const),
			status: statusArb,
			retryAfter: fc.option(retryAfterArb, { nil: undefined }),
			headerName: fc.constantFrom('retry-after', 'Retry-After', 'RETRY-AFTER'),
			tookMs: tookArb,
		}),
		weight: 6,
	},
	{
		arbitrary: fc.record({
			kind: fc.constant('error' as const),
			code: fc.constantFrom('TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND'),
			tookMs: tookArb,
		}),
		weight: 2,
	},
	{ arbitrary: fc.record({ kind: fc.constant('throws' as const), tookMs: tookArb }), weight: 1 },
);

const caseArb = fc.record({
	policy: policyArb,
	// One answer for every attempt the largest policy allows: more than any delivery may use.
	steps: fc.array(stepArb, { minLength: MAX_DELAYS + 1, maxLength: MAX_DELAYS + 1 }),
	startMs: fc.integer({
		min: Date.parse('2000-01-01T00:00:00Z'),
		max: Date.parse('2100-01-01T00:00:00Z'),
	}),
});

const isSuccess = (status: number) => status >= 200 && status <= 299;

/** The verdict on an answer, written from the documented rules rather than from retry.ts. */
function verdictOf(step: Step, policy: RetryPolicy): 'delivered' | 'retry' | 'give-up' {
	if (step.kind !== 'response') return 'retry';
	const { status } = step;
	if (isSuccess(status)) return 'delivered';
	if (status === 410) return 'give-up';
	if (status === 408 || status === 429 || status >= 500) return 'retry';
	return policy.retryClientErrors ? 'retry' : 'give-up';
}

/**
 * What a Retry-After asks for, in ms, per RFC 9110 §10.2.3; undefined when it
 * is to be ignored; 'unknown' when only the bounds are promised.
 */
function askedMs(
	spec: RetryAfterSpec | undefined,
	sent: string | undefined,
	at: number,
): number | undefined | 'unknown' {
	if (!spec || sent === undefined) return undefined;
	switch (spec.kind) {
		case 'seconds':
			return Number(spec.text.trim()) * 1000;
		case 'date':
			// The header carries whole seconds; a date in the past asks for no wait.
			return Math.max(0, Date.parse(sent) - at);
		case 'garbage':
		case 'repeated':
			return undefined;
		case 'anything':
			return 'unknown';
	}
}

async function runCase({
	policy,
	steps,
	startMs,
}: {
	policy: RetryPolicy;
	steps: readonly Step[];
	startMs: number;
}): Promise<void> {
	let clock = startMs;
	const prepared: AttemptContext[] = [];
	const sent: { step: Step; retryAfter?: string; finishedAt: number }[] = [];
	const slept: number[] = [];
	const io: DeliveryIo<number> = {
		prepare: (context) => {
			prepared.push(context);
			return context.attempt;
		},
		send: async (attempt) => {
			const step = steps[attempt - 1];
			if (!step) throw new Error(`attempt ${attempt}: more attempts than any policy allows`);
			clock += step.tookMs;
			// deliver() reads the clock through Dates, which hold whole milliseconds.
			const finishedAt = new Date(clock).getTime();
			let retryAfter: string | undefined;
			if (step.kind === 'throws') {
				sent.push({ step, finishedAt });
				throw new Error('send broke its contract');
			}
			if (step.kind === 'error') {
				sent.push({ step, finishedAt });
				return { kind: 'error', code: step.code, message: 'failed' };
			}
			const headers: Record<string, string | string[]> = {};
			const spec = step.retryAfter;
			if (spec?.kind === 'seconds' || spec?.kind === 'garbage' || spec?.kind === 'anything')
				retryAfter = spec.text;
			if (spec?.kind === 'date')
				retryAfter = new Date(clock + spec.offsetSeconds * 1000).toUTCString();
			if (retryAfter !== undefined) headers[step.headerName] = retryAfter;
			if (spec?.kind === 'repeated') headers[step.headerName] = [...spec.values];
			sent.push({ step, retryAfter, finishedAt });
			const outcome: AttemptOutcome = {
				kind: 'response',
				status: step.status,
				headers,
				body: `answer ${step.status}`,
			};
			return outcome;
		},
		sleep: async (ms) => {
			slept.push(ms);
			clock += ms;
		},
		now: () => new Date(clock),
	};

	const result = await deliver(io, policy, 'msg_fuzz');

	// The model: attempts until a 2xx, a give-up, or the schedule is used up.
	const maxAttempts = 1 + policy.delaysSeconds.length;
	let expected = 0;
	let ending: 'delivered' | 'give-up' | 'exhausted' = 'exhausted';
	for (const step of steps.slice(0, maxAttempts)) {
		expected++;
		const verdict = verdictOf(step, policy);
		if (verdict !== 'retry') {
			ending = verdict;
			break;
		}
	}

	// Attempts: as many as the model says, never more than the policy, numbered, one id, each signed afresh.
	expect(sent).toHaveLength(expected);
	expect(result.attempts).toHaveLength(expected);
	expect(expected).toBeLessThanOrEqual(maxAttempts);
	expect(result.attempts.map((a) => a.attempt)).toEqual(sent.map((_, i) => i + 1));
	expect(prepared.map((p) => p.id)).toEqual(sent.map(() => 'msg_fuzz'));
	expect(result.id).toBe('msg_fuzz');

	// Delivered iff a 2xx was seen, and nothing was sent after it.
	const firstSuccess = sent.findIndex(
		({ step }) => step.kind === 'response' && isSuccess(step.status),
	);
	expect(result.delivered).toBe(firstSuccess !== -1);
	expect(result.delivered).toBe(ending === 'delivered');
	if (firstSuccess !== -1) expect(firstSuccess).toBe(sent.length - 1);
	if (ending === 'give-up' || (ending === 'exhausted' && !result.delivered)) {
		expect(result.outcome).not.toBe('');
		if (ending === 'exhausted')
			expect(result.outcome).toMatch(new RegExp(`; no retries left after ${expected} attempts?$`));
	}

	// Waits: one before each further attempt, none after the last; each the policy's.
	expect(slept).toEqual(result.attempts.slice(0, -1).map((a) => a.retryInMs));
	expect(result.attempts[expected - 1].retryInMs).toBeUndefined();
	let total = 0;
	let bound = 0;
	slept.forEach((wait, i) => {
		const delay = policy.delaysSeconds[i] * 1000;
		const cap = policy.retryAfterCapSeconds * 1000;
		const { step, retryAfter, finishedAt } = sent[i];
		const asked =
			step.kind === 'response' ? askedMs(step.retryAfter, retryAfter, finishedAt) : undefined;
		if (asked !== 'unknown')
			expect(wait).toBe(asked === undefined ? delay : Math.max(delay, Math.min(asked, cap)));
		expect(wait).toBeGreaterThanOrEqual(delay);
		expect(wait).toBeLessThanOrEqual(Math.max(delay, cap));
		total += wait;
		bound += delay + cap;
	});
	expect(total).toBeLessThanOrEqual(bound);

	// The record: when each attempt started (a fresh, signed timestamp), how long it took, what came back.
	// The clock moves as the fake io moves it: by each send's time, then by each wait.
	let at = startMs;
	result.attempts.forEach((attempt, i) => {
		expect(prepared[i].timestamp.getTime()).toBe(new Date(at).getTime());
		expect(attempt.startedAt).toBe(new Date(at).toISOString());
		expect(attempt.durationMs).toBe(sent[i].step.tookMs);
		const { step } = sent[i];
		if (step.kind === 'response') {
			expect(attempt.status).toBe(step.status);
			expect(attempt.error).toBeUndefined();
		} else {
			expect(attempt.status).toBeUndefined();
			expect(attempt.error).toBe(
				step.kind === 'error' ? `${step.code}: failed` : 'send_failed: send broke its contract',
			);
		}
		at += step.tookMs;
		at += attempt.retryInMs ?? 0;
	});
	const lastResponse = [...sent].reverse().find(({ step }) => step.kind === 'response')?.step;
	expect(result.lastResponse).toEqual(
		lastResponse?.kind === 'response'
			? { status: lastResponse.status, body: `answer ${lastResponse.status}` }
			: undefined,
	);
}

describe('deliver() on a virtual clock, under random answers', () => {
	it(
		'attempts and waits follow the policy; delivered iff a 2xx came back; nothing is sent after it',
		async () => {
			await fc.assert(fc.asyncProperty(caseArb, runCase), { numRuns: fuzzRuns(3_000, 50_000) });
		},
		fuzzTimeout(30_000, 600_000),
	);
});
