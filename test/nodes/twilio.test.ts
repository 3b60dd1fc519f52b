/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it runs in Node, never inside n8n */
/**
 * Twilio through the nodes, inside n8n-core's contexts: the trigger accepts
 * what twilio-node signs over the URL n8n serves (form posts and JSON with
 * bodySHA256) and answers tampered calls with 401; Send Webhook's calls to
 * a real HTTP server validate with twilio-node's validateRequestWithBody.
 */
import { randomBytes } from 'node:crypto';
import { parse as parseForm } from 'node:querystring';

import {
	getExpectedBodyHash,
	getExpectedTwilioSignature,
	validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';

import { startReceiver, type Receiver } from '../helpers/receiver';
import { items, record, send } from './sendWebhookHarness';
import { deliverTo } from './triggerHarness';

const token = randomBytes(16).toString('hex');
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

/** What Express's urlencoded parser hands twilio-node (arrays of this realm: see test/core/twilio.test.ts). */
function expressParams(body: string): Record<string, string | string[]> {
	return Object.fromEntries(
		Object.entries(parseForm(body)).map(([name, value]) => [
			name,
			Array.isArray(value) ? Array.from(value as string[]) : (value ?? ''),
		]),
	);
}

/** An inbound SMS as Twilio posts it. */
const sms = new URLSearchParams([
	['ToCountry', 'US'],
	['Body', 'Hello from Zoë ✓ + 100% & more'],
	['From', '+14158675309'],
	['To', '+18005551212'],
	['MessageSid', 'SM0123456789abcdef'],
	['NumMedia', '0'],
	['MediaUrl0', ''],
]).toString();

describe('Verified Webhook Trigger receives Twilio', () => {
	// n8n behind a proxy: WEBHOOK_URL is the public https URL, with a path prefix.
	const webhookBaseUrl = 'https://hooks.example.com/n8n/webhook';
	const path = '/webhook/twilio-sms?tenant=a%20b&x=%C3%A9';
	const publicUrl = 'https://hooks.example.com/n8n/webhook/twilio-sms?tenant=a%20b&x=%C3%A9';
	const parameters = { signatureScheme: 'twilio', path: 'twilio-sms' };

	const deliver = (body: string, headers: Record<string, string>, arrived = path) =>
		deliverTo(parameters, {
			secret: token,
			body,
			headers,
			path: arrived,
			webhookBaseUrl,
		});

	it('a form post signed by twilio-node over the public URL is accepted, and the :443 form of it too', async () => {
		for (const signedUrl of [publicUrl, publicUrl.replace('.com/', '.com:443/')]) {
			const signature = getExpectedTwilioSignature(token, signedUrl, expressParams(sms));
			const outcome = await deliver(sms, { ...form, 'x-twilio-signature': signature });
			expect(outcome.started).toBe(true);
			expect(outcome.verified[0].json.verification).toMatchObject({
				scheme: 'twilio',
				matchedSecret: 'primary',
			});
			// The query as it arrived is the trigger's, and the signature is not passed along.
			expect(outcome.verified[0].json.query).toEqual({ tenant: 'a b', x: 'é' });
			expect(JSON.stringify(outcome.verified)).not.toContain(signature);
		}
	});

	it('a tampered form post, or one signed for another URL, is answered 401 and starts nothing', async () => {
		const signature = getExpectedTwilioSignature(token, publicUrl, expressParams(sms));
		const headers = { ...form, 'x-twilio-signature': signature };
		for (const [body, arrived] of [
			[sms.replace('Hello', 'Hallo'), path],
			[`${sms}&Extra=1`, path],
			[sms, path.replace('tenant=a%20b', 'tenant=b')],
			[sms, path.replace('twilio-sms', 'twilio-smz')],
		]) {
			const outcome = await deliverTo(
				{ ...parameters, path: arrived.includes('smz') ? 'twilio-smz' : 'twilio-sms' },
				{ secret: token, body, headers, path: arrived, webhookBaseUrl },
			);
			expect(outcome.started).toBe(false);
			expect(outcome.status).toBe(401);
			expect(outcome.responseBody).toMatchObject({ reason: 'signature_mismatch' });
		}
		const unsigned = await deliver(sms, form);
		expect(unsigned).toMatchObject({ started: false, status: 401 });
		expect(unsigned.responseBody).toMatchObject({ reason: 'missing_header' });
	});

	it('a JSON body with bodySHA256 in the URL is accepted; another body under the same URL gets 401 body_hash_mismatch', async () => {
		const body = '{"event":"message.delivered","sid":"SM0123456789abcdef"}';
		const hash = getExpectedBodyHash(body);
		const signature = getExpectedTwilioSignature(token, `${publicUrl}&bodySHA256=${hash}`, {});
		const headers = { ...json, 'x-twilio-signature': signature };
		const arrived = `${path}&bodySHA256=${hash}`;
		const accepted = await deliver(body, headers, arrived);
		expect(accepted.started).toBe(true);
		expect(accepted.verified[0].json.body).toEqual(JSON.parse(body));

		const changed = await deliver(body.replace('delivered', 'failed'), headers, arrived);
		expect(changed).toMatchObject({ started: false, status: 401 });
		expect(changed.responseBody).toMatchObject({ reason: 'body_hash_mismatch' });
	});
});

describe('Send Webhook signs in Twilio’s format', () => {
	let receiver: Receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	it('each call goes to its URL plus bodySHA256, and twilio-node’s validateRequestWithBody accepts it', async () => {
		const before = receiver.calls.length;
		const { delivered, failed } = await send(
			{ url: `${receiver.url}/webhook/twilio-in?x=1&name=a b`, signatureScheme: 'twilio' },
			{ items: items(2, (i) => ({ id: i, note: 'Grüße ✓' })), secret: token },
		);
		expect(failed).toEqual([]);
		expect(delivered).toHaveLength(2);
		const calls = receiver.calls.slice(before);
		expect(calls).toHaveLength(2);
		for (const call of calls) {
			const text = call.body.toString('utf8');
			expect(call.url).toBe(
				`/webhook/twilio-in?x=1&name=a%20b&bodySHA256=${getExpectedBodyHash(text)}`,
			);
			const url = `${receiver.url}${call.url}`;
			const signature = String(call.headers['x-twilio-signature']);
			expect(validateRequestWithBody(token, signature, url, text)).toBe(true);
			// One changed byte: refused by twilio-node too.
			expect(validateRequestWithBody(token, signature, url, text.replace('✓', '?'))).toBe(false);

			// And the trigger, served at the same public URL, accepts the call as it arrived.
			const outcome = await deliverTo(
				{ signatureScheme: 'twilio', path: 'twilio-in' },
				{
					secret: token,
					body: call.body,
					headers: { ...json, 'x-twilio-signature': signature },
					path: call.url,
					webhookBaseUrl: `${receiver.url}/webhook`,
				},
			);
			expect(outcome.started).toBe(true);
		}
		// The record names the URL as set; the hash is per body.
		expect(record(delivered[0]).url).toBe(`${receiver.url}/webhook/twilio-in?x=1&name=a%20b`);
	});

	it('a URL that already carries bodySHA256 is refused before anything is sent', async () => {
		const before = receiver.calls.length;
		await expect(
			send(
				{ url: `${receiver.url}/in?bodySHA256=${'0'.repeat(64)}`, signatureScheme: 'twilio' },
				{ secret: token },
			),
		).rejects.toThrow(/already has a bodySHA256 query parameter/);
		expect(receiver.calls.length).toBe(before);
	});
});
