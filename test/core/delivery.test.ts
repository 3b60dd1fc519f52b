/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
import {
	createServer,
	request as httpRequest,
	type IncomingHttpHeaders,
	type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	DEFAULT_RETRY_POLICY,
	deliver,
	mapWithConcurrency,
	newDeliveryId,
	sign,
	STANDARD_WEBHOOKS,
	verify,
	type AttemptContext,
	type AttemptOutcome,
	type DeliveryIo,
} from '../../core';

/** A virtual clock: sleeping and sending move it, nothing really waits. */
function virtualIo(answers: (AttemptOutcome | Error)[], sendTakesMs = 25) {
	let clock = Date.parse('2026-11-22T12:00:00Z');
	const prepared: AttemptContext[] = [];
	const slept: number[] = [];
	const io: DeliveryIo<AttemptContext> = {
		prepare: (context) => {
			prepared.push(context);
			return context;
		},
		send: async () => {
			clock += sendTakesMs;
			const answer = answers.shift();
			if (!answer) throw new Error('test sent more attempts than it scripted');
			if (answer instanceof Error) throw answer;
			return answer;
		},
		sleep: async (ms) => {
			slept.push(ms);
			clock += ms;
		},
		now: () => new Date(clock),
	};
	return { io, prepared, slept, remaining: answers };
}

const status = (code: number, headers: Record<string, string> = {}): AttemptOutcome => ({
	kind: 'response',
	status: code,
	headers,
	body: `answer ${code}`,
});

describe('deliver, with retries handed back to a Wait node outside', () => {
	const handBack = { handBackRetries: true };

	it('each pass makes one attempt and says when the next is due; the schedule goes on across passes', async () => {
		const first = virtualIo([status(503)]);
		const pass1 = await deliver(first.io, DEFAULT_RETRY_POLICY, 'msg_h', undefined, handBack);
		expect(pass1).toMatchObject({
			delivered: false,
			retryInMs: 10_000,
			outcome: 'answered 503; attempt 2 due in 10 s',
		});
		expect(first.slept).toEqual([]); // nothing waited inside

		const second = virtualIo([status(502)]);
		const pass2 = await deliver(second.io, DEFAULT_RETRY_POLICY, 'msg_h', undefined, {
			...handBack,
			earlierAttempts: pass1.attempts,
		});
		expect(second.prepared.map((context) => [context.attempt, context.id])).toEqual([[2, 'msg_h']]);
		expect(pass2.retryInMs).toBe(100_000);

		const third = virtualIo([status(500)]);
		const pass3 = await deliver(third.io, DEFAULT_RETRY_POLICY, 'msg_h', undefined, {
			...handBack,
			earlierAttempts: pass2.attempts,
		});
		expect(pass3).toMatchObject({
			delivered: false,
			outcome: 'answered 500; no retries left after 3 attempts',
		});
		expect(pass3.retryInMs).toBeUndefined();
		expect(pass3.attempts.map((a) => [a.attempt, a.status, a.retryInMs])).toEqual([
			[1, 503, 10_000],
			[2, 502, 100_000],
			[3, 500, undefined],
		]);
	});

	it('a pass that is answered 2xx is delivered; a 410 is given up at once; Retry-After is honoured', async () => {
		const ok = virtualIo([status(200)]);
		const okResult = await deliver(ok.io, DEFAULT_RETRY_POLICY, 'msg_o', undefined, handBack);
		expect(okResult.delivered).toBe(true);
		expect(okResult).not.toHaveProperty('retryInMs');
		const gone = virtualIo([status(410)]);
		const goneResult = await deliver(gone.io, DEFAULT_RETRY_POLICY, 'msg_g', undefined, handBack);
		expect(goneResult.retryInMs).toBeUndefined();
		expect(goneResult.outcome).toMatch(/410 Gone/);
		const later = virtualIo([status(429, { 'retry-after': '120' })]);
		expect(
			(await deliver(later.io, DEFAULT_RETRY_POLICY, 'msg_l', undefined, handBack)).retryInMs,
		).toBe(120_000);
	});
});

describe('deliver (virtual clock)', () => {
	it('fails twice, waits 10 s then 100 s, and is delivered on the third attempt', async () => {
		const { io, prepared, slept } = virtualIo([status(500), status(503), status(200)]);
		const result = await deliver(io, DEFAULT_RETRY_POLICY, 'msg_1');
		expect(result).toMatchObject({
			id: 'msg_1',
			delivered: true,
			outcome: 'answered 200',
			lastResponse: { status: 200 },
		});
		expect(slept).toEqual([10_000, 100_000]);
		expect(result.attempts.map((a) => [a.attempt, a.status, a.retryInMs])).toEqual([
			[1, 500, 10_000],
			[2, 503, 100_000],
			[3, 200, undefined],
		]);
		expect(result.attempts.every((a) => a.durationMs === 25)).toBe(true);
		// Same id on every attempt; each attempt signed at its own moment.
		expect(prepared.map((p) => p.id)).toEqual(['msg_1', 'msg_1', 'msg_1']);
		const starts = prepared.map((p) => p.timestamp.getTime() - prepared[0].timestamp.getTime());
		expect(starts).toEqual([0, 25 + 10_000, 25 + 10_000 + 25 + 100_000]);
	});

	it('gives up after 3 attempts, saying so', async () => {
		const { io, slept } = virtualIo([status(500), status(500), status(500)]);
		const result = await deliver(io, DEFAULT_RETRY_POLICY, 'msg_2');
		expect(result.delivered).toBe(false);
		expect(result.outcome).toBe('answered 500; no retries left after 3 attempts');
		expect(result.attempts).toHaveLength(3);
		expect(slept).toEqual([10_000, 100_000]);
	});

	it('stops at once on 410 Gone', async () => {
		const { io, slept } = virtualIo([status(410)]);
		const result = await deliver(io, DEFAULT_RETRY_POLICY, 'msg_3');
		expect(result).toMatchObject({ delivered: false, attempts: [{ attempt: 1, status: 410 }] });
		expect(result.outcome).toMatch(/410 Gone/);
		expect(slept).toEqual([]);
	});

	it('honours Retry-After on 503 and 429, capped', async () => {
		const { io, slept } = virtualIo([
			status(503, { 'retry-after': '45' }),
			status(429, { 'retry-after': '99999' }),
			status(202),
		]);
		const result = await deliver(io, DEFAULT_RETRY_POLICY, 'msg_4');
		expect(result.delivered).toBe(true);
		expect(slept).toEqual([45_000, 300_000]);
	});

	it('retries network errors and a send that throws', async () => {
		const { io } = virtualIo([
			{ kind: 'error', code: 'ECONNRESET', message: 'socket hang up' },
			new Error('broken transport'),
			status(200),
		]);
		const result = await deliver(io, DEFAULT_RETRY_POLICY, 'msg_5');
		expect(result.delivered).toBe(true);
		expect(result.attempts.map((a) => a.error)).toEqual([
			'ECONNRESET: socket hang up',
			'send_failed: broken transport',
			undefined,
		]);
	});

	it('with 3xx/4xx retries off, a 301 or 400 fails at once', async () => {
		for (const code of [301, 400]) {
			const { io } = virtualIo([status(code)]);
			const result = await deliver(
				io,
				{ ...DEFAULT_RETRY_POLICY, retryClientErrors: false },
				'msg_6',
			);
			expect(result).toMatchObject({ delivered: false, attempts: [{ status: code }] });
		}
	});

	it('a cancelled wait ends the delivery: no further attempt is sent', async () => {
		const { io, remaining } = virtualIo([status(500), status(200)]);
		io.sleep = async () => {
			throw new Error('The execution was cancelled');
		};
		await expect(deliver(io, DEFAULT_RETRY_POLICY, 'msg_7')).rejects.toThrow('cancelled');
		expect(remaining).toHaveLength(1);
	});
});

describe('deliver (real loopback server, real waits)', () => {
	let server: Server;
	let url: string;
	const received: { at: number; headers: IncomingHttpHeaders; body: Buffer }[] = [];
	const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

	beforeAll(async () => {
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(chunks);
				received.push({ at: Date.now(), headers: req.headers, body });
				// The receiver checks every attempt's signature independently.
				const check = verify(STANDARD_WEBHOOKS, { primary: secret }, body, req.headersDistinct, {
					now: new Date(),
				});
				res.statusCode = !check.ok ? 401 : received.length < 3 ? 503 : 200;
				res.end(check.ok ? 'ok' : check.reason);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	function post(body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
		return new Promise((resolve) => {
			const req = httpRequest(
				url,
				{ method: 'POST', headers: { ...headers, 'content-type': 'application/json' } },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () =>
						resolve({
							kind: 'response',
							status: res.statusCode ?? 0,
							headers: res.headers,
							body: Buffer.concat(chunks).toString(),
						}),
					);
				},
			);
			req.on('error', (error: NodeJS.ErrnoException) =>
				resolve({ kind: 'error', code: error.code ?? 'ERROR', message: error.message }),
			);
			req.end(body);
		});
	}

	it('fails twice, retries after the (shortened) delays, re-signs each attempt, same id', async () => {
		const body = JSON.stringify([{ id: 1 }, { id: 2 }]);
		const id = newDeliveryId();
		const result = await deliver(
			{
				prepare: ({ timestamp, id: deliveryId }) =>
					sign(STANDARD_WEBHOOKS, { primary: secret }, body, { timestamp, id: deliveryId }),
				send: (headers) => post(body, headers),
				sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
				now: () => new Date(),
			},
			{ ...DEFAULT_RETRY_POLICY, delaysSeconds: [0.1, 0.3] },
			id,
		);
		expect(result.delivered).toBe(true);
		expect(result.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
		expect(received.map((r) => r.body.toString())).toEqual([body, body, body]);
		expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
		expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
		// The waits really happened (timers may fire a little late, never early).
		expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(95);
		expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(295);
	});
});

describe('mapWithConcurrency', () => {
	it('keeps result order and never exceeds the limit', async () => {
		let inFlight = 0;
		let peak = 0;
		const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 3, async (n) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setTimeout(resolve, n * 5));
			inFlight--;
			return n * 10;
		});
		expect(results).toEqual([50, 10, 40, 20, 30, 0]);
		expect(peak).toBe(3);
	});

	it('with a limit of 1 runs strictly in order', async () => {
		const order: number[] = [];
		await mapWithConcurrency([3, 1, 2], 1, async (n) => {
			await new Promise((resolve) => setTimeout(resolve, n * 5));
			order.push(n);
		});
		expect(order).toEqual([3, 1, 2]);
	});
});
