/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * A stopped node does not throw away what it delivered (issue 12, item 6).
 * Send Webhook keeps a bound of its own, so it ends before n8n's execution
 * timeout would kill it, and a cancel ends it with normal outputs:
 * - a deadline (its own option, or the workflow's execution timeout less a
 *   margin): calls not started by then are not sent, no retry wait is begun
 *   that would end after it, and no answer is awaited past it;
 * - a breaker per destination: after N calls in a row failed for good, the
 *   rest of the calls to it fail at once;
 * - a cancel (Stop, or n8n's execution timeout): every call still going ends,
 *   and the node returns Delivered and Failed as usual.
 * In every case each item ends in exactly one output, saying what happened.
 */
import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { sequence, startReceiver, type Receiver } from '../helpers/receiver';
import { items, record, send, type SendResult } from './sendWebhookHarness';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

/** A loopback port nothing listens on: every attempt is ECONNREFUSED at once. */
async function deadPort(): Promise<string> {
	const closed = await startReceiver();
	await closed.close();
	return `${closed.url}/hooks`;
}

function pairedIndex(item: INodeExecutionData): number {
	return (item.pairedItem as { item: number }).item;
}

/** Every input item in exactly one output, once, paired to itself. */
function expectEachItemOnce({ delivered, failed }: SendResult, count: number): void {
	const all = [...delivered, ...failed].map(pairedIndex).sort((a, b) => a - b);
	expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
	for (const item of delivered) expect(record(item).delivered).toBe(true);
	for (const item of failed) expect(record(item).delivered).toBe(false);
}

async function timed<T>(run: Promise<T>): Promise<{ result: T; ms: number }> {
	const started = Date.now();
	const result = await run;
	return { result, ms: Date.now() - started };
}

const waitFor = async (condition: () => boolean) => {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('Give Up on a Destination After (the breaker; default 3)', () => {
	it('10 items to a dead loopback port: 3 calls spend their attempts, the other 7 fail at once', async () => {
		const url = await deadPort();
		const result = await send(
			{ url, signatureScheme: 'none', options: { retryDelays: '0.02, 0.02' } },
			{ items: items(10) },
		);
		expectEachItemOnce(result, 10);
		expect(result.delivered).toEqual([]);
		const records = result.failed.map(record);
		// Only three calls' worth of attempts were made: 3 × 3, not 10 × 3.
		expect(records.reduce((sum, each) => sum + each.attempts.length, 0)).toBe(9);
		for (const each of records.slice(0, 3)) {
			expect(each.outcome).toMatch(/^ECONNREFUSED: .*; no retries left after 3 attempts$/);
			expect(each.attempts.map((attempt) => attempt.error)).toEqual([
				expect.stringMatching(/^ECONNREFUSED: /),
				expect.stringMatching(/^ECONNREFUSED: /),
				expect.stringMatching(/^ECONNREFUSED: /),
			]);
		}
		for (const each of records.slice(3)) {
			expect(each.outcome).toBe(`gave up on POST ${url}: 3 calls in a row to it failed; not sent`);
			expect(each.attempts).toEqual([]);
		}
	});

	it('a receiver that keeps failing sees 3 calls × 3 attempts, not 10 × 3', async () => {
		receiver.answer(() => ({ status: 503 }));
		const result = await send(
			{ url: receiver.url, signatureScheme: 'none', options: { retryDelays: '0.02, 0.02' } },
			{ items: items(10) },
		);
		expect(receiver.calls).toHaveLength(9);
		expectEachItemOnce(result, 10);
		expect(result.failed).toHaveLength(10);
	});

	it('other destinations go on', async () => {
		const dead = await deadPort();
		const input = items(8, (i) => ({ id: i, healthy: i % 2 === 1 }));
		const result = await send(
			{
				url: `={{ $json.healthy ? "${receiver.url}" : "${dead}" }}`,
				signatureScheme: 'none',
				options: { retryDelays: '0.01', giveUpAfterFailedCalls: 2 },
			},
			{ items: input },
		);
		expectEachItemOnce(result, 8);
		expect(result.delivered.map(pairedIndex)).toEqual([1, 3, 5, 7]);
		// Items 0 and 2 fail for good; 4 and 6, to the same port, are not sent.
		expect(result.failed.map((item) => [pairedIndex(item), record(item).attempts.length])).toEqual([
			[0, 2],
			[2, 2],
			[4, 0],
			[6, 0],
		]);
	});

	it('a delivered call starts the count again', async () => {
		// By item: 503, 200, 503, 503, then given up on (limit 2, no retries).
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 1 ? 200 : 503 }));
		const result = await send(
			{
				url: receiver.url,
				signatureScheme: 'none',
				options: { retryDelays: '', giveUpAfterFailedCalls: 2 },
			},
			{ items: items(6) },
		);
		expectEachItemOnce(result, 6);
		expect(result.delivered.map(pairedIndex)).toEqual([1]);
		expect(receiver.calls).toHaveLength(4);
		expect(result.failed.map((item) => record(item).outcome)).toEqual([
			'answered 503; no retries left after 1 attempt',
			'answered 503; no retries left after 1 attempt',
			'answered 503; no retries left after 1 attempt',
			`gave up on POST ${receiver.url}/: 2 calls in a row to it failed; not sent`,
			`gave up on POST ${receiver.url}/: 2 calls in a row to it failed; not sent`,
		]);
	});

	it('calls waiting for a retry when the destination is given up on end at once', async () => {
		// Item 0 is answered 410 (given up on at once); the others 503, then they would wait 10 s.
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 0 ? 410 : 503 }));
		const { result, ms } = await timed(
			send(
				{
					url: receiver.url,
					signatureScheme: 'none',
					options: { retryDelays: '10', concurrency: 3, giveUpAfterFailedCalls: 1 },
				},
				{ items: items(5) },
			),
		);
		expect(ms).toBeLessThan(5000);
		expectEachItemOnce(result, 5);
		const byItem = new Map(result.failed.map((item) => [pairedIndex(item), record(item)]));
		expect(byItem.get(0)?.outcome).toMatch(/410 Gone/);
		for (const index of [1, 2]) {
			expect(byItem.get(index)?.outcome).toBe(
				`gave up on POST ${receiver.url}/: 1 call in a row to it failed; 1 attempt made, the last: answered 503`,
			);
		}
		for (const index of [3, 4]) expect(byItem.get(index)?.attempts).toEqual([]);
		expect(receiver.calls).toHaveLength(3);
	});

	it('0 never gives up: every call spends its retries', async () => {
		const url = await deadPort();
		const { failed } = await send(
			{
				url,
				signatureScheme: 'none',
				options: { retryDelays: '0.01', giveUpAfterFailedCalls: 0 },
			},
			{ items: items(5) },
		);
		expect(failed.map((item) => record(item).attempts.length)).toEqual([2, 2, 2, 2, 2]);
	});
});

describe('Deadline (Seconds)', () => {
	it('a receiver that hangs: the attempt is cut at the deadline, and the calls after it are not sent', async () => {
		receiver.answer(() => 'hang');
		const { result, ms } = await timed(
			send(
				{ url: receiver.url, signatureScheme: 'none', options: { deadlineSeconds: 1 } },
				{ items: items(5) },
			),
		);
		// The attempt's own timeout is 10 s: the node ended on its deadline instead.
		expect(ms).toBeGreaterThanOrEqual(950);
		expect(ms).toBeLessThan(3000);
		expectEachItemOnce(result, 5);
		const [first, ...rest] = result.failed.map(record);
		expect(first.outcome).toMatch(
			/^deadline reached, 1 s after the node started \(Deadline option\); 1 attempt made, the last: TIMEOUT: timeout of \d+ms exceeded$/,
		);
		for (const each of rest) {
			expect(each.outcome).toBe(
				'deadline reached, 1 s after the node started (Deadline option); not sent',
			);
			expect(each.attempts).toEqual([]);
		}
		expect(receiver.calls).toHaveLength(1);
	});

	it('a retry that would come after the deadline is not waited for', async () => {
		receiver.answer(sequence({ status: 200 }, { status: 503 }));
		const { result, ms } = await timed(
			send(
				{
					url: receiver.url,
					signatureScheme: 'none',
					options: { deadlineSeconds: 5, retryDelays: '10' },
				},
				{ items: items(2) },
			),
		);
		expect(ms).toBeLessThan(3000);
		expectEachItemOnce(result, 2);
		expect(result.delivered.map(pairedIndex)).toEqual([0]);
		expect(record(result.failed[0]).outcome).toBe(
			'deadline too close: the retry in 10 s would come after the deadline, 5 s after the node started (Deadline option); 1 attempt made, the last: answered 503',
		);
		expect(record(result.failed[0]).attempts[0].retryInMs).toBeUndefined();
	});

	it("0 (automatic): the workflow's execution timeout less a margin, counted from the node's start", async () => {
		receiver.answer(() => 'hang');
		const { result, ms } = await timed(
			send(
				{ url: receiver.url, signatureScheme: 'none' },
				// 3 s: the margin is half of it (at least 2 s, at most half), so the node ends at 1.5 s.
				{ items: items(3), workflowSettings: { executionTimeout: 3 } },
			),
		);
		expect(ms).toBeGreaterThanOrEqual(1450);
		expect(ms).toBeLessThan(2900);
		expectEachItemOnce(result, 3);
		expect(record(result.failed[0]).outcome).toMatch(
			/^deadline reached, 1\.5 s after the node started \(the workflow's 3 s timeout, less 1\.5 s\); 1 attempt made/,
		);
	});

	it('with both, the earlier one wins; without either there is no deadline', async () => {
		receiver.answer(() => ({ status: 200, delayMs: 300 }));
		const both = await send(
			{ url: receiver.url, signatureScheme: 'none', options: { deadlineSeconds: 0.5 } },
			{ items: items(3), workflowSettings: { executionTimeout: 60 } },
		);
		expectEachItemOnce(both, 3);
		expect(both.delivered.map(pairedIndex)).toEqual([0]);
		expect(record(both.failed[0]).outcome).toMatch(
			/^deadline reached, 0\.5 s after the node started/,
		);

		const none = await send(
			{ url: receiver.url, signatureScheme: 'none' },
			{ items: items(3), workflowSettings: { executionTimeout: -1 } },
		);
		expect(none.delivered).toHaveLength(3);
	});

	it('with On Final Failure set to stop, a call ended by the deadline stops the workflow, naming it', async () => {
		receiver.answer(() => 'hang');
		const error = await send(
			{
				url: receiver.url,
				signatureScheme: 'none',
				onFailure: 'error',
				options: { deadlineSeconds: 0.5 },
			},
			{ items: items(2) },
		).then(
			() => undefined,
			(thrown: unknown) => thrown as NodeOperationError,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toMatch(
			new RegExp(`^Item 0 could not be delivered to ${receiver.url}/: deadline reached`),
		);
	});

	it('refuses a negative deadline or a fractional breaker limit', async () => {
		for (const [options, message] of [
			[{ deadlineSeconds: -1 }, /Deadline \(Seconds\) must be a number of seconds, 0 or more/],
			[{ giveUpAfterFailedCalls: 1.5 }, /Give Up on a Destination After must be a whole number/],
		] as const) {
			await expect(send({ url: receiver.url, signatureScheme: 'none', options })).rejects.toThrow(
				message,
			);
		}
		expect(receiver.calls).toHaveLength(0);
	});
});

describe('cancelling the execution (Stop, or n8n’s execution timeout)', () => {
	it('during a wait to retry: the node ends at once with normal outputs, what was delivered kept', async () => {
		// Item 0 is delivered, item 1 fails and would wait 10 s, item 2 is not reached.
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 1 ? 500 : 200 }));
		const controller = new AbortController();
		const run = timed(
			send(
				{ url: receiver.url, signatureScheme: 'none' },
				{ items: items(3), abortSignal: controller.signal },
			),
		);
		await waitFor(() => receiver.calls.length === 2);
		await new Promise((resolve) => setTimeout(resolve, 100));
		controller.abort();
		const { result, ms } = await run;
		expect(ms).toBeLessThan(3000);
		expectEachItemOnce(result, 3);
		expect(result.delivered.map(pairedIndex)).toEqual([0]);
		expect(record(result.delivered[0]).outcome).toBe('answered 200');
		expect(result.failed.map((item) => [pairedIndex(item), record(item).outcome])).toEqual([
			[1, 'cancelled: the execution was stopped; 1 attempt made, the last: answered 500'],
			[2, 'cancelled: the execution was stopped; not sent'],
		]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(receiver.calls).toHaveLength(2);
	});

	it('during an attempt: the request is aborted, and the item says so', async () => {
		receiver.answer(() => 'hang');
		const controller = new AbortController();
		const run = send(
			{ url: receiver.url, signatureScheme: 'none', options: { concurrency: 2 } },
			{ items: items(4), abortSignal: controller.signal },
		);
		await waitFor(() => receiver.calls.length === 2);
		controller.abort();
		const result = await run;
		expectEachItemOnce(result, 4);
		const outcomes = result.failed.map((item) => record(item).outcome);
		expect(outcomes.slice(0, 2)).toEqual([
			expect.stringMatching(/^cancelled: the execution was stopped; 1 attempt made, the last: /),
			expect.stringMatching(/^cancelled: the execution was stopped; 1 attempt made, the last: /),
		]);
		expect(outcomes.slice(2)).toEqual([
			'cancelled: the execution was stopped; not sent',
			'cancelled: the execution was stopped; not sent',
		]);
	});

	it('with On Final Failure set to stop, a cancel still returns the outputs rather than an error', async () => {
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 0 ? 200 : 500 }));
		const controller = new AbortController();
		const run = send(
			{ url: receiver.url, signatureScheme: 'none', onFailure: 'error' },
			{ items: items(3), abortSignal: controller.signal },
		);
		await waitFor(() => receiver.calls.length === 2);
		controller.abort();
		const result = await run;
		expectEachItemOnce(result, 3);
		expect(result.delivered.map(pairedIndex)).toEqual([0]);
		expect(result.failed.map((item) => record(item).outcome)).toEqual([
			expect.stringMatching(/^cancelled: /),
			'cancelled: the execution was stopped; not sent',
		]);
	});
});
