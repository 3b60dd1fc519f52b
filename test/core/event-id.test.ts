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
	receive,
	sign,
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
