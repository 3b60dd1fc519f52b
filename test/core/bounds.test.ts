/**
 * The deadline and the destination breaker (issue 12, item 6) as pure logic,
 * on a fake clock: nothing here really waits.
 */
import {
	callBounds,
	CANCELLED,
	Deadline,
	deliver,
	DestinationBreaker,
	type AttemptOutcome,
	type DeliveryIo,
	type DeliveryResult,
	type RetryPolicy,
} from '../../core';
import { executionTimeoutMarginMs, formatSeconds } from '../../core/send/bounds';

/** A clock that only moves when told to. */
function fakeClock(start = Date.parse('2026-11-22T12:00:00Z')) {
	let now = start;
	return {
		now: () => now,
		advance: (ms: number) => {
			now += ms;
		},
	};
}

const POLICY: RetryPolicy = {
	delaysSeconds: [10, 100],
	retryClientErrors: true,
	retryAfterCapSeconds: 300,
};
const status = (code: number): AttemptOutcome => ({ kind: 'response', status: code, headers: {} });
const refused: AttemptOutcome = {
	kind: 'error',
	code: 'ECONNREFUSED',
	message: 'connect ECONNREFUSED 127.0.0.1:9',
};

/** An io on the fake clock: each send takes `sendMs`, each wait moves the clock by its length. */
function io(
	clock: ReturnType<typeof fakeClock>,
	answer: (attempt: number) => AttemptOutcome,
	options: { sendMs?: number; onSend?: () => void; onSleep?: (ms: number) => void } = {},
) {
	const sends: number[] = [];
	const slept: number[] = [];
	const delivery: DeliveryIo<number> = {
		prepare: ({ attempt }) => attempt,
		send: async (attempt) => {
			sends.push(clock.now());
			clock.advance(options.sendMs ?? 50);
			options.onSend?.();
			return answer(attempt);
		},
		sleep: async (ms) => {
			slept.push(ms);
			options.onSleep?.(ms);
			clock.advance(ms);
		},
		now: () => new Date(clock.now()),
	};
	return { delivery, sends, slept };
}

describe('the automatic deadline: the workflow timeout less a margin', () => {
	it.each([
		[1, 500],
		[3, 1500],
		[10, 2000],
		[20, 2000],
		[60, 6000],
		[3600, 360_000],
	])('a %i s timeout leaves a margin of %i ms', (seconds, margin) => {
		expect(executionTimeoutMarginMs(seconds)).toBe(margin);
	});

	it('counts from the moment it is started (the node cannot see when the execution began)', () => {
		const clock = fakeClock();
		const deadline = Deadline.start({ executionTimeoutSeconds: 20 }, clock.now);
		expect(deadline?.at).toBe(clock.now() + 18_000);
		expect(deadline?.label).toBe(
			"18 s after the node started (the workflow's 20 s timeout, less 2 s)",
		);
		// Started a while ago (the node read its settings first): the time since counts.
		const earlier = Deadline.start({ optionSeconds: 10 }, clock.now, clock.now() - 4_000);
		expect(earlier?.remainingMs()).toBe(6_000);
	});

	it('none without a timeout or an option; the earlier one wins with both', () => {
		const clock = fakeClock();
		for (const settings of [{}, { executionTimeoutSeconds: -1 }, { optionSeconds: 0 }])
			expect(Deadline.start(settings, clock.now)).toBeUndefined();
		const option = Deadline.start({ optionSeconds: 5, executionTimeoutSeconds: 60 }, clock.now);
		expect(option?.at).toBe(clock.now() + 5000);
		expect(option?.label).toBe('5 s after the node started (Deadline option)');
		const timeout = Deadline.start({ optionSeconds: 100, executionTimeoutSeconds: 60 }, clock.now);
		expect(timeout?.at).toBe(clock.now() + 54_000);
	});

	it('says how much time is left, and cuts waits and attempt timeouts to it', () => {
		const clock = fakeClock();
		const deadline = Deadline.start({ optionSeconds: 10 }, clock.now) as Deadline;
		expect(deadline.remainingMs()).toBe(10_000);
		expect(deadline.capTimeout(30_000)).toBe(10_000);
		expect(deadline.capTimeout(3_000)).toBe(3_000);
		expect(deadline.allowsWait(9_999)).toBe(true);
		expect(deadline.allowsWait(10_000)).toBe(false);
		clock.advance(9_000);
		expect(deadline.reached()).toBe(false);
		expect(deadline.capTimeout(30_000)).toBe(1_000);
		clock.advance(1_000);
		expect(deadline.reached()).toBe(true);
		expect(deadline.remainingMs()).toBe(0);
		// An attempt never gets a timeout of 0 (which would mean none at all).
		expect(deadline.capTimeout(30_000)).toBe(1);
	});

	it('formats seconds without noise', () => {
		expect([18_000, 250, 1_500, 100_000].map(formatSeconds)).toEqual([
			'18 s',
			'0.25 s',
			'1.5 s',
			'100 s',
		]);
	});
});

describe('deliver() within a deadline', () => {
	it('does not begin a wait that would end after the deadline: the call ends then, saying so', async () => {
		const clock = fakeClock();
		const deadline = Deadline.start({ executionTimeoutSeconds: 20 }, clock.now);
		const { delivery, sends, slept } = io(clock, () => status(503));
		const result = await deliver(
			delivery,
			POLICY,
			'msg_1',
			callBounds({ cancelled: () => false, deadline, destination: 'POST http://x' }),
		);
		// 10 s fits in 18 s; 100 s does not.
		expect(slept).toEqual([10_000]);
		expect(sends).toHaveLength(2);
		expect(result).toMatchObject({ delivered: false, stoppedBy: 'deadline' });
		expect(result.outcome).toBe(
			"deadline too close: the retry in 100 s would come after the deadline, 18 s after the node started (the workflow's 20 s timeout, less 2 s); 2 attempts made, the last: answered 503",
		);
		expect(result.attempts.map((a) => a.retryInMs)).toEqual([10_000, undefined]);
	});

	it('a call not started by the deadline is not sent', async () => {
		const clock = fakeClock();
		const deadline = Deadline.start({ optionSeconds: 1 }, clock.now);
		clock.advance(1_000);
		const { delivery, sends } = io(clock, () => status(200));
		const result = await deliver(
			delivery,
			POLICY,
			'msg_2',
			callBounds({ cancelled: () => false, deadline, destination: 'POST http://x' }),
		);
		expect(sends).toEqual([]);
		expect(result).toMatchObject({ delivered: false, attempts: [], stoppedBy: 'deadline' });
		expect(result.outcome).toBe(
			'deadline reached, 1 s after the node started (Deadline option); not sent',
		);
	});

	it('an attempt that ends past the deadline ends the call, with the attempts made', async () => {
		const clock = fakeClock();
		const deadline = Deadline.start({ optionSeconds: 1 }, clock.now);
		// The attempt's timeout was cut to what was left: it times out at the deadline.
		const { delivery } = io(
			clock,
			() => ({ kind: 'error', code: 'TIMEOUT', message: 'timeout of 1000ms exceeded' }),
			{ sendMs: 1_000 },
		);
		const result = await deliver(
			delivery,
			{ ...POLICY, delaysSeconds: [0] },
			'msg_3',
			callBounds({ cancelled: () => false, deadline, destination: 'POST http://x' }),
		);
		expect(result.outcome).toBe(
			'deadline reached, 1 s after the node started (Deadline option); 1 attempt made, the last: TIMEOUT: timeout of 1000ms exceeded',
		);
	});
});

describe('deliver() when the execution is cancelled', () => {
	it('during a wait: no further attempt, the call ends undelivered, saying so', async () => {
		const clock = fakeClock();
		let cancelled = false;
		const { delivery, sends } = io(clock, () => status(500), {
			onSleep: () => {
				cancelled = true;
			},
		});
		const result = await deliver(
			delivery,
			POLICY,
			'msg_4',
			callBounds({ cancelled: () => cancelled, destination: 'POST http://x' }),
		);
		expect(sends).toHaveLength(1);
		expect(result).toMatchObject({ delivered: false, stoppedBy: 'cancelled' });
		expect(result.outcome).toBe(
			'cancelled: the execution was stopped; 1 attempt made, the last: answered 500',
		);
		expect(CANCELLED.reason).toBe('cancelled: the execution was stopped');
	});

	it('a 2xx that arrives as the cancel does is still delivered', async () => {
		const clock = fakeClock();
		let cancelled = false;
		const { delivery } = io(clock, () => status(200), {
			onSend: () => {
				cancelled = true;
			},
		});
		const result = await deliver(
			delivery,
			POLICY,
			'msg_5',
			callBounds({ cancelled: () => cancelled, destination: 'POST http://x' }),
		);
		expect(result).toMatchObject({ delivered: true, outcome: 'answered 200' });
		expect(result.stoppedBy).toBeUndefined();
	});
});

describe('DestinationBreaker', () => {
	const failed = (stoppedBy?: 'cancelled' | 'deadline' | 'breaker') => ({
		delivered: false,
		attempts: [{}],
		stoppedBy,
	});
	const delivered = { delivered: true, attempts: [{}] };

	it('gives up after N failed calls in a row; a delivered call starts the count again', () => {
		const breaker = new DestinationBreaker(3);
		const dead = 'POST http://127.0.0.1:9/hook';
		expect(breaker.record(dead, failed())).toBe(false);
		expect(breaker.record(dead, failed())).toBe(false);
		expect(breaker.record(dead, delivered)).toBe(false);
		expect(breaker.record(dead, failed())).toBe(false);
		expect(breaker.record(dead, failed('deadline'))).toBe(false);
		expect(breaker.stop(dead)).toBeUndefined();
		expect(breaker.record(dead, failed())).toBe(true);
		expect(breaker.stop(dead)).toBeDefined();
		expect(breaker.stop(dead)).toEqual({
			kind: 'breaker',
			reason: 'gave up on POST http://127.0.0.1:9/hook: 3 calls in a row to it failed',
		});
		// Given up on for the rest of the run: it says so once, and a late success does not undo it.
		expect(breaker.record(dead, failed())).toBe(false);
		expect(breaker.record(dead, delivered)).toBe(false);
		expect(breaker.stop(dead)).toBeDefined();
	});

	it('other destinations, and the same URL with another method, go on', () => {
		const breaker = new DestinationBreaker(1);
		breaker.record('POST http://a/', failed());
		expect(breaker.stop('POST http://a/')).toBeDefined();
		expect(breaker.stop('PUT http://a/')).toBeUndefined();
		expect(breaker.stop('POST http://b/')).toBeUndefined();
	});

	it('a cancelled call, a call it stopped itself, or one never sent does not count', () => {
		const breaker = new DestinationBreaker(1);
		const url = 'POST http://a/';
		breaker.record(url, failed('cancelled'));
		breaker.record(url, failed('breaker'));
		breaker.record(url, { delivered: false, attempts: [] });
		expect(breaker.stop(url)).toBeUndefined();
	});

	it('a limit of 0 never gives up', () => {
		const breaker = new DestinationBreaker(0);
		for (let i = 0; i < 50; i++) expect(breaker.record('POST http://a/', failed())).toBe(false);
		expect(breaker.stop('POST http://a/')).toBeUndefined();
	});

	it('10 calls to a dead destination: 3 calls spend their attempts, the other 7 are not sent', async () => {
		const clock = fakeClock();
		const breaker = new DestinationBreaker(3);
		const destination = 'POST http://127.0.0.1:9/';
		const { delivery, sends } = io(clock, () => refused);
		const results: DeliveryResult[] = [];
		for (let call = 0; call < 10; call++) {
			const result = await deliver(
				delivery,
				POLICY,
				`msg_${call}`,
				callBounds({ cancelled: () => false, breaker, destination }),
			);
			breaker.record(destination, result);
			results.push(result);
		}
		expect(sends).toHaveLength(9);
		expect(results.slice(0, 3).map((r) => r.outcome)).toEqual(
			Array(3).fill(
				'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9; no retries left after 3 attempts',
			),
		);
		expect(results.slice(3).map((r) => [r.outcome, r.attempts.length, r.stoppedBy])).toEqual(
			Array(7).fill([
				'gave up on POST http://127.0.0.1:9/: 3 calls in a row to it failed; not sent',
				0,
				'breaker',
			]),
		);
	});

	it('a call waiting to retry when the breaker gives up ends at once', async () => {
		const clock = fakeClock();
		const breaker = new DestinationBreaker(1);
		const destination = 'POST http://a/';
		// While this call waits, another call to the same destination fails for good.
		const { delivery, sends } = io(clock, () => status(503), {
			onSleep: () => breaker.record(destination, failed()),
		});
		const result = await deliver(
			delivery,
			POLICY,
			'msg_w',
			callBounds({ cancelled: () => false, breaker, destination }),
		);
		expect(sends).toHaveLength(1);
		expect(result.outcome).toBe(
			'gave up on POST http://a/: 1 call in a row to it failed; 1 attempt made, the last: answered 503',
		);
	});
});
