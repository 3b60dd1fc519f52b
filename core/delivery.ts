import { randomBytes } from 'node:crypto';

import {
	classifyOutcome,
	delayBeforeAttempt,
	type AttemptOutcome,
	type RetryPolicy,
} from './retry';

/** What an attempt needs to build its request. */
export interface AttemptContext {
	/** 1 for the first attempt. */
	readonly attempt: number;
	/** This attempt's moment: each attempt is signed afresh with it. */
	readonly timestamp: Date;
	/** The delivery id, the same on every attempt (the receiver's idempotency key). */
	readonly id: string;
}

export interface DeliveryIo<Request> {
	/** Builds and signs the request of one attempt. May throw on a configuration error. */
	prepare(context: AttemptContext): Request;
	/** Sends it. Must not throw: failures are outcomes. */
	send(request: Request): Promise<AttemptOutcome>;
	/** Waits; rejects when the execution is cancelled, which ends the delivery at once. */
	sleep(ms: number): Promise<void>;
	now(): Date;
}

export interface AttemptRecord {
	readonly attempt: number;
	readonly startedAt: string;
	readonly durationMs: number;
	readonly status?: number;
	readonly error?: string;
	/** The wait before the next attempt, when there was one. */
	readonly retryInMs?: number;
}

export interface DeliveryResult {
	readonly id: string;
	readonly delivered: boolean;
	/** One line: why it ended as it did. */
	readonly outcome: string;
	readonly attempts: readonly AttemptRecord[];
	/** The last answer received, if any. */
	readonly lastResponse?: { readonly status: number; readonly body?: string };
}

/** A delivery id in Standard Webhooks' style: `msg_` and 18 random bytes, base64url. */
export function newDeliveryId(): string {
	return `msg_${randomBytes(18).toString('base64url')}`;
}

/**
 * Delivers one request under a retry policy: attempt, classify, wait, again,
 * until it is delivered, given up on, or the schedule is used up. Each
 * attempt is re-signed (prepare) with a fresh timestamp, so a late retry is
 * not rejected as stale; the id stays, so the receiver can de-duplicate.
 */
export async function deliver<Request>(
	io: DeliveryIo<Request>,
	policy: RetryPolicy,
	id: string,
): Promise<DeliveryResult> {
	const attempts: AttemptRecord[] = [];
	let lastResponse: DeliveryResult['lastResponse'];
	for (let attempt = 1; ; attempt++) {
		const started = io.now();
		const request = io.prepare({ attempt, timestamp: started, id });
		const outcome = await sendSafely(io, request);
		const finished = io.now();
		if (outcome.kind === 'response') lastResponse = { status: outcome.status, body: outcome.body };

		const { verdict, why } = classifyOutcome(outcome, policy);
		const wait =
			verdict === 'retry' ? delayBeforeAttempt(attempt + 1, outcome, policy, finished) : undefined;
		attempts.push({
			attempt,
			startedAt: started.toISOString(),
			durationMs: finished.getTime() - started.getTime(),
			...(outcome.kind === 'response'
				? { status: outcome.status }
				: { error: `${outcome.code}: ${outcome.message}` }),
			...(wait === undefined ? {} : { retryInMs: wait }),
		});

		if (verdict === 'delivered')
			return { id, delivered: true, outcome: why, attempts, lastResponse };
		if (wait === undefined) {
			const ending =
				verdict === 'give-up'
					? why
					: `${why}; no retries left after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
			return { id, delivered: false, outcome: ending, attempts, lastResponse };
		}
		await io.sleep(wait);
	}
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
