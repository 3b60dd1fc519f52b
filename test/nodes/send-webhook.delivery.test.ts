/**
 * Send Webhook in n8n's execution context, delivering to real receivers on
 * 127.0.0.1 that check every signature independently of our core.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import { header, ok, startReceiver, type Receiver } from '../helpers/receiver';
import { items, record, send } from './sendWebhookHarness';
import { goodfitReceiverAccepts } from '../helpers/goodfitReceiver';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

describe('one call per item, Standard Webhooks (the default scheme)', () => {
	const secret = `whsec_${randomBytes(32).toString('base64')}`;

	it('sends each item as JSON, signed so the standardwebhooks library accepts it', async () => {
		const input = items(3, (i) => ({
			id: i,
			note: i === 1 ? 'Grüße ✓ \u2028' : 'plain',
			amount: 1.5,
		}));
		const { delivered, failed } = await send(
			{ url: `${receiver.url}/hooks/in` },
			{ items: input, secret },
		);

		expect(failed).toEqual([]);
		expect(receiver.calls).toHaveLength(3);
		const library = new StandardWebhook(secret);
		receiver.calls.forEach((call, i) => {
			expect(call.method).toBe('POST');
			expect(call.url).toBe('/hooks/in');
			expect(header(call, 'content-type')).toBe('application/json');
			expect(call.body.toString('utf8')).toBe(JSON.stringify(input[i].json));
			expect(() =>
				library.verify(call.body.toString('utf8'), call.headers as Record<string, string>),
			).not.toThrow();
		});

		expect(delivered).toHaveLength(3);
		delivered.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject(input[i].json);
			expect(record(item)).toMatchObject({
				delivered: true,
				id: header(receiver.calls[i], 'webhook-id'),
				method: 'POST',
				url: `${receiver.url}/hooks/in`,
				statusCode: 200,
				batch: { index: i, size: 1, position: 0 },
				response: { statusCode: 200, body: { ok: true } },
			});
			expect(record(item).attempts).toEqual([
				expect.objectContaining({ attempt: 1, statusCode: 200, durationMs: expect.any(Number) }),
			]);
		});
		// Each call its own delivery id.
		expect(new Set(delivered.map((item) => record(item).id)).size).toBe(3);
	});

	it('a tampered byte or another secret fails the library check (the receiver is not a pushover)', async () => {
		await send({ url: receiver.url }, { secret });
		const [call] = receiver.calls;
		const tampered = Buffer.from(call.body);
		tampered[2] ^= 0x01;
		const headers = call.headers as Record<string, string>;
		expect(() => new StandardWebhook(secret).verify(tampered.toString('utf8'), headers)).toThrow();
		expect(() =>
			new StandardWebhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
				call.body.toString(),
				headers,
			),
		).toThrow();
	});

	it('with a secondary secret, one signature per secret, each accepted on its own', async () => {
		const next = `whsec_${randomBytes(32).toString('base64')}`;
		await send({ url: receiver.url }, { secret: { secret, secondarySecret: next } });
		const [call] = receiver.calls;
		expect(header(call, 'webhook-signature').split(' ')).toHaveLength(2);
		for (const key of [secret, next]) {
			expect(() =>
				new StandardWebhook(key).verify(
					call.body.toString(),
					call.headers as Record<string, string>,
				),
			).not.toThrow();
		}
	});
});

describe('batches (GoodFit: up to 200 records per call, companies and contacts to different URLs)', () => {
	const secret = 'goodfit-shared-secret';

	it('cuts 450 records into batches of at most 200 per URL, in order, each call signed', async () => {
		const input = items(450, (i) =>
			i % 3 === 2 ? { kind: 'contact', id: i } : { kind: 'company', id: i },
		);
		const { delivered, failed } = await send(
			{
				url: `={{ "${receiver.url}/" + ($json.kind === "company" ? "companies" : "contacts") }}`,
				signatureScheme: 'goodfit',
				batching: 'batch',
				batchSize: 200,
			},
			{ items: input, secret },
		);

		expect(failed).toEqual([]);
		const shape = receiver.calls.map((call) => [
			call.url,
			(JSON.parse(call.body.toString()) as unknown[]).length,
		]);
		// Calls go out in the order of their first item: item 2 is the first contact.
		expect(shape).toEqual([
			['/companies', 200],
			['/contacts', 150],
			['/companies', 100],
		]);
		for (const call of receiver.calls) {
			expect(goodfitReceiverAccepts(secret, call.body, header(call, 'x-goodfit-hmac-sha256'))).toBe(
				true,
			);
		}
		const sentIds = receiver.calls.flatMap((call) =>
			(JSON.parse(call.body.toString()) as Array<{ id: number }>).map((r) => r.id),
		);
		const companies = input
			.filter((item) => item.json.kind === 'company')
			.map((item) => item.json.id);
		const contacts = input
			.filter((item) => item.json.kind === 'contact')
			.map((item) => item.json.id);
		expect(sentIds).toEqual([...companies.slice(0, 200), ...contacts, ...companies.slice(200)]);

		// Every item comes out once, in input order, saying which call carried it.
		expect(delivered.map((item) => item.pairedItem)).toEqual(input.map((_, i) => ({ item: i })));
		expect(record(delivered[0]).batch).toEqual({ index: 0, size: 200, position: 0 });
		expect(record(delivered[2]).batch).toEqual({ index: 1, size: 150, position: 0 });
		expect(record(delivered[449]).batch).toEqual({ index: 1, size: 150, position: 149 });
		expect(record(delivered[448]).batch).toEqual({ index: 2, size: 100, position: 99 });
	});

	it('items whose headers evaluate differently never share a call', async () => {
		await send(
			{
				url: receiver.url,
				signatureScheme: 'none',
				batching: 'batch',
				batchSize: 200,
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'X-Tenant', value: '={{ $json.id % 2 }}' }] },
			},
			{ items: items(5) },
		);
		expect(
			receiver.calls.map((call) => [
				header(call, 'x-tenant'),
				JSON.parse(call.body.toString()).length,
			]),
		).toEqual([
			['0', 3],
			['1', 2],
		]);
	});

	it('wraps a batch under a key when asked', async () => {
		await send(
			{
				url: receiver.url,
				batching: 'batch',
				batchSize: 2,
				batchWrapperKey: 'records',
				signatureScheme: 'none',
			},
			{ items: items(3) },
		);
		expect(receiver.calls.map((call) => JSON.parse(call.body.toString()))).toEqual([
			{
				records: [
					{ id: 0, name: 'record 0' },
					{ id: 1, name: 'record 1' },
				],
			},
			{ records: [{ id: 2, name: 'record 2' }] },
		]);
	});

	it('sends a Custom JSON payload, evaluated per item', async () => {
		await send(
			{
				url: receiver.url,
				signatureScheme: 'none',
				payload: 'custom',
				customPayload: '={{ { "ref": $json.id, "upper": $json.name.toUpperCase() } }}',
			},
			{ items: items(2) },
		);
		expect(receiver.calls.map((call) => call.body.toString())).toEqual([
			'{"ref":0,"upper":"RECORD 0"}',
			'{"ref":1,"upper":"RECORD 1"}',
		]);
	});
});

describe('headers', () => {
	it('sends custom headers and the Header Auth credential alongside the signature', async () => {
		await send(
			{
				url: receiver.url,
				signatureScheme: 'github',
				authentication: 'headerAuth',
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'X-Tenant', value: '={{ "tenant-" + $json.id }}' }],
				},
			},
			{ secret: 'gh-secret', headerAuth: { name: 'Authorization', secretValue: 'Bearer tok_123' } },
		);
		const [call] = receiver.calls;
		expect(header(call, 'authorization')).toBe('Bearer tok_123');
		expect(header(call, 'x-tenant')).toBe('tenant-0');
		expect(header(call, 'x-hub-signature-256')).toBe(
			'sha256=' + createHmac('sha256', 'gh-secret').update(call.body).digest('hex'),
		);
	});

	it('a user Content-Type replaces ours instead of being sent twice', async () => {
		await send({
			url: receiver.url,
			signatureScheme: 'none',
			sendHeaders: true,
			headerParameters: {
				parameters: [{ name: 'Content-Type', value: 'application/vnd.acme+json' }],
			},
		});
		expect(header(receiver.calls[0], 'content-type')).toBe('application/vnd.acme+json');
	});
});

describe('concurrency', () => {
	it('with several requests in flight, outputs still come out in input order', async () => {
		receiver.answer((call) => ({ status: 200, delayMs: call.n % 2 === 0 ? 5 : 60 }));
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none', options: { concurrency: 4 } },
			{ items: items(8) },
		);
		expect(delivered.map((item) => item.json.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(receiver.calls).toHaveLength(8);
	});

	it('by default, one call at a time, in order', async () => {
		receiver.answer((call) => ({ status: 200, delayMs: 20 - call.n }));
		await send({ url: receiver.url, signatureScheme: 'none' }, { items: items(5) });
		expect(receiver.calls.map((call) => JSON.parse(call.body.toString()).id)).toEqual([
			0, 1, 2, 3, 4,
		]);
		receiver.answer(ok);
	});
});

describe('method and response', () => {
	it('sends PUT or PATCH when asked', async () => {
		await send({ url: receiver.url, signatureScheme: 'none', method: 'PUT' });
		await send({ url: receiver.url, signatureScheme: 'none', method: 'PATCH' });
		expect(receiver.calls.map((call) => call.method)).toEqual(['PUT', 'PATCH']);
	});

	it('keeps the answer parsed when it is JSON, as text otherwise, cut to the limit', async () => {
		receiver.answer((call) =>
			call.n === 1
				? { status: 200, body: '{"received":3}' }
				: { status: 202, body: 'accepted, thank you very much' },
		);
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none', options: { responseBodyLimit: 20 } },
			{ items: items(2) },
		);
		expect(record(delivered[0]).response).toEqual({ statusCode: 200, body: { received: 3 } });
		expect(record(delivered[1]).response).toEqual({
			statusCode: 202,
			body: 'accepted, thank you …',
		});
	});

	it('refuses a Header Auth credential whose header the signing scheme sets', async () => {
		await expect(
			send(
				{ url: receiver.url, signatureScheme: 'goodfit', authentication: 'headerAuth' },
				{ secret: 's', headerAuth: { name: 'X-GoodFit-Hmac-Sha256', secretValue: 'v' } },
			),
		).rejects.toThrow(
			"The Header Auth credential's header X-GoodFit-Hmac-Sha256 is also set by the signing scheme",
		);
		expect(receiver.calls).toHaveLength(0);
	});
});

describe('output items', () => {
	it('each keeps its JSON as it came, in its order, a member named __proto__ included', async () => {
		// JSON.parse makes "__proto__" an own member; the copy must keep it as one.
		const json = JSON.parse('{"id":1,"__proto__":{"polluted":true},"webhookDelivery":"old","z":2}');
		const input = [{ json, binary: { data: { data: 'aGk=', mimeType: 'text/plain' } } }];
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none' },
			{ items: input },
		);
		const out = delivered[0].json;
		expect(Object.keys(out)).toEqual(['id', '__proto__', 'webhookDelivery', 'z']);
		expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
		expect(record(delivered[0]).delivered).toBe(true);
		expect(delivered[0].binary).toBe(input[0].binary);
		expect(Object.keys(delivered[0])).toEqual(['json', 'binary', 'pairedItem']);
		// The input item is not changed.
		expect(json.webhookDelivery).toBe('old');
	});
});
