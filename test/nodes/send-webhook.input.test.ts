/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * Bad input gets a NodeOperationError naming the item and what to fix, and
 * nothing is sent; with Continue On Fail the item goes to Failed instead.
 * Secrets and signatures never reach an output or an error.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeParameters,
} from 'n8n-workflow';

import { header, startReceiver, type Receiver } from '../helpers/receiver';
import { FAST_RETRIES, items, record, send, type SendOptions } from './sendWebhookHarness';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

async function refusal(
	parameters: INodeParameters,
	options: SendOptions = {},
): Promise<NodeOperationError> {
	const error = await send(parameters, options).then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	return error as NodeOperationError;
}

/** The node stopped on an answer: a NodeApiError with the receiver's status, as n8n's HTTP Request node gives. */
async function stoppedOnAnswer(
	parameters: INodeParameters,
	options: SendOptions = {},
): Promise<NodeApiError> {
	const error = await send(parameters, options).then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	return error as NodeApiError;
}

describe('bad input is refused before anything is sent', () => {
	const cases: Array<[string, INodeParameters, RegExp, number]> = [
		['an empty URL', { url: '' }, /The URL is empty/, 0],
		['a URL that is not one', { url: 'not a url' }, /"not a url" is not a valid URL/, 0],
		[
			'a non-http(s) URL',
			{ url: 'ftp://127.0.0.1/x' },
			/must start with http:\/\/ or https:\/\//,
			0,
		],
		[
			'http when only HTTPS is allowed',
			{ url: 'http://127.0.0.1/x', options: { httpsOnly: true } },
			/must start with https:\/\//,
			0,
		],
		[
			'a batch size over 200',
			{ batching: 'batch', batchSize: 201 },
			/from 1 to 200 \(got 201\)/,
			0,
		],
		['a batch size of 0', { batching: 'batch', batchSize: 0 }, /from 1 to 200 \(got 0\)/, 0],
		[
			'Custom JSON that is not JSON',
			{ payload: 'custom', customPayload: '{"a": ' },
			/Custom JSON is not valid JSON/,
			0,
		],
		[
			'a header name with a space',
			{ sendHeaders: true, headerParameters: { parameters: [{ name: 'X Bad', value: 'v' }] } },
			/not a valid HTTP header name/,
			0,
		],
		[
			'a header value with a line break',
			{
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'X-Ok', value: 'a\r\nInjected: 1' }] },
			},
			/line break or control character/,
			0,
		],
		[
			'a header that would replace the signature',
			{
				signatureScheme: 'github',
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'x-hub-signature-256', value: 'sha256=00' }] },
			},
			/X-Hub-Signature-256 is set by the signing scheme/i,
			0,
		],
		[
			'a header that would replace the delivery ID of an unsigned call',
			{
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Webhook-ID', value: 'mine' }] },
			},
			/Webhook-ID is set by the node, for the delivery ID/,
			0,
		],
		[
			'retry delays that are not numbers',
			{ options: { retryDelays: '10, soon' } },
			/Retry Delays must be numbers/,
			0,
		],
		['an unknown scheme', { signatureScheme: 'acme' }, /Unknown signing scheme "acme"/, 0],
		[
			'a Generic HMAC template without {body}',
			{ signatureScheme: 'generic', signatureHeader: 'X-Sig', genericSignedContent: '{timestamp}' },
			/must contain \{body\} exactly once/,
			0,
		],
	];

	it.each(cases)('%s', async (_name, parameters, message, itemIndex) => {
		const signed = (parameters.signatureScheme ?? 'none') !== 'none';
		const error = await refusal(
			{ url: receiver.url, signatureScheme: 'none', ...parameters },
			{ items: items(2), secret: signed ? 'a-secret' : undefined },
		);
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(itemIndex);
		expect(receiver.calls).toHaveLength(0);
	});

	it('names the item whose URL is bad, and sends nothing for the others', async () => {
		const error = await refusal(
			{ url: `={{ $json.id === 2 ? "nope" : "${receiver.url}" }}`, signatureScheme: 'none' },
			{ items: items(4) },
		);
		expect(error.context.itemIndex).toBe(2);
		expect(receiver.calls).toHaveLength(0);
	});

	it('signing on without a credential says which credential to choose', async () => {
		const error = await refusal({ url: receiver.url, signatureScheme: 'standardWebhooks' });
		expect(error.message).toMatch(/Webhook Signing Secret credential could not be read/);
		expect(error.description).toMatch(/set Signing Scheme to None/);
	});

	it('a secret that does not decode in its format is refused, naming the slot, not the value', async () => {
		const error = await refusal(
			{ url: receiver.url, signatureScheme: 'standardWebhooks' },
			{ secret: 'whsec_not*base64' },
		);
		expect(error.message).toBe(
			'Webhook Signing Secret: The primary secret is not valid Standard Webhooks (whsec_ + base64)',
		);
	});

	it('Linear carries its timestamp in a JSON object: a bare batch array is refused', async () => {
		const error = await refusal(
			{ url: receiver.url, signatureScheme: 'linear', batching: 'batch', batchSize: 10 },
			{ items: items(3), secret: 's' },
		);
		expect(error.message).toMatch(/"webhookTimestamp" field of a JSON object body/);
		expect(receiver.calls).toHaveLength(0);
	});
});

describe('payloads JSON cannot carry are refused before anything is sent', () => {
	const cyclic = () => {
		const json: IDataObject = { id: 1 };
		json.self = json;
		return json;
	};
	const cases: Array<[string, () => IDataObject, string]> = [
		[
			'a record that contains itself',
			cyclic,
			'The payload cannot be sent as JSON: Converting circular structure to JSON: $.self is $, which contains it',
		],
		[
			'a member whose getter throws',
			() =>
				Object.defineProperty({ id: 1 }, 'total', {
					enumerable: true,
					get: () => {
						throw new Error('total is not ready');
					},
				}) as IDataObject,
			'The payload cannot be sent as JSON: total is not ready',
		],
	];

	it('a BigInt goes as n8n writes it (n8n-workflow gives BigInt a toJSON): its digits, as text', async () => {
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none' },
			{ items: [{ json: { id: 1, amount: 12345678901234567890n as unknown as number } }] },
		);
		expect(delivered).toHaveLength(1);
		expect(receiver.calls[0].body.toString()).toBe('{"id":1,"amount":"12345678901234567890"}');
	});

	it.each(cases)('%s: the node names the item', async (_name, make, message) => {
		const input = items(3);
		input[1] = { json: make() };
		const error = await refusal({ url: receiver.url, signatureScheme: 'none' }, { items: input });
		expect(error.message).toBe(message);
		expect(error.context.itemIndex).toBe(1);
		expect(receiver.calls).toHaveLength(0);
	});

	it.each(cases.slice(0, 1))(
		'%s, with Continue On Fail: the item goes to Failed saying why',
		async (_name, make, message) => {
			const input = items(3);
			input[1] = { json: make() };
			const { delivered, failed } = await send(
				{ url: receiver.url, signatureScheme: 'none', batching: 'batch', batchSize: 10 },
				{ items: input, continueOnFail: true },
			);
			expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
			expect(record(failed[0])).toMatchObject({
				delivered: false,
				outcome: `not sent: ${message}`,
			});
			expect(receiver.calls.map((call) => JSON.parse(call.body.toString()))).toEqual([
				[input[0].json, input[2].json],
			]);
		},
	);

	// 200 records of 3 MB (one string they share): each can be written, their batch cannot.
	const blob = 'x'.repeat(3_000_000);
	const tooLong = () => [
		...items(200, (id) => ({ id, blob })),
		...items(1, () => ({ id: 200, name: 'small' })),
	];

	it('a batch whose body would be longer than a string can hold: the node names its first item', async () => {
		const error = await refusal(
			{ url: receiver.url, signatureScheme: 'standardWebhooks', batching: 'batch', batchSize: 200 },
			{ items: tooLong(), secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
		);
		expect(error.message).toMatch(
			/^The body of this call cannot be written: its JSON would be 600\d{6} characters long, more than the \d+ a string can hold; send fewer records per call \(Batch Size\)$/,
		);
		expect(error.context.itemIndex).toBe(0);
		expect(receiver.calls).toHaveLength(0);
	});

	it('with Continue On Fail, that batch goes to Failed and the next is sent', async () => {
		const { delivered, failed } = await send(
			{ url: receiver.url, signatureScheme: 'standardWebhooks', batching: 'batch', batchSize: 200 },
			{
				items: tooLong(),
				secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
				continueOnFail: true,
			},
		);
		expect(failed).toHaveLength(200);
		expect(failed.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: 200 }, (_, item) => ({ item })),
		);
		expect(record(failed[199]).outcome).toMatch(
			/^not sent: The body of this call cannot be written/,
		);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 200 }]);
		expect(receiver.calls.map((call) => call.body.toString())).toEqual([
			'[{"id":200,"name":"small"}]',
		]);
	});
});

describe('Continue On Fail', () => {
	it('routes a bad item to Failed with why, and still delivers the others', async () => {
		const { delivered, failed } = await send(
			{ url: `={{ $json.id === 1 ? "ftp://x" : "${receiver.url}" }}`, signatureScheme: 'none' },
			{ items: items(3), continueOnFail: true },
		);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(record(failed[0])).toMatchObject({
			delivered: false,
			outcome: expect.stringMatching(/^not sent: .*must start with/),
			attempts: [],
		});
		expect(receiver.calls).toHaveLength(2);
	});
});

describe('On Final Failure: Stop the Workflow', () => {
	it('fails the node naming the first item that could not be delivered', async () => {
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 1 ? 500 : 200 }));
		const error = await stoppedOnAnswer(
			{ url: receiver.url, signatureScheme: 'none', onFailure: 'error', options: FAST_RETRIES },
			{ items: items(3) },
		);
		expect(error.httpCode).toBe('500');
		expect(error.message).toBe(
			`Item 1 could not be delivered to ${receiver.url}/: answered 500; no retries left after 3 attempts`,
		);
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toMatch(/^1 item\(s\) were delivered before the node stopped/);
		// Item 2 was never sent: the node stopped at item 1.
		expect(receiver.calls.map((call) => JSON.parse(call.body.toString()).id)).toEqual([0, 1, 1, 1]);
	});

	it('without any answer (nothing listens), fails with a NodeOperationError saying so', async () => {
		const url = receiver.url;
		await receiver.close();
		const error = await refusal(
			{ url, signatureScheme: 'none', onFailure: 'error', options: { retryDelays: '' } },
			{ items: items(1) },
		);
		expect(error).not.toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Item 0 could not be delivered to .*: .*refused/i);
		receiver = await startReceiver();
	});

	it('with Continue On Fail, the undelivered item goes to Failed and the rest are still sent', async () => {
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 1 ? 500 : 200 }));
		const { delivered, failed } = await send(
			{ url: receiver.url, signatureScheme: 'none', onFailure: 'error', options: FAST_RETRIES },
			{ items: items(3), continueOnFail: true },
		);
		expect(delivered.map((item) => item.json.id)).toEqual([0, 2]);
		expect(failed.map((item) => item.json.id)).toEqual([1]);
	});
});

describe('secrets never leave', () => {
	const secret = 'sk-super-secret-value-0123456789';
	const token = 'Bearer tok-never-shown-0123456789';

	it('not in the outputs, whether delivered or failed, nor the signatures sent', async () => {
		receiver.answer((call) => ({
			status: call.n === 1 ? 200 : 401,
			body: '{"error":"unauthorized"}',
		}));
		const result = await send(
			{
				url: receiver.url,
				signatureScheme: 'stripe',
				authentication: 'headerAuth',
				options: { retryDelays: '' },
			},
			{
				items: items(2),
				secret: { secret, secondarySecret: 'second-secret-9876543210' },
				headerAuth: { name: 'Authorization', secretValue: token },
			},
		);
		expect(result.delivered).toHaveLength(1);
		expect(result.failed).toHaveLength(1);
		const everything = JSON.stringify(result);
		const signatures = receiver.calls.map((call) => header(call, 'stripe-signature'));
		for (const forbidden of [
			secret,
			'second-secret-9876543210',
			token,
			'tok-never-shown',
			...signatures,
		]) {
			expect(everything).not.toContain(forbidden);
		}
		for (const signature of signatures) {
			for (const part of signature.split(',').filter((p) => p.startsWith('v1=')))
				expect(everything).not.toContain(part.slice(3));
		}
	});

	it('not in the error when the node stops', async () => {
		receiver.answer(() => ({ status: 401 }));
		const error = await stoppedOnAnswer(
			{
				url: receiver.url,
				signatureScheme: 'github',
				authentication: 'headerAuth',
				onFailure: 'error',
				options: { retryDelays: '' },
			},
			{ secret, headerAuth: { name: 'X-Api-Key', secretValue: token } },
		);
		const text = JSON.stringify({
			message: error.message,
			description: error.description,
			context: error.context,
			httpCode: error.httpCode,
			errorResponse: error.errorResponse,
		});
		expect(text).not.toContain(secret);
		expect(text).not.toContain('tok-never-shown');
		expect(text).not.toContain(header(receiver.calls[0], 'x-hub-signature-256').slice(7));
	});
});
