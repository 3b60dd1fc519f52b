import {
	DEFAULT_RETRY_POLICY,
	describeBatchSizeProblem,
	describeRetryPolicyProblem,
	MAX_BATCH_SIZE,
	splitIntoBatches,
	type AttemptOutcome,
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
