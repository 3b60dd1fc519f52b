/**
 * Send Webhook with Standard Webhooks v1a, in n8n-core's execution context
 * against a real loopback receiver: it signs with the Webhook Signing Key's
 * private key so that our core (and the trigger) verify the call with the
 * public key; without a private key it fails naming what to add; and the
 * private key never reaches an output or an error.
 */

import { NodeOperationError } from 'n8n-workflow';

import { STANDARD_WEBHOOKS_V1A, verify } from '../../core';
import { startReceiver, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { deliverTo } from './triggerHarness';
import { expectNoKeyMaterial, standardWebhooksPair } from '../helpers/keys';
import { FAST_RETRIES, items, send, type SendOptions } from './sendWebhookHarness';

const { whsk, whpk } = standardWebhooksPair();
const v1a = { signatureScheme: 'standardWebhooksV1a', options: FAST_RETRIES };

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

const headersOf = (call: ReceivedCall) =>
	Object.fromEntries(
		Object.entries(call.headers).filter(
			(entry): entry is [string, string] => typeof entry[1] === 'string',
		),
	);

it('v1a: each call is signed so that our core verifies it with the public key', async () => {
	const result = await send(
		{ ...v1a, url: receiver.url },
		{ items: items(2), keys: { publicKey: whpk, privateKey: whsk } },
	);
	expect(result.delivered).toHaveLength(2);
	expect(result.delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(receiver.calls).toHaveLength(2);
	for (const call of receiver.calls) {
		expect(call.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
		expect(
			verify(STANDARD_WEBHOOKS_V1A, { primary: whpk }, call.body, headersOf(call)),
		).toMatchObject({
			ok: true,
			matchedSecret: 'primary',
		});
		// Another public key does not verify it.
		expect(
			verify(
				STANDARD_WEBHOOKS_V1A,
				{ primary: standardWebhooksPair().whpk },
				call.body,
				headersOf(call),
			),
		).toMatchObject({ ok: false, reason: 'signature_mismatch' });
	}
	expectNoKeyMaterial(JSON.stringify(result), whsk);
});

it('and the trigger, with the matching whpk_ credential, accepts what it sent', async () => {
	await send({ ...v1a, url: receiver.url }, { keys: { publicKey: whpk, privateKey: whsk } });
	const [call] = receiver.calls;
	const outcome = await deliverTo(
		{ signatureScheme: 'standardWebhooksV1a' },
		{ keys: whpk, body: call.body, headers: headersOf(call) },
	);
	expect(outcome.status).toBe(200);
	expect(outcome.verified[0].json.verification).toMatchObject({ scheme: 'standardWebhooksV1a' });
});

describe('without a usable private key nothing is sent', () => {
	async function refusal(options: SendOptions): Promise<NodeOperationError> {
		const error = await send({ ...v1a, url: receiver.url }, options).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		return error as NodeOperationError;
	}

	it('no private key: the node fails on item 0 saying what to add', async () => {
		const error = await refusal({ keys: whpk });
		expect(error.message).toBe(
			'Standard Webhooks v1a (Ed25519) signs with a private key, and the Webhook Signing Key credential has none',
		);
		expect(error.description).toMatch(
			/Private Key field \(whsk_…, PEM PKCS#8, or the hex or base64 seed\)/,
		);
		expect(error.context.itemIndex).toBe(0);
		expect(receiver.calls).toHaveLength(0);
	});

	it('Continue on Fail does not hide it: the setting is wrong for every item, as a missing secret is', async () => {
		const error = await refusal({ keys: whpk, continueOnFail: true });
		expect(error.message).toMatch(/has none$/);
	});

	it('the public key in the private key field: says so, and repeats nothing of it', async () => {
		const error = await refusal({ keys: { publicKey: whpk, privateKey: whpk } });
		expect(error.message).toBe(
			'Webhook Signing Key: The primary private key is a public key: signing needs the private key',
		);
	});

	it('a private key that does not read: says why, without any of it', async () => {
		const broken = `${whsk.slice(0, 20)}!!`;
		const error = await refusal({ keys: { publicKey: whpk, privateKey: broken } });
		expect(error.message).toMatch(
			/^Webhook Signing Key: The primary private key is not whsk_ followed by base64$/,
		);
		expectNoKeyMaterial(JSON.stringify([error.message, error.description]), whsk);
	});

	it('no key credential at all', async () => {
		const error = await refusal({});
		expect(error.message).toBe(
			'Signing is on, but the Webhook Signing Key credential could not be read',
		);
		expect(error.context.itemIndex).toBe(0);
	});
});
