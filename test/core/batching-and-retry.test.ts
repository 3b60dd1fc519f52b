import {
	DEFAULT_RETRY_POLICY,
	deliver,
	describeBatchSizeProblem,
	describeRetryPolicyProblem,
	LONG_WAIT_MAX_DELAY_SECONDS,
	MAX_BATCH_SIZE,
	RETRY_SCHEDULES,
	splitIntoBatches,
	type AttemptOutcome,
	type RetryPolicy,
} from '../../core';
import { classifyOutcome, delayBeforeAttempt, parseRetryAfter } from '../../core/send/retry';

describe('splitIntoBatches', () => {
	const items = Array.from({ length: 450 }, (_, i) => ({
		i,
		url: i % 3 === 0 ? 'contacts' : 'companies',
	}));

	it('cuts one destination into batches of the given size, order kept', () => {
		const batches = splitIntoBatches(items, 200, () => 'one');
		expect(batches.map((b) => b.entries.length)).toEqual([200, 200, 50]);
		expect(batches.flatMap((b) => b.entries.map((e) => e.index))).toEqual(items.map((_, i) => i));
	});

	it('never mixes destinations, and keeps each destination in input order', () => {
		const batches = splitIntoBatches(items, 100, (item) => item.url);
		for (const batch of batches) {
			expect(new Set(batch.entries.map((e) => e.item.url))).toEqual(new Set([batch.destination]));
			const indexes = batch.entries.map((e) => e.index);
			expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
		}
		expect(batches.map((b) => `${b.destination}:${b.entries.length}`)).toEqual([
			'contacts:100',
			'companies:100',
			'companies:100',
			'contacts:50',
			'companies:100',
		]);
		// Every item lands in exactly one batch.
		const all = batches.flatMap((b) => b.entries.map((e) => e.index)).sort((a, b) => a - b);
		expect(all).toEqual(items.map((_, i) => i));
	});

	it('batch size 1 is one request per item', () => {
		expect(splitIntoBatches(items.slice(0, 5), 1, () => 'x').map((b) => b.entries.length)).toEqual([
			1, 1, 1, 1, 1,
		]);
	});

	it.each([0, -1, 1.5, MAX_BATCH_SIZE + 1, Number.NaN])(
		'refuses size %p, naming the limit',
		(size) => {
			expect(describeBatchSizeProblem(size)).toMatch(/from 1 to 200/);
			expect(() => splitIntoBatches(items, size, () => 'x')).toThrow(/from 1 to 200/);
		},
	);

	it('an empty input is no batches', () => {
		expect(splitIntoBatches([], 10, () => 'x')).toEqual([]);
	});
});

const response = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({
	kind: 'response',
	status,
	headers,
});

describe('classifyOutcome', () => {
	it.each([
		[200, 'delivered'],
		[204, 'delivered'],
		[299, 'delivered'],
		[301, 'retry'],
		[400, 'retry'],
		[404, 'retry'],
		[408, 'retry'],
		[410, 'give-up'],
		[429, 'retry'],
		[500, 'retry'],
		[503, 'retry'],
	])('%i → %s (default policy: the seeds retry any non-2xx)', (status, verdict) => {
		expect(classifyOutcome(response(status), DEFAULT_RETRY_POLICY).verdict).toBe(verdict);
	});

	it.each([
		[301, 'give-up'],
		[400, 'give-up'],
		[404, 'give-up'],
		[408, 'retry'],
		[429, 'retry'],
		[502, 'retry'],
	])('%i → %s when 3xx/4xx retries are off', (status, verdict) => {
		expect(
			classifyOutcome(response(status), { ...DEFAULT_RETRY_POLICY, retryClientErrors: false })
				.verdict,
		).toBe(verdict);
	});

	it('network errors and timeouts are retried', () => {
		expect(
			classifyOutcome(
				{ kind: 'error', code: 'ECONNRESET', message: 'socket hang up' },
				DEFAULT_RETRY_POLICY,
			),
		).toEqual({
			verdict: 'retry',
			why: 'ECONNRESET: socket hang up',
		});
	});

	it('a redirect says it was not followed', () => {
		expect(classifyOutcome(response(302), DEFAULT_RETRY_POLICY).why).toMatch(
			/redirects are not followed/,
		);
	});
});

describe('Retry-After and the schedule', () => {
	const now = new Date('2026-11-22T12:00:00Z');

	it('reads delay-seconds and HTTP dates', () => {
		expect(parseRetryAfter({ 'retry-after': '120' }, now)).toBe(120_000);
		expect(parseRetryAfter({ 'Retry-After': 'Sun, 22 Nov 2026 12:00:30 GMT' }, now)).toBe(30_000);
		expect(parseRetryAfter({ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }, now)).toBe(0);
		expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
		// RFC 9110's obsolete forms are still dates…
		expect(parseRetryAfter({ 'retry-after': 'Sunday, 22-Nov-26 12:00:30 GMT' }, now)).toBe(30_000);
		expect(parseRetryAfter({ 'retry-after': 'Sun Nov 22 12:00:30 2026' }, now)).toBe(30_000);
		// …but text Date.parse would read as a far-off date is not (found by the fuzzer:
		// it asked for the longest wait the cap allows).
		for (const junk of ['soon 2099', 'later: 2099', 'Nov 2099', '22 Nov 2099 12:00:00'])
			expect(parseRetryAfter({ 'retry-after': junk }, now)).toBeUndefined();
		expect(parseRetryAfter({ 'retry-after': '-5' }, now)).toBeUndefined();
		expect(parseRetryAfter({}, now)).toBeUndefined();
	});

	it('waits 10 s, then 100 s, then stops', () => {
		expect(delayBeforeAttempt(2, response(500), DEFAULT_RETRY_POLICY, now)).toBe(10_000);
		expect(delayBeforeAttempt(3, response(500), DEFAULT_RETRY_POLICY, now)).toBe(100_000);
		expect(delayBeforeAttempt(4, response(500), DEFAULT_RETRY_POLICY, now)).toBeUndefined();
	});

	it('honours a longer Retry-After up to the cap, and is not hurried by a shorter one', () => {
		expect(
			delayBeforeAttempt(2, response(503, { 'retry-after': '30' }), DEFAULT_RETRY_POLICY, now),
		).toBe(30_000);
		expect(
			delayBeforeAttempt(2, response(429, { 'retry-after': '86400' }), DEFAULT_RETRY_POLICY, now),
		).toBe(300_000);
		expect(
			delayBeforeAttempt(3, response(503, { 'retry-after': '1' }), DEFAULT_RETRY_POLICY, now),
		).toBe(100_000);
	});

	it('validates a custom schedule', () => {
		expect(describeRetryPolicyProblem(DEFAULT_RETRY_POLICY)).toBeUndefined();
		expect(describeRetryPolicyProblem({ ...DEFAULT_RETRY_POLICY, delaysSeconds: [-1] })).toMatch(
			/0 to 3600/,
		);
		expect(
			describeRetryPolicyProblem({ ...DEFAULT_RETRY_POLICY, delaysSeconds: Array(11).fill(1) }),
		).toMatch(/At most 10/);
	});
});

describe('retry schedules', () => {
	it("the default is Smarter Launch's 10 s, 100 s, and DEFAULT_RETRY_POLICY uses it", () => {
		expect(RETRY_SCHEDULES.default).toEqual([10, 100]);
		expect(DEFAULT_RETRY_POLICY.delaysSeconds).toBe(RETRY_SCHEDULES.default);
	});

	it("Standard Webhooks' is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt", () => {
		expect(RETRY_SCHEDULES.standardWebhooks).toEqual([
			5,
			5 * 60,
			30 * 60,
			2 * 3600,
			5 * 3600,
			10 * 3600,
			10 * 3600,
		]);
		// Eight attempts over 27 h 35 min 5 s.
		expect(
			RETRY_SCHEDULES.standardWebhooks.reduce((sum: number, delay: number) => sum + delay, 0),
		).toBe(99_305);
	});

	it('a long schedule is refused inside an execution, accepted for the Wait node', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, delaysSeconds: RETRY_SCHEDULES.standardWebhooks };
		expect(describeRetryPolicyProblem(policy)).toBe(
			'Retry delays must be numbers of seconds from 0 to 3600',
		);
		expect(LONG_WAIT_MAX_DELAY_SECONDS).toBe(604_800);
		expect(
			describeRetryPolicyProblem(policy, { maxDelaySeconds: LONG_WAIT_MAX_DELAY_SECONDS }),
		).toBeUndefined();
		expect(
			describeRetryPolicyProblem(
				{ ...policy, delaysSeconds: [LONG_WAIT_MAX_DELAY_SECONDS + 1] },
				{ maxDelaySeconds: LONG_WAIT_MAX_DELAY_SECONDS },
			),
		).toBe('Retry delays must be numbers of seconds from 0 to 604800');
		expect(describeRetryPolicyProblem({ ...policy, delaysSeconds: [3600] })).toBeUndefined();
		expect(describeRetryPolicyProblem({ ...policy, delaysSeconds: [3601] })).toMatch(/0 to 3600/);
	});
});

describe('retry jitter', () => {
	const now = new Date('2026-11-22T12:00:00Z');
	const jittered: RetryPolicy = { ...DEFAULT_RETRY_POLICY, jitter: 0.2 };

	it.each([
		[0, 8_000, 80_000],
		[0.5, 10_000, 100_000],
		[0.25, 9_000, 90_000],
		[1, 12_000, 120_000],
	])('random() = %p moves 10 s and 100 s to %p and %p ms', (draw, first, second) => {
		const random = () => draw;
		expect(delayBeforeAttempt(2, response(500), jittered, now, random)).toBe(first);
		expect(delayBeforeAttempt(3, response(500), jittered, now, random)).toBe(second);
		expect(delayBeforeAttempt(4, response(500), jittered, now, random)).toBeUndefined();
	});

	it('rounds to whole milliseconds', () => {
		const policy = { ...jittered, delaysSeconds: [0.0015] };
		expect(delayBeforeAttempt(2, response(500), policy, now, () => 0.9)).toBe(2);
	});

	it('without jitter draws nothing and keeps the schedule exact', () => {
		const random = jest.fn(() => 0);
		expect(delayBeforeAttempt(2, response(500), DEFAULT_RETRY_POLICY, now, random)).toBe(10_000);
		expect(
			delayBeforeAttempt(2, response(500), { ...DEFAULT_RETRY_POLICY, jitter: 0 }, now, random),
		).toBe(10_000);
		expect(random).not.toHaveBeenCalled();
	});

	it('is applied before Retry-After: a longer ask still wins, a shorter one still does not hurry', () => {
		const asking = (seconds: number) => response(503, { 'retry-after': String(seconds) });
		expect(delayBeforeAttempt(2, asking(30), jittered, now, () => 1)).toBe(30_000);
		expect(delayBeforeAttempt(2, asking(9), jittered, now, () => 0)).toBe(9_000);
		expect(delayBeforeAttempt(2, asking(5), jittered, now, () => 0)).toBe(8_000);
	});

	it('must be a fraction from 0 to 0.5, and the jittered delay must stay within the limit', () => {
		for (const jitter of [0, 0.2, 0.5]) {
			expect(describeRetryPolicyProblem({ ...DEFAULT_RETRY_POLICY, jitter })).toBeUndefined();
		}
		for (const jitter of [-0.1, 0.51, 1, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(describeRetryPolicyProblem({ ...DEFAULT_RETRY_POLICY, jitter })).toBe(
				'Retry jitter must be a fraction from 0 to 0.5 (0.2 moves each delay by up to ±20 %)',
			);
		}
		const policy = { ...DEFAULT_RETRY_POLICY, delaysSeconds: [10, 3000], jitter: 0.2 };
		expect(describeRetryPolicyProblem(policy)).toBeUndefined();
		expect(describeRetryPolicyProblem({ ...policy, delaysSeconds: [3001] })).toBe(
			'With jitter 0.2, a delay of 3001 s can last 3601 s; at most 3600 s are allowed',
		);
		expect(
			describeRetryPolicyProblem(
				{ ...policy, delaysSeconds: RETRY_SCHEDULES.standardWebhooks },
				{ maxDelaySeconds: LONG_WAIT_MAX_DELAY_SECONDS },
			),
		).toBeUndefined();
	});

	it("deliver() draws from the io's random, like its clock and sleep", async () => {
		let clock = now.getTime();
		const slept: number[] = [];
		const draws = [0, 1];
		const result = await deliver(
			{
				prepare: (context) => context,
				send: async () => response(503),
				sleep: async (ms) => {
					slept.push(ms);
					clock += ms;
				},
				now: () => new Date(clock),
				random: () => draws.shift() ?? 0.5,
			},
			{ ...DEFAULT_RETRY_POLICY, jitter: 0.5 },
			'msg_jitter',
		);
		expect(slept).toEqual([5_000, 150_000]);
		expect(result.attempts.map((attempt) => attempt.retryInMs)).toEqual([
			5_000,
			150_000,
			undefined,
		]);
		expect(draws).toEqual([]);
	});
});
