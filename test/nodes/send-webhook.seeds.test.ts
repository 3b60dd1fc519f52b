/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * The four seed systems: what Send Webhook sends passes a receiver written
 * the way that system's own documentation tells a receiver to check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { header, startReceiver, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { items, send } from './sendWebhookHarness';
import { goodfitReceiverAccepts } from '../helpers/goodfitReceiver';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

it("GoodFit: x-goodfit-hmac-sha256 = sha256=<hex> of the raw body, as the docs' Express sample checks", async () => {
	const secret = 'gf_5b0c1e';
	await send(
		{ url: receiver.url, signatureScheme: 'goodfit', batching: 'batch', batchSize: 200 },
		{ items: items(5), secret },
	);
	const [call] = receiver.calls;
	expect(goodfitReceiverAccepts(secret, call.body, header(call, 'x-goodfit-hmac-sha256'))).toBe(
		true,
	);
	expect(JSON.parse(call.body.toString())).toHaveLength(5);
});

it('Smarter Launch: hex HMAC-SHA256 of JSON.stringify(payload), in the header the user names', async () => {
	const secret = 'your-secret-key';
	const payload = {
		event: 'proposal.accepted',
		proposal: { id: 981, total: 12500.5, client: 'Zoë & Co' },
	};
	await send(
		{
			url: receiver.url,
			signatureScheme: 'smarterLaunch',
			signatureHeader: 'X-SmarterLaunch-Signature',
		},
		{ items: [{ json: payload }], secret },
	);
	const [call] = receiver.calls;
	// The docs' Node snippet, on the payload the receiver parsed.
	const parsed = JSON.parse(call.body.toString()) as unknown;
	const signature = createHmac('sha256', secret).update(JSON.stringify(parsed)).digest('hex');
	expect(header(call, 'x-smarterlaunch-signature')).toBe(signature);
	// And it is the digest of the exact bytes received: we send JSON.stringify's output.
	expect(call.body.toString()).toBe(JSON.stringify(payload));
});

describe('ConnectGain', () => {
	const secret = 'your-secret-here';

	/** The docs' Express sample: HMAC of JSON.stringify(req.body), compared to X-Webhook-Signature. */
	function expressSampleAccepts(call: ReceivedCall): boolean {
		const body = JSON.parse(call.body.toString()) as unknown;
		const computed = createHmac('sha256', secret).update(JSON.stringify(body)).digest('hex');
		return header(call, 'x-webhook-signature') === computed;
	}

	/** The docs' Flask sample: HMAC of request.data (the raw bytes), compare_digest. */
	function flaskSampleAccepts(call: ReceivedCall): boolean {
		const computed = Buffer.from(createHmac('sha256', secret).update(call.body).digest('hex'));
		const signature = Buffer.from(header(call, 'x-webhook-signature'));
		return computed.length === signature.length && timingSafeEqual(computed, signature);
	}

	it('sends the {event, timestamp, data} envelope with X-Webhook-Event, -Timestamp and -Signature', async () => {
		const before = Date.now();
		await send(
			{ url: receiver.url, signatureScheme: 'connectgain', eventName: 'contact.created' },
			{
				items: [
					{
						json: {
							id: 'uuid-here',
							first_name: 'John',
							last_name: 'Doe',
							organization_id: 'org-uuid',
						},
					},
				],
				secret,
			},
		);
		const [call] = receiver.calls;
		const body = JSON.parse(call.body.toString()) as {
			event: string;
			timestamp: string;
			data: unknown;
		};
		expect(Object.keys(body)).toEqual(['event', 'timestamp', 'data']);
		expect(body).toEqual({
			event: 'contact.created',
			timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			data: { id: 'uuid-here', first_name: 'John', last_name: 'Doe', organization_id: 'org-uuid' },
		});
		expect(Date.parse(body.timestamp)).toBeGreaterThanOrEqual(before - 1);
		expect(header(call, 'x-webhook-event')).toBe('contact.created');
		expect(header(call, 'x-webhook-timestamp')).toBe(body.timestamp);
		expect(expressSampleAccepts(call)).toBe(true);
		expect(flaskSampleAccepts(call)).toBe(true);
	});

	it('a batch goes in data as an array, still one envelope per call', async () => {
		await send(
			{
				url: receiver.url,
				signatureScheme: 'connectgain',
				eventName: 'deal.updated',
				batching: 'batch',
				batchSize: 50,
			},
			{ items: items(3), secret },
		);
		const body = JSON.parse(receiver.calls[0].body.toString()) as { data: unknown[] };
		expect(body.data).toHaveLength(3);
		expect(flaskSampleAccepts(receiver.calls[0])).toBe(true);
	});
});

describe('Vinsight', () => {
	const published = { secret: '584af7dfa7f130fa3dbe15f5a805bae4', body: '{"test":"json"}' };
	const publishedSignature = '33ed67a6f675f2dc414c8933657c50c105a6b816108e7a4fed763dc917b9ba06';

	/**
	 * A receiver built to pass Vinsight's own published test vector. The docs'
	 * prose says key = secret, but only key = body reproduces the vector, so a
	 * receiver that passes Vinsight's self-test computes it this way.
	 */
	function vinsightReceiverSignature(secret: string, body: Buffer): string {
		return createHmac('sha256', body).update(secret).digest('hex');
	}

	it('the receiver passes the published test vector', () => {
		expect(vinsightReceiverSignature(published.secret, Buffer.from(published.body))).toBe(
			publishedSignature,
		);
	});

	it('sends x-signature exactly as in the published vector for the published body', async () => {
		await send(
			{ url: receiver.url, signatureScheme: 'vinsight' },
			{ items: [{ json: { test: 'json' } }], secret: published.secret },
		);
		const [call] = receiver.calls;
		expect(call.body.toString()).toBe(published.body);
		expect(header(call, 'x-signature')).toBe(publishedSignature);
	});

	it('signs any other body the same way', async () => {
		const secret = 'f00dfacecafe0123456789abcdef0123';
		await send({ url: receiver.url, signatureScheme: 'vinsight' }, { items: items(2), secret });
		for (const call of receiver.calls) {
			expect(header(call, 'x-signature')).toBe(vinsightReceiverSignature(secret, call.body));
		}
	});
});
