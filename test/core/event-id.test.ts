/**
 * A verified call's eventId: the provider's own id of the event, read from
 * the signed content, the same when the provider re-signs a retry with a new
 * timestamp (Stripe's own test-header helper signs both here), and never
 * read from a call whose signature does not hold.
 */
import Stripe from 'stripe';

import {
	GITHUB,
	PADDLE,
	SCHEMES,
	SLACK,
	STANDARD_WEBHOOKS,
	STRIPE,
	ReplayMemory,
	receive,
	sign,
	type CallName,
} from '../../core';
import { MAX_EVENT_ID_LENGTH } from '../../core/receive/eventId';

const stripe = new Stripe('sk_test_unused');
const STRIPE_SECRET = 'whsec_event_id_test_secret';

function stripeCall(payload: string, at: Date) {
	const header = stripe.webhooks.generateTestHeaderString({
		payload,
		secret: STRIPE_SECRET,
		timestamp: Math.floor(at.getTime() / 1000),
	});
	return {
		body: Buffer.from(payload),
		headers: { 'stripe-signature': header, 'content-type': 'application/json' },
	};
}

describe('eventId', () => {
	const event = JSON.stringify({
		id: 'evt_1Q2w3E4r',
		object: 'event',
		type: 'invoice.paid',
		data: { object: { id: 'in_1' } },
	});

	it('Stripe: a retry re-signed 60 s later has another replay key but the same eventId', async () => {
		const first = new Date('2026-12-06T10:00:00Z');
		const retry = new Date(first.getTime() + 60_000);
		const a = await receive(STRIPE, { primary: STRIPE_SECRET }, stripeCall(event, first), {
			now: first,
		});
		const b = await receive(STRIPE, { primary: STRIPE_SECRET }, stripeCall(event, retry), {
			now: retry,
		});
		if (!a.ok || !b.ok) throw new Error('both calls should verify');
		expect(a.verification.eventId).toBe('evt_1Q2w3E4r');
		expect(b.verification.eventId).toBe('evt_1Q2w3E4r');
		expect(a.verification.replayKey).not.toBe(b.verification.replayKey);
	});

	it('is never read from a call whose signature does not hold', async () => {
		const now = new Date('2026-12-06T10:00:00Z');
		const forged = await receive(STRIPE, { primary: 'another secret' }, stripeCall(event, now), {
			now,
		});
		expect(forged).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		expect(JSON.stringify(forged)).not.toContain('evt_1Q2w3E4r');
	});

	it.each([
		[
			'Slack',
			SLACK,
			{ token: 'x', event_id: 'Ev08MFMKH6', event: { type: 'app_mention' } },
			'Ev08MFMKH6',
		],
		[
			'Paddle',
			PADDLE,
			{ event_id: 'evt_01hv8x2acma2gz', event_type: 'transaction.paid' },
			'evt_01hv8x2acma2gz',
		],
		['Stripe, a number id', STRIPE, { id: 42 }, '42'],
		['Stripe, no id', STRIPE, { type: 'x' }, undefined],
		['Stripe, an object id', STRIPE, { id: { nested: 'evt_1' } }, undefined],
		['Stripe, an id too long', STRIPE, { id: 'e'.repeat(MAX_EVENT_ID_LENGTH + 1) }, undefined],
		['GitHub, no event id in its signed content', GITHUB, { id: 'evt_not_github' }, undefined],
	])('%s', async (_name, scheme, payload, expected) => {
		const now = new Date();
		const body = Buffer.from(JSON.stringify(payload));
		const secrets = { primary: 'event-id-secret' };
		const headers = {
			'content-type': 'application/json',
			...sign(scheme, secrets, body, { timestamp: now, id: 'msg_1' }),
		};
		const result = await receive(scheme, secrets, { body, headers }, { now });
		if (!result.ok) throw new Error(result.detail);
		expect(result.verification.eventId).toBe(expected);
	});

	it("Standard Webhooks: the signed webhook-id is the event's id", async () => {
		const now = new Date();
		const secrets = { primary: `whsec_${Buffer.from('event id secret').toString('base64')}` };
		const body = Buffer.from('{"type":"x"}');
		const headers = sign(STANDARD_WEBHOOKS, secrets, body, { timestamp: now, id: 'msg_2abc' });
		const result = await receive(STANDARD_WEBHOOKS, secrets, { body, headers }, { now });
		expect(result).toMatchObject({
			ok: true,
			verification: { id: 'msg_2abc', eventId: 'msg_2abc' },
		});
	});

	it('every scheme that names a body member cites where the provider documents it', () => {
		const withIds = SCHEMES.filter((scheme) => scheme.signedEventId);
		expect(withIds.map((scheme) => scheme.id).sort()).toEqual([
			'intercom',
			'paddle',
			'slack',
			'square',
			'stripe',
		]);
		for (const scheme of withIds) expect(scheme.signedEventId?.source).toMatch(/^https:\/\//);
	});
});

describe('replay protection named by the event id', () => {
	const event = JSON.stringify({ id: 'evt_once_1', object: 'event', type: 'invoice.paid' });
	const first = new Date('2026-12-06T10:00:00Z');
	const retryAt = new Date(first.getTime() + 60_000);

	/** Receives a Stripe call signed at `at`, into `store`, named by `nameBy`. */
	const deliver = (store: ReplayMemory, at: Date, nameBy?: CallName, payload = event) =>
		receive(STRIPE, { primary: STRIPE_SECRET }, stripeCall(payload, at), {
			now: at,
			replay: { store, rememberSeconds: 3 * 24 * 3600, duplicateStatus: 200, nameBy },
		});

	it('a processed event retried re-signed 60 s later starts nothing and is answered 200', async () => {
		const store = new ReplayMemory();
		const processed = await deliver(store, first, 'eventId');
		if (!processed.ok || !processed.settle) throw new Error('the first call should be claimed');
		processed.settle('succeeded');
		const retry = await deliver(store, retryAt, 'eventId');
		expect(retry).toMatchObject({
			ok: false,
			reason: 'replayed_id',
			status: 200,
			detail: 'Event evt_once_1 was already processed',
		});
	});

	it('named by what the signature covers (the default), the same retry runs again', async () => {
		const store = new ReplayMemory();
		const processed = await deliver(store, first);
		if (!processed.ok || !processed.settle) throw new Error('the first call should be claimed');
		processed.settle('succeeded');
		const retry = await deliver(store, retryAt);
		expect(retry).toMatchObject({ ok: true });
	});

	it('a retry of an event whose run failed runs; one while it still runs gets 503', async () => {
		const store = new ReplayMemory();
		const failing = await deliver(store, first, 'eventId');
		if (!failing.ok || !failing.settle) throw new Error('the first call should be claimed');
		const whileRunning = await deliver(store, new Date(first.getTime() + 1000), 'eventId');
		expect(whileRunning).toMatchObject({ ok: false, reason: 'in_progress', status: 503 });
		failing.settle('failed');
		const retry = await deliver(store, retryAt, 'eventId');
		expect(retry).toMatchObject({ ok: true, verification: { eventId: 'evt_once_1' } });
	});

	it('a call without an event id is named by what its signature covers', async () => {
		const store = new ReplayMemory();
		const noId = JSON.stringify({ object: 'event', type: 'ping' });
		const processed = await deliver(store, first, 'eventId', noId);
		if (!processed.ok || !processed.settle) throw new Error('the first call should be claimed');
		processed.settle('succeeded');
		expect(await deliver(store, first, 'eventId', noId)).toMatchObject({
			ok: false,
			reason: 'replayed_id',
			detail: 'This exact call was already processed',
		});
		// Re-signed, it is another call: without an id nothing says it is the same event.
		expect(await deliver(store, retryAt, 'eventId', noId)).toMatchObject({ ok: true });
	});

	it('two events with different ids are both processed', async () => {
		const store = new ReplayMemory();
		const a = await deliver(store, first, 'eventId');
		if (!a.ok || !a.settle) throw new Error('claimed');
		a.settle('succeeded');
		const other = event.replace('evt_once_1', 'evt_once_2');
		expect(await deliver(store, first, 'eventId', other)).toMatchObject({ ok: true });
	});

	it('the store is handed a hash, never the event id itself', async () => {
		const keys: string[] = [];
		const memory = new ReplayMemory();
		const spy = {
			claim: (key: string, request: Parameters<ReplayMemory['claim']>[1]) => {
				keys.push(key);
				return memory.claim(key, request);
			},
		};
		await receive(STRIPE, { primary: STRIPE_SECRET }, stripeCall(event, first), {
			now: first,
			replay: { store: spy, rememberSeconds: 60, duplicateStatus: 200, nameBy: 'eventId' },
		});
		expect(keys).toHaveLength(1);
		expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(keys[0]).not.toContain('evt_once_1');
	});
});

describe("providerRetry: Slack's retry marks on a verified call", () => {
	const secrets = { primary: 'slack-signing-secret' };
	const body = Buffer.from('{"type":"event_callback","event_id":"Ev1"}');

	const slackCall = async (marks: Record<string, string>) => {
		const now = new Date();
		const headers = { ...sign(SLACK, secrets, body, { timestamp: now }), ...marks };
		return receive(SLACK, secrets, { body, headers }, { now });
	};

	it.each([
		[
			{ 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_timeout' },
			{ number: 2, reason: 'http_timeout' },
		],
		[{ 'x-slack-retry-num': '1' }, { number: 1 }],
		[{ 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': '<script>' }, { number: 1 }],
		[{ 'X-Slack-Retry-Num': 'two' }, undefined],
		[{ 'X-Slack-Retry-Num': '99999' }, undefined],
		[{}, undefined],
	])('%j → %j', async (marks, expected) => {
		const result = await slackCall(marks);
		if (!result.ok) throw new Error(result.detail);
		expect(result.verification.providerRetry).toEqual(expected);
	});

	it('is not shown for a call whose signature does not hold', async () => {
		const now = new Date();
		const headers = {
			...sign(SLACK, { primary: 'another' }, body, { timestamp: now }),
			'X-Slack-Retry-Num': '1',
		};
		const result = await receive(SLACK, secrets, { body, headers }, { now });
		expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		expect(JSON.stringify(result)).not.toContain('providerRetry');
	});

	it('is read only for schemes that name retry headers', () => {
		expect(SCHEMES.filter((scheme) => scheme.retryHeaders).map((scheme) => scheme.id)).toEqual([
			'slack',
		]);
	});
});
