import { NO_BOUNDS, type DeliveryBounds, type Stop, type StopKind } from './bounds';
import {
	classifyOutcome,
	delayBeforeAttempt,
	type AttemptOutcome,
	type RetryPolicy,
} from './retry';

export interface AttemptContext {
	/** 1 for the first attempt. */
	readonly attempt: number;
	/** Each attempt is signed afresh with its own moment. */
	readonly timestamp: Date;
	/** The same on every attempt: the receiver's idempotency key. */
	readonly id: string;
}

export interface DeliveryIo<Request> {
	/** Builds and signs one attempt's request. May throw on a configuration error. */
	prepare(context: AttemptContext): Request;
	/** Must not throw: failures are outcomes. */
	send(request: Request): Promise<AttemptOutcome>;
	/**
	 * May end early when the delivery has to stop (a cancel, a destination
	 * given up on): deliver() then asks its bounds why. A wait that rejects
	 * ends the delivery with that error.
	 */
	sleep(ms: number): Promise<void>;
	now(): Date;
	/** A number in [0, 1) for the schedule's jitter; Math.random when absent. */
	random?(): number;
}

export interface AttemptRecord {
	readonly attempt: number;
	readonly startedAt: string;
	readonly durationMs: number;
	readonly status?: number;
	readonly error?: string;
	readonly retryInMs?: number;
}

export interface DeliveryResult {
	readonly id: string;
	readonly delivered: boolean;
	/** One line: why it ended as it did. */
	readonly outcome: string;
	readonly attempts: readonly AttemptRecord[];
	readonly lastResponse?: { readonly status: number; readonly body?: string };
	/** What ended it before its schedule did: a cancel, the deadline, a destination given up on. */
	readonly stoppedBy?: StopKind;
	/**
	 * With handBackRetries: the delivery is not over; whoever waits this long
	 * passes `attempts` back as earlierAttempts.
	 */
	readonly retryInMs?: number;
}

interface DeliveryOptions {
	/** From an earlier pass that handed its retry back: numbering and schedule go on from them. */
	readonly earlierAttempts?: readonly AttemptRecord[];
	/**
	 * When a retry is due, end and say when (result.retryInMs) instead of
	 * waiting: n8n's Wait node keeps long waits in its database, so a restart
	 * in between loses nothing.
	 */
	readonly handBackRetries?: boolean;
}

/**
 * Attempts, classifies, waits and attempts again until the request is
 * delivered, given up on, or the schedule is used up. Each attempt is
 * re-signed with a fresh timestamp, so a late retry is not rejected as stale;
 * the id stays, so the receiver can de-duplicate. `bounds`, asked before
 * every attempt and after a failed one, can end it sooner, undelivered; a
 * wait that would end too late is not begun.
 */
export async function deliver<Request>(
	io: DeliveryIo<Request>,
	policy: RetryPolicy,
	id: string,
	bounds: DeliveryBounds = NO_BOUNDS,
	options: DeliveryOptions = {},
): Promise<DeliveryResult> {
	const attempts: AttemptRecord[] = [...(options.earlierAttempts ?? [])];
	let lastResponse: DeliveryResult['lastResponse'];
	let lastWhy = '';
	const ended = (delivered: boolean, outcome: string): DeliveryResult => ({
		id,
		delivered,
		outcome,
		attempts,
		lastResponse,
	});
	const stopped = (stop: Stop): DeliveryResult => ({
		...ended(
			false,
			attempts.length === 0
				? `${stop.reason}; not sent`
				: `${stop.reason}; ${countAttempts(attempts.length)} made, the last: ${lastWhy}`,
		),
		stoppedBy: stop.kind,
	});
	for (let attempt = attempts.length + 1; ; attempt++) {
		const before = bounds.stop();
		if (before) return stopped(before);
		const tried = await attemptOnce(io, policy, id, attempt);
		const { outcome, why } = tried;
		if (outcome.kind === 'response') lastResponse = { status: outcome.status, body: outcome.body };
		lastWhy = why;
		const next = nextStep(tried, policy, bounds, options, () => io.random?.() ?? Math.random());
		attempts.push(
			recordOf(tried, next.kind === 'end' || next.kind === 'stop' ? undefined : next.wait),
		);
		if (next.kind === 'end') return ended(next.delivered, next.outcome);
		if (next.kind === 'stop') return stopped(next.stop);
		if (next.kind === 'hand-back') {
			const due = `${why}; attempt ${attempt + 1} due in ${Math.ceil(next.wait / 1000)} s`;
			return { ...ended(false, due), retryInMs: next.wait };
		}
		await io.sleep(next.wait);
	}
}

/** One attempt, made and classified. */
interface Tried {
	readonly attempt: number;
	readonly started: Date;
	readonly finished: Date;
	readonly outcome: AttemptOutcome;
	readonly verdict: ReturnType<typeof classifyOutcome>['verdict'];
	readonly why: string;
}

async function attemptOnce<Request>(
	io: DeliveryIo<Request>,
	policy: RetryPolicy,
	id: string,
	attempt: number,
): Promise<Tried> {
	const started = io.now();
	const request = io.prepare({ attempt, timestamp: started, id });
	const outcome = await sendSafely(io, request);
	const finished = io.now();
	return { attempt, started, finished, outcome, ...classifyOutcome(outcome, policy) };
}

function recordOf(tried: Tried, retryInMs: number | undefined): AttemptRecord {
	const { attempt, started, finished, outcome } = tried;
	return {
		attempt,
		startedAt: started.toISOString(),
		durationMs: finished.getTime() - started.getTime(),
		...(outcome.kind === 'response'
			? { status: outcome.status }
			: { error: `${outcome.code}: ${outcome.message}` }),
		...(retryInMs === undefined ? {} : { retryInMs }),
	};
}

/** After an attempt: the end, a stop by the bounds, a retry handed back, or a wait before the next. */
type NextStep =
	| { readonly kind: 'end'; readonly delivered: boolean; readonly outcome: string }
	| { readonly kind: 'stop'; readonly stop: Stop }
	| { readonly kind: 'hand-back' | 'wait'; readonly wait: number };

function nextStep(
	tried: Tried,
	policy: RetryPolicy,
	bounds: DeliveryBounds,
	options: DeliveryOptions,
	random: () => number,
): NextStep {
	if (tried.verdict !== 'retry') {
		return { kind: 'end', delivered: tried.verdict === 'delivered', outcome: tried.why };
	}
	const after = bounds.stop();
	if (after) return { kind: 'stop', stop: after };
	const wait = delayBeforeAttempt(tried.attempt + 1, tried.outcome, policy, tried.finished, random);
	if (wait === undefined) {
		const outcome = `${tried.why}; no retries left after ${countAttempts(tried.attempt)}`;
		return { kind: 'end', delivered: false, outcome };
	}
	if (options.handBackRetries) return { kind: 'hand-back', wait };
	const refused = bounds.refuseWait(wait);
	return refused ? { kind: 'stop', stop: refused } : { kind: 'wait', wait };
}

function countAttempts(count: number): string {
	return `${count} attempt${count === 1 ? '' : 's'}`;
}

async function sendSafely<Request>(
	io: DeliveryIo<Request>,
	request: Request,
): Promise<AttemptOutcome> {
	try {
		return await io.send(request);
	} catch (error) {
		// A send that throws broke its contract; the attempt still failed and is retried.
		return {
			kind: 'error',
			code: 'send_failed',
			message: (error as Error).message ?? String(error),
		};
	}
}

/**
 * Runs `task` over `items` with at most `limit` in flight, results in input
 * order. With limit 1, tasks run strictly one after another.
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
	await Promise.all(workers);
	return results;
}
