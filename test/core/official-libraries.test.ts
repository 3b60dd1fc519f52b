/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * Cross-checks against the providers' own libraries (dev dependencies only):
 * what we sign, they accept; what they sign, we accept; one changed byte,
 * both refuse. The libraries read the real clock, so these tests sign "now".
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';

import { GITHUB, GOODFIT, STANDARD_WEBHOOKS, STRIPE, SVIX, sign, verify } from '../../core';
import { reasonOf } from '../helpers/results';

const payloads = [
	'{"type":"invoice.paid","data":{"amount":4200}}',
	'{\n  "pretty": "printed",\n  "unicode": "Grüße ✓ \u2028"\n}',
	JSON.stringify({
		records: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `record ${i}` })),
	}),
];

function tamper(text: string): string {
	const bytes = Buffer.from(text);
	bytes[Math.floor(bytes.length / 2)] ^= 0x01;
	return bytes.toString('latin1');
}

describe.each([
	{ name: 'standardwebhooks', scheme: STANDARD_WEBHOOKS, Library: StandardWebhook },
	{ name: 'svix', scheme: SVIX, Library: SvixWebhook },
])('$name', ({ scheme, Library }) => {
	const secret = `whsec_${randomBytes(32).toString('base64')}`;
	const library = new Library(secret);
	const prefix = scheme.id === 'svix' ? 'svix' : 'webhook';

	it.each(payloads)('accepts what we sign, and we accept what it signs (%#)', (payload) => {
		const now = new Date();
		const ours = sign(scheme, { primary: secret }, payload, { id: 'msg_cross', timestamp: now });
		expect(() => library.verify(payload, ours)).not.toThrow();

		const signature = library.sign('msg_theirs', now, payload);
		const theirs = {
			[`${prefix}-id`]: 'msg_theirs',
			[`${prefix}-timestamp`]: String(Math.floor(now.getTime() / 1000)),
			[`${prefix}-signature`]: signature,
		};
		expect(
			verify(scheme, { primary: secret }, Buffer.from(payload), theirs, { now }),
		).toMatchObject({ ok: true });
		// Same digest, byte for byte.
		expect(
			sign(scheme, { primary: secret }, payload, { id: 'msg_theirs', timestamp: now })[
				`${prefix}-signature`
			],
		).toBe(signature);
	});

	it('both refuse a changed byte', () => {
		const now = new Date();
		const payload = payloads[0];
		const ours = sign(scheme, { primary: secret }, payload, { id: 'msg_cross', timestamp: now });
		expect(() => library.verify(tamper(payload), ours)).toThrow();
		expect(
			verify(scheme, { primary: secret }, Buffer.from(tamper(payload), 'latin1'), ours, { now }).ok,
		).toBe(false);
	});

	it('accepts our rotation header (one signature per secret)', () => {
		const other = `whsec_${randomBytes(32).toString('base64')}`;
		const now = new Date();
		const headers = sign(scheme, { primary: other, secondary: secret }, payloads[0], {
			id: 'msg_rot',
			timestamp: now,
		});
		expect(headers[`${prefix}-signature`].split(' ')).toHaveLength(2);
		expect(() => library.verify(payloads[0], headers)).not.toThrow();
	});
});

describe('stripe', () => {
	const stripe = new Stripe('sk_test_not_used_no_network');
	const secret = `whsec_${randomBytes(24).toString('hex')}`;

	it.each(payloads)('accepts what we sign, and we accept what it signs (%#)', (payload) => {
		const now = new Date();
		const ours = sign(STRIPE, { primary: secret }, payload, { timestamp: now })['Stripe-Signature'];
		expect(() => stripe.webhooks.constructEvent(payload, ours, secret)).not.toThrow();

		const theirs = stripe.webhooks.generateTestHeaderString({
			payload,
			secret,
			timestamp: Math.floor(now.getTime() / 1000),
		});
		expect(
			verify(
				STRIPE,
				{ primary: secret },
				Buffer.from(payload),
				{ 'stripe-signature': theirs },
				{ now },
			),
		).toMatchObject({
			ok: true,
		});
		expect(ours).toBe(theirs);
	});

	it('both refuse a changed byte, and a stale timestamp', () => {
		const now = new Date();
		const payload = payloads[0];
		const ours = sign(STRIPE, { primary: secret }, payload, { timestamp: now })['Stripe-Signature'];
		expect(() => stripe.webhooks.constructEvent(tamper(payload), ours, secret)).toThrow();
		const stale = sign(STRIPE, { primary: secret }, payload, {
			timestamp: new Date(now.getTime() - 400_000),
		})['Stripe-Signature'];
		expect(() => stripe.webhooks.constructEvent(payload, stale, secret)).toThrow(/tolerance/i);
		expect(
			reasonOf(
				verify(
					STRIPE,
					{ primary: secret },
					Buffer.from(payload),
					{ 'stripe-signature': stale },
					{ now },
				),
			),
		).toBe('timestamp_too_old');
	});

	it('accepts our rotation header', () => {
		const now = new Date();
		const header = sign(STRIPE, { primary: 'whsec_old', secondary: secret }, payloads[0], {
			timestamp: now,
		})['Stripe-Signature'];
		expect(header.match(/v1=/g)).toHaveLength(2);
		expect(() => stripe.webhooks.constructEvent(payloads[0], header, secret)).not.toThrow();
	});
});

describe('@octokit/webhooks-methods (GitHub; GoodFit uses the same format)', () => {
	type Op =
		| { op: 'sign'; secret: string; payload: string }
		| { op: 'verify'; secret: string; payload: string; signature: string };
	function octokit(ops: Op[]): (string | boolean)[] {
		const script = join(__dirname, '..', 'helpers', 'octokit-webhooks-methods.mjs');
		return JSON.parse(
			execFileSync(process.execPath, [script], { input: JSON.stringify(ops) }).toString(),
		);
	}

	it('agrees with us on every payload, both ways, and on tampering', () => {
		const secret = randomBytes(20).toString('hex');
		const ops: Op[] = [];
		for (const payload of payloads) {
			const ours = sign(GITHUB, { primary: secret }, payload)['X-Hub-Signature-256'];
			ops.push({ op: 'sign', secret, payload });
			ops.push({ op: 'verify', secret, payload, signature: ours });
			ops.push({ op: 'verify', secret, payload: tamper(payload), signature: ours });
		}
		const results = octokit(ops);
		payloads.forEach((payload, i) => {
			const [theirSignature, acceptsOurs, acceptsTampered] = results.slice(i * 3, i * 3 + 3);
			expect(acceptsOurs).toBe(true);
			expect(acceptsTampered).toBe(false);
			expect(sign(GITHUB, { primary: secret }, payload)['X-Hub-Signature-256']).toBe(
				theirSignature,
			);
			expect(
				verify(GITHUB, { primary: secret }, Buffer.from(payload), {
					'x-hub-signature-256': theirSignature as string,
				}).ok,
			).toBe(true);
			// GoodFit's header carries the very same value.
			expect(sign(GOODFIT, { primary: secret }, payload)['x-goodfit-hmac-sha256']).toBe(
				theirSignature,
			);
		});
	});
});
