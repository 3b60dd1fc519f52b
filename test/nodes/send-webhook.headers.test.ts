/**
 * Every header Send Webhook is asked to send arrives as written, or the node
 * refuses before the first call: none is dropped, renamed or re-encoded on
 * the way (issue 12, items 8 and 9).
 */
import { createHmac } from 'node:crypto';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

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
	const error = await send({ url: receiver.url, ...parameters }, options).then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	return error as NodeOperationError;
}

const generic = {
	signatureScheme: 'generic',
	signatureHeader: 'X-Sig',
	genericSignedContent: '{body}',
};

describe('no header is silently dropped (item 9)', () => {
	it('a Generic HMAC signature header named __proto__ is refused before any call, not sent unsigned', async () => {
		const error = await refusal(
			{ ...generic, signatureHeader: '__proto__' },
			{ secret: 'proto-secret', items: items(3) },
		);
		expect(error.message).toMatch(
			/^Signature Header Name: A header cannot be named "__proto__": n8n's HTTP client \(axios\)/,
		);
		expect(error.context.itemIndex).toBe(0);
		expect(receiver.calls).toHaveLength(0);
	});

	it.each([
		[
			'a Generic HMAC timestamp header named common',
			{
				...generic,
				genericSignedContent: '{timestamp}.{body}',
				genericTimestampHeader: 'common',
			},
			/^Timestamp Header Name: A header cannot be named "common"/,
		],
		[
			'a Generic HMAC id header named Get',
			{ ...generic, genericSignedContent: '{id}.{body}', genericIdHeader: 'Get' },
			/^ID Header Name: A header cannot be named "Get"/,
		],
		[
			"Smarter Launch's signature header named constructor",
			{ signatureScheme: 'smarterLaunch', signatureHeader: 'constructor' },
			/^Signature Header Name: A header cannot be named "constructor"/,
		],
	])('%s is refused before any call', async (_name, parameters, message) => {
		const error = await refusal(parameters, { secret: 's' });
		expect(error.message).toMatch(message);
		expect(receiver.calls).toHaveLength(0);
	});

	it('a header parameter named __proto__ or post is refused, naming the item', async () => {
		for (const name of ['__proto__', 'post']) {
			const error = await refusal(
				{
					signatureScheme: 'none',
					sendHeaders: true,
					headerParameters: {
						parameters: [{ name: `={{ $json.id === 1 ? "${name}" : "X-Fine" }}`, value: 'v' }],
					},
				},
				{ items: items(3) },
			);
			expect(error.message).toBe(
				`A header cannot be named "${name}": n8n's HTTP client (axios) uses that name for itself and would drop the header without a word`,
			);
			expect(error.context.itemIndex).toBe(1);
		}
		expect(receiver.calls).toHaveLength(0);
	});

	it('a Header Auth credential whose header is named __proto__ is refused, not sent without it', async () => {
		const error = await refusal(
			{ signatureScheme: 'none', authentication: 'headerAuth' },
			{ headerAuth: { name: '__proto__', secretValue: 'Bearer never-sent' } },
		);
		expect(error.message).toMatch(/^Webhook Header Auth credential: A header cannot be named/);
		expect(receiver.calls).toHaveLength(0);
	});

	it('every header set goes out: custom, auth, id and signature together', async () => {
		const secret = 'all-headers-secret';
		await send(
			{
				url: receiver.url,
				...generic,
				genericSignedContent: '{id}.{timestamp}.{body}',
				genericTimestampHeader: 'X-Ts',
				genericIdHeader: 'X-Id',
				authentication: 'headerAuth',
				sendHeaders: true,
				headerParameters: {
					parameters: [
						{ name: 'X-Tenant', value: 'acme' },
						{ name: 'toString', value: 'fine' },
						{ name: 'Content-Type', value: 'application/vnd.acme+json' },
					],
				},
			},
			{ secret, headerAuth: { name: 'X-Api-Key', secretValue: 'key-1' } },
		);
		const [call] = receiver.calls;
		expect(header(call, 'x-tenant')).toBe('acme');
		expect(header(call, 'tostring')).toBe('fine');
		expect(header(call, 'content-type')).toBe('application/vnd.acme+json');
		expect(header(call, 'x-api-key')).toBe('key-1');
		const signed = `${header(call, 'x-id')}.${header(call, 'x-ts')}.${call.body.toString()}`;
		expect(header(call, 'x-sig')).toBe(createHmac('sha256', secret).update(signed).digest('hex'));
	});
});

describe('header values are checked before sending (item 8)', () => {
	it('a ConnectGain Event Name in Cyrillic is refused before any call, naming the parameter and character', async () => {
		// Sent as it was, X-Webhook-Event arrived as "." while the envelope said "контакт.создан".
		const error = await refusal(
			{ signatureScheme: 'connectgain', eventName: 'контакт.создан' },
			{ secret: 's', items: items(2) },
		);
		expect(error.message).toBe(
			'Event Name cannot be sent in the X-Webhook-Event header: it has "к" (U+043A) at position 1, a character outside visible ASCII',
		);
		expect(error.description).toMatch(/visible ASCII, space and tab/);
		expect(error.context.itemIndex).toBe(0);
		expect(receiver.calls).toHaveLength(0);
	});

	it.each([
		['a Latin-1 letter', 'café.created', /"é" \(U\+00E9\) at position 4, a character outside/],
		['a line break', 'push\r\nX-Injected: 1', /line break or control character \(U\+000D\)/],
		['a tab, which is allowed', 'a\tb', undefined],
	])('Event Name with %s', async (_name, eventName, message) => {
		const run = send({ url: receiver.url, signatureScheme: 'github', eventName }, { secret: 's' });
		if (message === undefined) {
			const { delivered } = await run;
			expect(delivered).toHaveLength(1);
			expect(header(receiver.calls[0], 'x-github-event')).toBe(eventName);
			return;
		}
		await expect(run).rejects.toThrow(message);
		expect(receiver.calls).toHaveLength(0);
	});

	it('a Generic HMAC Signature Prefix with a line break is refused before any call, naming the prefix', async () => {
		// Sent as it was, n8n's HTTP client (axios) dropped the CR and LF without a
		// word, and the call was reported delivered with X-Sig: sha256=X-Injected: 1<hex>.
		const error = await refusal(
			{ ...generic, genericPrefix: 'sha256=\r\nX-Injected: 1', options: FAST_RETRIES },
			{ secret: 's', items: items(2) },
		);
		expect(error.message).toBe(
			'Generic HMAC: Signature Prefix cannot be sent in the X-Sig header: it has a line break or control character (U+000D) at position 8, which HTTP does not allow',
		);
		expect(error.message).not.toContain('X-Injected');
		expect(receiver.calls).toHaveLength(0);
	});

	it('an Event Name that only travels in the envelope may be any text', async () => {
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none', envelope: true, eventName: 'контакт.создан' },
			{ items: items(1) },
		);
		expect(delivered).toHaveLength(1);
		expect(JSON.parse(receiver.calls[0].body.toString()).event).toBe('контакт.создан');
		expect(receiver.calls[0].headers['x-webhook-event']).toBeUndefined();
	});

	it('every item is checked before the first call: a bad value on the last item sends nothing', async () => {
		const error = await refusal(
			{
				signatureScheme: 'none',
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'X-Note', value: '={{ $json.id === 4 ? "Grüße" : "hello" }}' }],
				},
			},
			{ items: items(5) },
		);
		expect(error.message).toBe(
			'Header Parameters: the value of X-Note cannot be sent: it has "ü" (U+00FC) at position 3, a character outside visible ASCII',
		);
		expect(error.context.itemIndex).toBe(4);
		expect(receiver.calls).toHaveLength(0);
	});

	it('a character above Latin-1 is no longer called a line break', async () => {
		const error = await refusal({
			signatureScheme: 'none',
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'X-Note', value: 'ok ✓' }] },
		});
		expect(error.message).toMatch(
			/"✓" \(U\+2713\) at position 4, a character outside visible ASCII/,
		);
		expect(error.message).not.toMatch(/line break/);
	});

	it('with Continue On Fail, the item with the bad value goes to Failed and the others are delivered', async () => {
		const { delivered, failed } = await send(
			{ url: receiver.url, signatureScheme: 'github', eventName: '={{ $json.name }}' },
			{
				secret: 's',
				continueOnFail: true,
				items: items(3, (i) => ({ id: i, name: i === 1 ? 'naïve' : 'plain' })),
			},
		);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(record(failed[0])).toMatchObject({
			delivered: false,
			outcome: expect.stringMatching(/^not sent: Event Name cannot be sent in the X-GitHub-Event/),
			attempts: [],
		});
		expect(receiver.calls).toHaveLength(2);
	});

	it('a Header Auth value outside ASCII is refused without showing the value or its character', async () => {
		const secretValue = 'Bearer tøken-never-shown';
		const error = await refusal(
			{ signatureScheme: 'none', authentication: 'headerAuth' },
			{ headerAuth: { name: 'Authorization', secretValue } },
		);
		expect(error.message).toBe(
			'Webhook Header Auth credential: the value of Authorization has a character outside visible ASCII, which cannot be sent in a header',
		);
		const text = JSON.stringify({ m: error.message, d: error.description, c: error.context });
		expect(text).not.toContain('ø');
		expect(text).not.toContain('never-shown');
		expect(receiver.calls).toHaveLength(0);
	});
});
