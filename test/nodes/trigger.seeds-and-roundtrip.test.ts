/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: its secrets are test values (published test vectors among them) */
/**
 * Both ways: calls built as the seed systems document them are accepted, and
 * whatever Send Webhook sends (every scheme, run in n8n's context over real
 * HTTP) is accepted by Verified Webhook Trigger fed the exact bytes and
 * headers that arrived.
 */
import { createHmac, randomBytes } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import { CONNECTGAIN, HUBSPOT_V3, SQUARE, sign } from '../../core';
import { HMAC_HEADER_SCHEMES } from '../helpers/schemes';
import { startReceiver, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { items, send } from './sendWebhookHarness';
import { deliverTo } from './triggerHarness';

const json = { 'content-type': 'application/json' };

describe('the seed systems, as their docs sign', () => {
	it('GoodFit: a batch of 200 records, sha256=<hex>, split into one item per record', async () => {
		const secret = 'goodfit-key';
		const batch = JSON.stringify(
			Array.from({ length: 200 }, (_, i) => ({ domain: `company${i}.example`, score: i / 2 })),
		);
		const signature = 'sha256=' + createHmac('sha256', secret).update(batch).digest('hex');
		const outcome = await deliverTo(
			{ signatureScheme: 'goodfit', options: { splitArray: true } },
			{ secret, headers: { ...json, 'x-goodfit-hmac-sha256': signature }, body: batch },
		);
		expect(outcome.verified).toHaveLength(200);
		expect(outcome.verified[199].json.body).toEqual({ domain: 'company199.example', score: 99.5 });
		expect(outcome.verified[0].json.verification).toEqual({
			scheme: 'goodfit',
			matchedSecret: 'primary',
			keyOrder: 'secret-as-key',
			replayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
		});
	});

	it('Smarter Launch: hex of JSON.stringify(payload), in the header the user names', async () => {
		const secret = 'your-secret-key';
		const payloadJson = JSON.stringify({ event: 'proposal.accepted', proposal: { id: 981 } });
		const signature = createHmac('sha256', secret).update(payloadJson).digest('hex');
		const outcome = await deliverTo(
			{ signatureScheme: 'smarterLaunch', signatureHeader: 'X-SmarterLaunch-Signature' },
			{ secret, headers: { ...json, 'X-SmarterLaunch-Signature': signature }, body: payloadJson },
		);
		expect(outcome.started).toBe(true);
		// Only the configured header counts: the same signature elsewhere is no signature.
		const elsewhere = await deliverTo(
			{ signatureScheme: 'smarterLaunch', signatureHeader: 'X-SmarterLaunch-Signature' },
			{ secret, headers: { ...json, 'x-signature': signature }, body: payloadJson },
		);
		expect(elsewhere).toMatchObject({ started: false, responseBody: { reason: 'missing_header' } });
	});

	describe('ConnectGain', () => {
		const secret = 'your-secret-here';
		const envelope = (timestamp: string) =>
			JSON.stringify({
				event: 'contact.created',
				timestamp,
				data: {
					id: 'uuid-here',
					first_name: 'John',
					last_name: 'Doe',
					organization_id: 'org-uuid',
				},
			});

		it('verifies, and takes the signed envelope timestamp (not the unsigned header) for the window', async () => {
			const body = envelope(new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
			const signature = createHmac('sha256', secret).update(body).digest('hex');
			const headers = {
				...json,
				'x-webhook-event': 'contact.created',
				'x-webhook-timestamp': '1999-01-01T00:00:00Z',
				'x-webhook-signature': signature,
			};
			const outcome = await deliverTo(
				{ signatureScheme: 'connectgain' },
				{ secret, headers, body },
			);
			expect(outcome.started).toBe(true);
			expect(outcome.verified[0].json.headers).toMatchObject({
				'x-webhook-event': 'contact.created',
			});
		});

		it('a retried delivery whose envelope is ten minutes old is accepted by default', async () => {
			// ConnectGain documents no window and says deliveries may be retried.
			const body = envelope(new Date(Date.now() - 600_000).toISOString());
			const headers = { ...json, ...sign(CONNECTGAIN, { primary: secret }, body) };
			const outcome = await deliverTo(
				{ signatureScheme: 'connectgain' },
				{ secret, headers, body },
			);
			expect(outcome.started).toBe(true);
		});

		it('with a tolerance set, an envelope from an hour ago is refused as stale', async () => {
			const body = envelope(new Date(Date.now() - 3600_000).toISOString());
			const headers = { ...json, ...sign(CONNECTGAIN, { primary: secret }, body) };
			const outcome = await deliverTo(
				{ signatureScheme: 'connectgain', toleranceSeconds: 300 },
				{ secret, headers, body },
			);
			expect(outcome).toMatchObject({
				started: false,
				responseBody: { reason: 'timestamp_too_old' },
			});
		});
	});

	describe('Vinsight', () => {
		const published = { secret: '584af7dfa7f130fa3dbe15f5a805bae4', body: '{"test":"json"}' };
		const signature = '33ed67a6f675f2dc414c8933657c50c105a6b816108e7a4fed763dc917b9ba06';

		it('accepts the published test vector, and says which key order matched', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'vinsight' },
				{
					secret: published.secret,
					headers: { ...json, 'x-signature': signature },
					body: published.body,
				},
			);
			expect(outcome.verified[0].json).toMatchObject({
				body: { test: 'json' },
				verification: { scheme: 'vinsight', keyOrder: 'content-as-key' },
			});
		});

		it('refuses the vector with one byte changed', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'vinsight' },
				{
					secret: published.secret,
					headers: { ...json, 'x-signature': signature },
					body: '{"test":"jsoN"}',
				},
			);
			expect(outcome.started).toBe(false);
		});
	});
});

describe('Send Webhook → Verified Webhook Trigger, every scheme', () => {
	let receiver: Receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	/**
	 * The schemes whose signature covers the request URL need the trigger's
	 * own URL: tested below, and Twilio in trigger.twilio.test.ts.
	 */
	const schemes = HMAC_HEADER_SCHEMES.filter(
		(scheme) => !scheme.signedContent.some((part) => part.kind === 'url'),
	);

	function secretFor(encoding: string): string {
		return encoding === 'whsec'
			? `whsec_${randomBytes(32).toString('base64')}`
			: randomBytes(16).toString('hex');
	}

	async function relay(call: ReceivedCall, parameters: INodeParameters, secret: string) {
		const headers = Object.fromEntries(
			Object.entries(call.headers).filter(
				(entry): entry is [string, string] => typeof entry[1] === 'string',
			),
		);
		return await deliverTo(parameters, { secret, headers, body: call.body });
	}

	it.each(schemes.map((scheme) => [scheme.name, scheme.id, scheme.secretEncoding]))(
		'%s',
		async (_name, schemeId, encoding) => {
			const secret = secretFor(encoding);
			const parameters = {
				signatureScheme: schemeId,
				...(schemeId === 'smarterLaunch' ? { signatureHeader: 'X-SL-Signature' } : {}),
			};
			const before = receiver.calls.length;
			await send(
				{ url: receiver.url, eventName: 'contact.created', ...parameters },
				{ items: items(1, () => ({ name: 'Zoë ✓', n: 1 })), secret },
			);
			const call = receiver.calls[before];
			const accepted = await relay(call, parameters, secret);
			expect(accepted.started).toBe(true);
			expect(accepted.verified[0].json.verification).toMatchObject({
				scheme: schemeId,
				matchedSecret: 'primary',
			});

			// One letter changed, still valid JSON (n8n itself refuses invalid JSON with 422).
			const forged = { ...call, body: Buffer.from(call.body.toString().replace('Zoë', 'Zoe')) };
			expect((await relay(forged, parameters, secret)).started).toBe(false);
		},
	);

	it('batched, with rotation: the trigger on the new secret accepts the sender still on the old one', async () => {
		const oldSecret = secretFor('whsec');
		const newSecret = secretFor('whsec');
		const before = receiver.calls.length;
		await send(
			{ url: receiver.url, signatureScheme: 'standardWebhooks', batching: 'batch', batchSize: 200 },
			{ items: items(250), secret: oldSecret },
		);
		for (const call of receiver.calls.slice(before)) {
			const rotated = await deliverTo(
				{ options: { splitArray: true } },
				{
					secret: { secret: newSecret, secondarySecret: oldSecret },
					headers: call.headers as Record<string, string>,
					body: call.body,
				},
			);
			expect(rotated.verified.length).toBe(JSON.parse(call.body.toString()).length);
			expect(rotated.verified[0].json.verification).toMatchObject({ matchedSecret: 'secondary' });
		}
		expect(receiver.calls.length - before).toBe(2);
	});
});

describe('schemes that sign the URL (Square, HubSpot v3)', () => {
	// The harness's n8n serves production webhooks at http://127.0.0.1:5678/webhook/<path>.
	const url = 'http://127.0.0.1:5678/webhook/signed-url?shop=1';

	it.each([
		['square', SQUARE],
		['hubspotV3', HUBSPOT_V3],
	] as const)(
		'%s: verified against the public URL n8n serves, query included',
		async (id, scheme) => {
			const secret = randomBytes(16).toString('hex');
			const body = '{"event_id":"e1"}';
			const headers = {
				...json,
				...sign(scheme, { primary: secret }, body, { url, method: 'POST', timestamp: new Date() }),
			};
			const parameters = { signatureScheme: id, path: 'signed-url' };
			const accepted = await deliverTo(parameters, {
				secret,
				headers,
				body,
				path: '/webhook/signed-url?shop=1',
			});
			expect(accepted.started).toBe(true);
			// Signed for another URL: refused.
			const moved = await deliverTo(parameters, {
				secret,
				headers,
				body,
				path: '/webhook/signed-url?shop=2',
			});
			expect(moved.started).toBe(false);
		},
	);
});

describe('what a verified call outputs', () => {
	const secret = 'output-secret';
	const body = '{"id":1}';
	const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
	const headers = {
		...json,
		'x-hub-signature-256': signature,
		'x-github-delivery': 'd-1',
		'x-custom': 'kept',
	};

	it('body, query, params, headers without the signature, and the verification; no secret anywhere', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github' },
			{ secret, headers, body, path: '/webhook/verified?source=ci' },
		);
		const [item] = outcome.verified;
		expect(item.json).toEqual({
			body: { id: 1 },
			query: { source: 'ci' },
			params: {},
			headers: {
				'content-type': 'application/json',
				'x-github-delivery': 'd-1',
				'x-custom': 'kept',
			},
			verification: {
				scheme: 'github',
				matchedSecret: 'primary',
				keyOrder: 'secret-as-key',
				id: 'd-1',
				replayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
			},
		});
		const text = JSON.stringify(outcome);
		expect(text).not.toContain(secret);
		expect(text).not.toContain(signature.slice(7));
	});

	it('headers left out when asked', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github', options: { includeHeaders: false } },
			{ secret, headers, body },
		);
		expect(outcome.verified[0].json.headers).toBeUndefined();
	});

	it('an immediate answer carries the Response Data text', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github', options: { responseText: 'thanks' } },
			{ secret, headers, body },
		);
		expect(outcome.webhookResponse).toBe('thanks');
	});

	it('the header name of a signature read in another case is still left out', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github' },
			{ secret, headers: { ...json, 'X-Hub-Signature-256': signature }, body },
		);
		expect(Object.keys(outcome.verified[0].json.headers as object)).not.toContain(
			'x-hub-signature-256',
		);
	});
});
