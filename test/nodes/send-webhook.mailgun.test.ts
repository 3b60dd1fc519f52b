/**
 * Send Webhook in Mailgun's format, to a real receiver on 127.0.0.1: the body
 * is {"signature":{timestamp, token, signature}, "event-data": payload}, and
 * a receiver written from Mailgun's docs with node:crypto alone accepts it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { startReceiver, sequence, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { FAST_RETRIES, items, record, send } from './sendWebhookHarness';
import { deliverTo } from './triggerHarness';

const signingKey = 'key-send-mailgun';

interface MailgunBody {
	signature: { timestamp: string; token: string; signature: string };
	'event-data': unknown;
}

/** Mailgun's documented check, written independently: hex HMAC-SHA256 of timestamp + token. */
function mailgunReceiverAccepts(call: ReceivedCall, key = signingKey): boolean {
	const { signature } = JSON.parse(call.body.toString()) as MailgunBody;
	const expected = Buffer.from(
		createHmac('sha256', key)
			.update(signature.timestamp + signature.token)
			.digest('hex'),
	);
	const given = Buffer.from(signature.signature);
	return expected.length === given.length && timingSafeEqual(expected, given);
}

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

it('sends the payload as event-data beside a signature a node:crypto receiver accepts', async () => {
	const payload = { event: 'delivered', id: 'ev-1', recipient: 'zoë@example.com' };
	const before = Math.floor(Date.now() / 1000);
	const result = await send(
		{ url: receiver.url, signatureScheme: 'mailgun' },
		{ items: [{ json: payload }], secret: signingKey },
	);
	expect(record(result.delivered[0]).delivered).toBe(true);
	const [call] = receiver.calls;
	expect(call.headers['content-type']).toBe('application/json');
	const body = JSON.parse(call.body.toString()) as MailgunBody;
	expect(body['event-data']).toEqual(payload);
	expect(body.signature.token).toMatch(/^[0-9a-f]{50}$/);
	const timestamp = Number(body.signature.timestamp);
	expect(timestamp).toBeGreaterThanOrEqual(before);
	expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
	expect(mailgunReceiverAccepts(call)).toBe(true);
	expect(mailgunReceiverAccepts(call, 'another-key')).toBe(false);
	// No signature header: Mailgun has none.
	expect(Object.keys(call.headers).filter((name) => /signature/i.test(name))).toEqual([]);
});

it('signs each retry afresh, with a new token and timestamp, so a token memory takes it', async () => {
	receiver.answer(sequence({ status: 503 }, { status: 200 }));
	const result = await send(
		{ url: receiver.url, signatureScheme: 'mailgun', options: FAST_RETRIES },
		{ items: items(1), secret: signingKey },
	);
	expect(record(result.delivered[0]).attempts).toHaveLength(2);
	const [first, second] = receiver.calls.map(
		(call) => (JSON.parse(call.body.toString()) as MailgunBody).signature.token,
	);
	expect(first).not.toBe(second);
	expect(receiver.calls.every((call) => mailgunReceiverAccepts(call))).toBe(true);
	// The delivery id stays, for receivers that de-duplicate on it.
	expect(receiver.calls[0].headers['webhook-id']).toBe(receiver.calls[1].headers['webhook-id']);
});

it('a batch goes as one call whose event-data is the array of records', async () => {
	await send(
		{ url: receiver.url, signatureScheme: 'mailgun', batching: 'batch', batchSize: 10 },
		{ items: items(3), secret: signingKey },
	);
	expect(receiver.calls).toHaveLength(1);
	const body = JSON.parse(receiver.calls[0].body.toString()) as MailgunBody;
	expect(body['event-data']).toHaveLength(3);
	expect(mailgunReceiverAccepts(receiver.calls[0])).toBe(true);
});

it('what it sends, Verified Webhook Trigger accepts once, then answers a copy as a duplicate', async () => {
	await send(
		{ url: receiver.url, signatureScheme: 'mailgun' },
		{ items: [{ json: { event: 'delivered', id: 'ev-rt' } }], secret: signingKey },
	);
	const [call] = receiver.calls;
	const incoming = {
		secret: signingKey,
		headers: { 'content-type': String(call.headers['content-type']) },
		body: call.body,
	};
	const first = await deliverTo({ signatureScheme: 'mailgun' }, incoming);
	expect(first).toMatchObject({ started: true, status: 200 });
	expect(await deliverTo({ signatureScheme: 'mailgun' }, incoming)).toMatchObject({
		started: false,
		responseBody: { reason: 'replayed_id' },
	});
});
