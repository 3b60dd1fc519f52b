/**
 * The checks that need no secret (inspectCall, and the receiver's
 * inspectIncoming around it): what verify() refuses without the secret is
 * refused the same way without it, so a receiver can answer such calls
 * before loading its secret; a call that only the signature can decide is
 * left to the signature check.
 */
import { createHmac } from 'node:crypto';

import {
	GITHUB,
	STANDARD_WEBHOOKS,
	STRIPE,
	inspectIncoming,
	sign,
	verify,
	type HeaderBag,
	type HmacScheme,
} from '../../core';
import { precheck } from '../helpers/precheck';

const secret = 'precheck-test-secret';
const whsec = `whsec_${Buffer.from(secret).toString('base64')}`;
const body = Buffer.from('{"event":"order.paid"}');
const now = new Date('2026-11-26T12:00:00Z');
const unix = Math.floor(now.getTime() / 1000);

interface Case {
	readonly name: string;
	readonly scheme: HmacScheme;
	readonly secret: string;
	readonly headers: HeaderBag;
	readonly reason: string;
}

const signedStandard = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, {
	timestamp: new Date((unix - 3600) * 1000),
	id: 'msg_1',
});

const refusedWithoutSecret: Case[] = [
	{ name: 'no signature header', scheme: GITHUB, secret, headers: {}, reason: 'missing_header' },
	{
		name: 'a signature header sent twice',
		scheme: GITHUB,
		secret,
		headers: { 'x-hub-signature-256': ['sha256=00', 'sha256=11'] },
		reason: 'duplicate_header',
	},
	{
		name: 'a signature that is not a digest',
		scheme: GITHUB,
		secret,
		headers: { 'x-hub-signature-256': 'sha256=zz' },
		reason: 'malformed_header',
	},
	{
		name: 'no timestamp (Stripe)',
		scheme: STRIPE,
		secret,
		headers: { 'stripe-signature': `v1=${'a'.repeat(64)}` },
		reason: 'timestamp_missing',
	},
	{
		name: 'a timestamp an hour old, properly signed (Standard Webhooks)',
		scheme: STANDARD_WEBHOOKS,
		secret: whsec,
		headers: signedStandard,
		reason: 'timestamp_too_old',
	},
	{
		name: 'a timestamp an hour old, forged (the window is checked before the signature)',
		scheme: STANDARD_WEBHOOKS,
		secret: whsec,
		headers: { ...signedStandard, 'webhook-signature': `v1,${'A'.repeat(43)}=` },
		reason: 'timestamp_too_old',
	},
];

describe('calls refused without the secret', () => {
	it.each(refusedWithoutSecret)('$name: $reason, as verify() says', (c) => {
		const early = precheck(c.scheme, body, c.headers, { now });
		expect(early).toMatchObject({ ok: false, reason: c.reason });
		expect(verify(c.scheme, { primary: c.secret }, body, c.headers, { now })).toEqual(early);
	});

	it('inspectIncoming answers as receive() would (status and reason)', () => {
		const answer = inspectIncoming(GITHUB, { body, headers: {} }, { now }, 403);
		expect(answer).toEqual({
			ok: false,
			reason: 'missing_header',
			detail: 'Header X-Hub-Signature-256 is missing',
			status: 403,
		});
		expect(
			inspectIncoming(
				GITHUB,
				{ body, headers: { 'content-type': 'multipart/form-data; boundary=x' } },
				{ now },
			),
		).toMatchObject({ ok: false, reason: 'unsupported_body', status: 415 });
	});
});

describe('calls only the signature can decide', () => {
	it('a well-formed forgery and an authentic call both pass the precheck', () => {
		const forged = {
			'x-hub-signature-256': `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`,
		};
		const authentic = sign(GITHUB, { primary: secret }, body);
		expect(precheck(GITHUB, body, forged, { now })).toBeUndefined();
		expect(precheck(GITHUB, body, authentic, { now })).toBeUndefined();
		expect(inspectIncoming(GITHUB, { body, headers: forged }, { now })).toMatchObject({ ok: true });
		expect(verify(GITHUB, { primary: secret }, body, forged, { now })).toMatchObject({
			reason: 'signature_mismatch',
		});
	});
});
