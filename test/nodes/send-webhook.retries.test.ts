/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * Faults injected by a real receiver: the node retries what the policy says,
 * with real (shortened) waits, re-signing every attempt under one delivery id,
 * and every item ends in exactly one output.
 */
import { createHmac } from 'node:crypto';

import { header, sequence, startReceiver, type Receiver } from '../helpers/receiver';
import { FAST_RETRIES, items, record, send } from './sendWebhookHarness';

let receiver: Receiver;
let other: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
	other = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
	await other.close();
});

/** A Generic HMAC scheme with a millisecond timestamp and an id, both signed: fresh signing is visible. */
const genericMs = {
	signatureScheme: 'generic',
	signatureHeader: 'X-Sig',
	genericSignedContent: '{id}.{timestamp}.{body}',
	genericTimestampHeader: 'X-Ts',
	genericTimestampFormat: 'unix-ms',
	genericIdHeader: 'X-Id',
};
const secret = 'retry-secret';

function signatureOk(call: (typeof receiver.calls)[number]): boolean {
	const content = `${header(call, 'x-id')}.${header(call, 'x-ts')}.${call.body.toString()}`;
	return header(call, 'x-sig') === createHmac('sha256', secret).update(content).digest('hex');
}

describe('retries', () => {
	it('500, 500, then 200: three attempts after the scheduled waits, re-signed, one delivery id', async () => {
		receiver.answer(
			sequence({ status: 500 }, { status: 500, body: 'still down' }, { status: 200 }),
		);
		const { delivered, failed } = await send(
			{ url: receiver.url, ...genericMs, options: { retryDelays: '0.2, 0.4' } },
			{ secret },
		);

		expect(failed).toEqual([]);
		const calls = receiver.calls;
		expect(calls).toHaveLength(3);
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(200);
		expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(400);
		expect(calls.every(signatureOk)).toBe(true);
		expect(new Set(calls.map((call) => header(call, 'x-id'))).size).toBe(1);
		const stamps = calls.map((call) => Number(header(call, 'x-ts')));
		expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(200);
		expect(stamps[2] - stamps[1]).toBeGreaterThanOrEqual(400);
		// The bytes are the same every time; only the signed timestamp moves.
		expect(new Set(calls.map((call) => call.body.toString())).size).toBe(1);

		const delivery = record(delivered[0]);
		expect(delivery.id).toBe(header(calls[0], 'x-id'));
		expect(delivery.attempts.map((a) => [a.statusCode, a.retryInMs])).toEqual([
			[500, 200],
			[500, 400],
			[200, undefined],
		]);
	});

	it('gives up after the last attempt and routes the item to Failed, with what happened', async () => {
		receiver.answer(() => ({ status: 502, body: '{"error":"bad gateway"}' }));
		const { delivered, failed } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: FAST_RETRIES,
		});
		expect(delivered).toEqual([]);
		expect(receiver.calls).toHaveLength(3);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(record(failed[0])).toMatchObject({
			delivered: false,
			statusCode: 502,
			outcome: 'answered 502; no retries left after 3 attempts',
			response: { statusCode: 502, body: { error: 'bad gateway' } },
		});
	});

	it('honours Retry-After on a 503 (longer than the schedule), and retries a 429', async () => {
		receiver.answer(
			sequence({ status: 503, headers: { 'retry-after': '1' } }, { status: 429 }, { status: 204 }),
		);
		const { delivered } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: FAST_RETRIES,
		});
		expect(delivered).toHaveLength(1);
		const [first, second, third] = receiver.calls;
		expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
		expect(third.at - second.at).toBeLessThan(1000);
		expect(record(delivered[0]).attempts.map((a) => a.retryInMs)).toEqual([1000, 100, undefined]);
	});

	it('cuts a Retry-After longer than the cap to the cap', async () => {
		receiver.answer(sequence({ status: 503, headers: { 'retry-after': '3600' } }, { status: 200 }));
		const { delivered } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: { ...FAST_RETRIES, retryAfterCap: 0.3 },
		});
		expect(record(delivered[0]).attempts[0].retryInMs).toBe(300);
		expect(receiver.calls[1].at - receiver.calls[0].at).toBeGreaterThanOrEqual(300);
		expect(receiver.calls[1].at - receiver.calls[0].at).toBeLessThan(3000);
	});

	it('410 Gone stops at once', async () => {
		receiver.answer(() => ({ status: 410 }));
		const { failed } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: FAST_RETRIES,
		});
		expect(receiver.calls).toHaveLength(1);
		expect(record(failed[0]).outcome).toMatch(/410 Gone/);
	});

	it('a 4xx is retried by default, and not when 3xx/4xx retries are off', async () => {
		receiver.answer(() => ({ status: 400 }));
		await send({ url: receiver.url, signatureScheme: 'none', options: FAST_RETRIES });
		expect(receiver.calls).toHaveLength(3);

		const once = await startReceiver(() => ({ status: 404 }));
		const { failed } = await send({
			url: once.url,
			signatureScheme: 'none',
			options: { ...FAST_RETRIES, retryClientErrors: false },
		});
		await once.close();
		expect(once.calls).toHaveLength(1);
		expect(record(failed[0]).outcome).toBe('answered 404; 3xx/4xx answers are not retried');
	});
});

describe('network faults', () => {
	it('a redirect is not followed: the signed body never reaches the Location', async () => {
		receiver.answer(() => ({ status: 301, headers: { location: `${other.url}/elsewhere` } }));
		const { failed } = await send(
			{
				url: receiver.url,
				signatureScheme: 'github',
				options: { ...FAST_RETRIES, retryClientErrors: false },
			},
			{ secret },
		);
		expect(receiver.calls).toHaveLength(1);
		expect(other.calls).toHaveLength(0);
		expect(record(failed[0])).toMatchObject({
			statusCode: 301,
			outcome: expect.stringMatching(/redirects are not followed/),
		});
	});

	it('a receiver that hangs past the timeout fails that attempt, and the retry is delivered', async () => {
		receiver.answer(sequence('hang', { status: 200 }));
		const { delivered } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: { ...FAST_RETRIES, timeout: 300 },
		});
		expect(receiver.calls).toHaveLength(2);
		const [first, second] = record(delivered[0]).attempts;
		expect(first.statusCode).toBeUndefined();
		expect(first.error).toMatch(/^TIMEOUT: /);
		expect(first.durationMs).toBeGreaterThanOrEqual(250);
		expect(second.statusCode).toBe(200);
	});

	it('a connection reset is retried', async () => {
		receiver.answer(sequence('reset', 'reset', { status: 200 }));
		const { delivered } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: FAST_RETRIES,
		});
		expect(receiver.calls).toHaveLength(3);
		const attempts = record(delivered[0]).attempts;
		expect(attempts[0].error).toMatch(/ECONNRESET|socket hang up/);
		expect(attempts[2].statusCode).toBe(200);
	});

	it('a refused connection is an attempt that failed, not a crash', async () => {
		const closed = await startReceiver();
		const url = closed.url;
		await closed.close();
		const { failed } = await send({
			url,
			signatureScheme: 'none',
			options: { retryDelays: '0.01' },
		});
		expect(record(failed[0]).attempts.map((a) => a.error)).toEqual([
			expect.stringMatching(/^ECONNREFUSED: /),
			expect.stringMatching(/^ECONNREFUSED: /),
		]);
	});

	it('a slow answer within the timeout is delivered', async () => {
		receiver.answer(() => ({ status: 200, delayMs: 400 }));
		const { delivered } = await send({
			url: receiver.url,
			signatureScheme: 'none',
			options: { timeout: 5000 },
		});
		expect(record(delivered[0]).attempts[0].durationMs).toBeGreaterThanOrEqual(390);
	});
});

describe('every item ends in exactly one output', () => {
	it('splits a mixed run: items for a healthy URL delivered, for a broken one failed', async () => {
		other.answer(() => ({ status: 500 }));
		const input = items(6, (i) => ({ id: i, healthy: i % 2 === 0 }));
		const { delivered, failed } = await send(
			{
				url: `={{ $json.healthy ? "${receiver.url}" : "${other.url}" }}`,
				signatureScheme: 'none',
				batching: 'batch',
				batchSize: 2,
				options: { retryDelays: '0.01, 0.01' },
			},
			{ items: input },
		);
		expect(delivered.map((item) => item.json.id)).toEqual([0, 2, 4]);
		expect(failed.map((item) => item.json.id)).toEqual([1, 3, 5]);
		expect(
			[...delivered, ...failed].map((item) => (item.pairedItem as { item: number }).item).sort(),
		).toEqual([0, 1, 2, 3, 4, 5]);
		// 2 calls to each URL (batches of 2 and 1); the broken one tried 3 times each.
		expect(receiver.calls).toHaveLength(2);
		expect(other.calls).toHaveLength(6);
	});
});

describe("the default schedule (Smarter Launch's): 10 s, then 100 s, then no more", () => {
	afterEach(() => {
		jest.useRealTimers();
	});

	it('waits exactly 10 s and 100 s of (fake) time between three attempts', async () => {
		// Only timers and the clock are faked; sockets and I/O callbacks stay real.
		jest.useFakeTimers({
			doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
		});
		receiver.answer(() => ({ status: 500 }));
		let settled = false;
		const run = send({ url: receiver.url, signatureScheme: 'none' }).finally(() => {
			settled = true;
		});
		const step = 100;
		for (let guard = 0; !settled && guard < 5000; guard++) {
			// Let real I/O progress, then move the clock by one step.
			await new Promise((resolve) => setImmediate(resolve));
			if (receiver.calls.length > 0) await jest.advanceTimersByTimeAsync(step);
		}
		const { failed } = await run;
		const [first, second, third] = receiver.calls;
		expect(receiver.calls).toHaveLength(3);
		expect(second.at - first.at).toBeGreaterThanOrEqual(10_000);
		expect(second.at - first.at).toBeLessThanOrEqual(10_000 + 2 * step);
		expect(third.at - second.at).toBeGreaterThanOrEqual(100_000);
		expect(third.at - second.at).toBeLessThanOrEqual(100_000 + 2 * step);
		expect(record(failed[0]).attempts.map((a) => a.retryInMs)).toEqual([
			10_000,
			100_000,
			undefined,
		]);
	});
});
