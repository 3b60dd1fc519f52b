/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs in Node, never inside n8n */
/**
 * Calls signed by the providers' own libraries (or, where a provider ships
 * none, by its documented algorithm written out here) are accepted by the
 * trigger; the same calls with one byte changed are refused.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';

import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';

import { deliverTo } from './triggerHarness';

const payload = JSON.stringify({
	id: 'evt_1',
	type: 'order.created',
	data: { total: 12.5, note: 'Grüße ✓ \u2028', items: [1, 2, 3] },
});

/** The payload with one byte changed. */
function tampered(text: string): Buffer {
	const bytes = Buffer.from(text);
	bytes[10] ^= 0x01;
	return bytes;
}

interface Signed {
	readonly name: string;
	readonly parameters: Record<string, string | number | boolean>;
	readonly secret: string;
	readonly headers: Record<string, string>;
}

function octokitSign(secret: string, body: string): string {
	const script = join(__dirname, '..', 'helpers', 'octokit-webhooks-methods.mjs');
	const [signature] = JSON.parse(
		execFileSync(process.execPath, [script], {
			input: JSON.stringify([{ op: 'sign', secret, payload: body }]),
		}).toString(),
	) as string[];
	return signature;
}

function signedCalls(): Signed[] {
	const now = new Date();
	const unix = String(Math.floor(now.getTime() / 1000));
	const whsec = `whsec_${randomBytes(32).toString('base64')}`;
	const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
	const githubSecret = randomBytes(20).toString('hex');
	const shopifySecret = randomBytes(16).toString('hex');
	const slackSecret = randomBytes(16).toString('hex');
	return [
		{
			name: 'standardwebhooks library',
			parameters: { signatureScheme: 'standardWebhooks' },
			secret: whsec,
			headers: {
				'webhook-id': 'msg_lib',
				'webhook-timestamp': unix,
				'webhook-signature': new StandardWebhook(whsec).sign('msg_lib', now, payload),
			},
		},
		{
			name: 'svix library',
			parameters: { signatureScheme: 'svix' },
			secret: whsec,
			headers: {
				'svix-id': 'msg_svix',
				'svix-timestamp': unix,
				'svix-signature': new SvixWebhook(whsec).sign('msg_svix', now, payload),
			},
		},
		{
			name: 'stripe library',
			parameters: { signatureScheme: 'stripe' },
			secret: stripeSecret,
			headers: {
				'stripe-signature': new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
					payload,
					secret: stripeSecret,
					timestamp: Number(unix),
				}),
			},
		},
		{
			name: '@octokit/webhooks-methods',
			parameters: { signatureScheme: 'github' },
			secret: githubSecret,
			headers: {
				'x-hub-signature-256': octokitSign(githubSecret, payload),
				'x-github-event': 'push',
			},
		},
		{
			name: "Shopify's documented algorithm (base64 HMAC-SHA256 of the raw body)",
			parameters: { signatureScheme: 'shopify' },
			secret: shopifySecret,
			headers: {
				'x-shopify-hmac-sha256': createHmac('sha256', shopifySecret)
					.update(payload)
					.digest('base64'),
			},
		},
		{
			name: "Slack's documented algorithm (v0= hex HMAC-SHA256 of v0:timestamp:body)",
			parameters: { signatureScheme: 'slack' },
			secret: slackSecret,
			headers: {
				'x-slack-request-timestamp': unix,
				'x-slack-signature':
					'v0=' + createHmac('sha256', slackSecret).update(`v0:${unix}:${payload}`).digest('hex'),
			},
		},
	];
}

describe.each(signedCalls())('$name', ({ parameters, secret, headers }) => {
	const withType = { 'content-type': 'application/json', ...headers };

	it('is accepted', async () => {
		const outcome = await deliverTo(parameters, { secret, headers: withType, body: payload });
		expect(outcome.started).toBe(true);
		expect(outcome.verified[0].json.body).toEqual(JSON.parse(payload));
		expect(outcome.verified[0].json.verification).toMatchObject({
			scheme: parameters.signatureScheme,
			matchedSecret: 'primary',
		});
	});

	it('is refused with one byte changed', async () => {
		const outcome = await deliverTo(parameters, {
			secret,
			headers: withType,
			body: tampered(payload),
		});
		expect(outcome).toMatchObject({ started: false, status: 401 });
	});

	it('is refused under another secret', async () => {
		const outcome = await deliverTo(parameters, {
			secret:
				parameters.signatureScheme === 'standardWebhooks' || parameters.signatureScheme === 'svix'
					? `whsec_${randomBytes(32).toString('base64')}`
					: 'another-secret',
			headers: withType,
			body: payload,
		});
		expect(outcome).toMatchObject({ started: false, status: 401 });
	});
});

describe('raw bytes, never re-serialised JSON', () => {
	const secret = 'raw-bytes-secret';
	it('a pretty-printed body verifies on its own bytes (re-serialising would break it)', async () => {
		const pretty = JSON.stringify(JSON.parse(payload), null, 2);
		const signature = 'sha256=' + createHmac('sha256', secret).update(pretty).digest('hex');
		const outcome = await deliverTo(
			{ signatureScheme: 'github' },
			{
				secret,
				headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
				body: pretty,
			},
		);
		expect(outcome.started).toBe(true);
	});

	it('a content type n8n does not read (application/vnd.github+json) is read with readRawBody()', async () => {
		const signature = 'sha256=' + createHmac('sha256', secret).update(payload).digest('hex');
		const outcome = await deliverTo(
			{ signatureScheme: 'github' },
			{
				secret,
				headers: {
					'content-type': 'application/vnd.github+json',
					'x-hub-signature-256': signature,
				},
				body: payload,
			},
		);
		expect(outcome.started).toBe(true);
		expect(outcome.verified[0].json.body).toEqual(JSON.parse(payload));
	});

	it('bytes that are not UTF-8 verify too, and can be output as binary', async () => {
		const bytes = randomBytes(300);
		const signature = 'sha256=' + createHmac('sha256', secret).update(bytes).digest('hex');
		const outcome = await deliverTo(
			{ signatureScheme: 'github', options: { rawBody: true } },
			{
				secret,
				headers: { 'content-type': 'application/octet-stream', 'x-hub-signature-256': signature },
				body: bytes,
			},
		);
		expect(outcome.started).toBe(true);
		const binary = outcome.verified[0].binary?.data;
		expect(binary).toBeDefined();
		expect(Buffer.from(binary!.data, 'base64')).toEqual(bytes);
	});
});
