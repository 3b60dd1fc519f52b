/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its keys are published test keys or made here */
/**
 * Verified Webhook Trigger with the public-key schemes, in n8n-core's real
 * WebhookContext: Standard Webhooks v1a (alone, and beside v1 in one
 * header), Discord (its PING answered by the trigger, its forged calls 401
 * whatever is configured) and SendGrid, each verified with a Webhook Signing
 * Key credential; and a key the scheme cannot use (a small-order Ed25519
 * point too) refused as our own configuration, with no key material in
 * anything the trigger returns.
 */
import { generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';

import { NodeHelpers, type INode } from 'n8n-workflow';

import { STANDARD_WEBHOOKS, STANDARD_WEBHOOKS_V1A, sign } from '../../core';
import { SCHEME_OPTIONS } from '../../nodes/shared/schemeParameters';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import {
	ed25519FromSeed,
	expectNoKeyMaterial,
	RFC8032_TEST1,
	standardWebhooksPair,
} from '../helpers/keys';
import { timedTextVectors } from '../helpers/vectors';
import { deliverTo, type Outcome } from './triggerHarness';

const json = { 'content-type': 'application/json' };
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

/** Everything a trigger hands back: the answer, its headers, and both outputs. */
const everything = (outcome: Outcome) =>
	JSON.stringify([
		outcome.responseBody,
		outcome.responseHeaders,
		outcome.verified,
		outcome.rejected,
		outcome.webhookResponse,
		outcome.executionError?.message,
	]);

describe('the scheme list and its credentials', () => {
	it('the trigger offers the three public-key schemes under names that say their algorithm', () => {
		expect(SCHEME_OPTIONS.map((option) => option.name)).toEqual(
			expect.arrayContaining([
				'Standard Webhooks v1a (Ed25519)',
				'Discord Interactions (Ed25519)',
				'SendGrid Event Webhook (ECDSA P-256)',
			]),
		);
	});

	it.each([
		[
			'Verified Webhook Trigger',
			new VerifiedWebhookTrigger(),
			['standardWebhooksV1a', 'discord', 'sendgrid'],
		],
		['Send Webhook', new SendWebhook(), ['standardWebhooksV1a']],
	])(
		'%s shows the key credential for exactly its public-key schemes, and the secret for the others',
		(_name, node, keySchemes) => {
			// As n8n decides it, from the credentials' displayOptions.
			const shows = (name: string, scheme: string) =>
				NodeHelpers.displayParameter(
					{ signatureScheme: scheme, authentication: 'none' },
					node.description.credentials!.find((credential) => credential.name === name)!,
					{ typeVersion: 1 } as INode,
					node.description,
				);
			const offered = (
				node.description.properties.find((property) => property.name === 'signatureScheme')
					?.options as Array<{ value: string }>
			)
				.map((option) => option.value)
				.filter((value) => value !== 'none');
			expect(offered.filter((id) => shows('webhookSigningKeyApi', id)).sort()).toEqual(
				[...keySchemes].sort(),
			);
			for (const id of offered)
				expect([id, shows('webhookSigningSecretApi', id)]).toEqual([id, !keySchemes.includes(id)]);
		},
	);

	it("the trigger's credentials do not list Signing Scheme's options under show, so n8n's editor keeps it in the panel", () => {
		// When the "show" lists of a node's credentials cover every option of a
		// parameter, n8n's editor takes it for the authentication choice and
		// removes it from the panel (seen in the browser suite).
		for (const credential of new VerifiedWebhookTrigger().description.credentials ?? [])
			expect([credential.name, credential.displayOptions?.show]).toEqual([
				credential.name,
				undefined,
			]);
	});
});

it('the trigger hides Rejection Status for Discord, whose status is fixed', () => {
	const property = new VerifiedWebhookTrigger().description.properties.find(
		(candidate) => candidate.name === 'rejectionStatus',
	);
	expect(property?.displayOptions).toEqual({ hide: { signatureScheme: ['discord'] } });
});

describe('Standard Webhooks v1a', () => {
	const { whsk, whpk } = standardWebhooksPair();
	const body = '{"type":"invoice.paid","data":{"id":"in_1"}}';
	const id = `msg_${randomBytes(8).toString('hex')}`;
	const v1a = () =>
		sign(STANDARD_WEBHOOKS_V1A, { primary: whsk }, body, { timestamp: new Date(), id });

	it('a call signed by our core with a whsk_ key is accepted with the matching whpk_ credential', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooksV1a' },
			{ keys: whpk, body, headers: { ...json, ...v1a() } },
		);
		expect(outcome.status).toBe(200);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.verified[0].json).toMatchObject({
			body: JSON.parse(body),
			verification: { scheme: 'standardWebhooksV1a', matchedSecret: 'primary', id },
		});
		expect(outcome.verified[0].pairedItem).toBeDefined();
	});

	it('another key pair is refused: signature_mismatch, 401', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooksV1a' },
			{ keys: standardWebhooksPair().whpk, body, headers: { ...json, ...v1a() } },
		);
		expect(outcome).toMatchObject({ status: 401, started: false });
		expect(outcome.responseBody).toEqual({ error: 'Unauthorized', reason: 'signature_mismatch' });
	});

	describe('one header with v1 and v1a entries', () => {
		const whsec = `whsec_${randomBytes(24).toString('base64')}`;
		const both = () => {
			const timestamp = new Date();
			const hmac = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, { timestamp, id });
			const ed = sign(STANDARD_WEBHOOKS_V1A, { primary: whsk }, body, { timestamp, id });
			return {
				...json,
				...hmac,
				'webhook-signature': `${hmac['webhook-signature']} ${ed['webhook-signature']}`,
			};
		};

		it('is accepted by an HMAC-credential trigger (v1 scheme)', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'standardWebhooks' },
				{ secret: whsec, body, headers: both() },
			);
			expect(outcome.status).toBe(200);
			expect(outcome.verified[0].json.verification).toMatchObject({ scheme: 'standardWebhooks' });
		});

		it('and by a key-credential trigger (v1a scheme)', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'standardWebhooksV1a' },
				{ keys: whpk, body, headers: both() },
			);
			expect(outcome.status).toBe(200);
			expect(outcome.verified[0].json.verification).toMatchObject({
				scheme: 'standardWebhooksV1a',
			});
		});
	});

	it('a credential that also holds the private key never lets it out', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooksV1a', rejectedOutput: true },
			{ keys: { publicKey: whpk, privateKey: whsk }, body, headers: { ...json, ...v1a() } },
		);
		expect(outcome.status).toBe(200);
		expectNoKeyMaterial(everything(outcome), whsk);
	});
});

describe('Discord Interactions', () => {
	const publicKey = RFC8032_TEST1.publicKeyHex;
	const privateKey = ed25519FromSeed(Buffer.from(RFC8032_TEST1.seedHex, 'hex'));
	const discordSigned = (body: string, timestamp = nowSeconds()) => ({
		...json,
		'X-Signature-Ed25519': nodeSign(null, Buffer.from(timestamp + body), privateKey).toString(
			'hex',
		),
		'X-Signature-Timestamp': timestamp,
	});
	const interaction =
		'{"type":2,"id":"1200","application_id":"99","token":"t","data":{"name":"hello"}}';
	const discord = { signatureScheme: 'discord' };

	it('a call signed with the RFC 8032 TEST 1 key is accepted and output', async () => {
		const outcome = await deliverTo(discord, {
			keys: publicKey,
			body: interaction,
			headers: discordSigned(interaction),
		});
		expect(outcome.status).toBe(200);
		expect(outcome.started).toBe(true);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.verified[0].json).toMatchObject({
			body: { type: 2, data: { name: 'hello' } },
			verification: { scheme: 'discord', matchedSecret: 'primary' },
		});
	});

	it("a PING (the fixture's vector) is answered with PONG by the trigger, and starts nothing", async () => {
		const [vector] = timedTextVectors('discord-interactions');
		if (!vector) throw new Error('no Discord vector in the fixture');
		expect(JSON.parse(vector.payload)).toMatchObject({ type: 1 });
		// Signed in 2023: only with the window off does the old stamp pass.
		const outcome = await deliverTo(
			{ ...discord, toleranceSeconds: 0 },
			{
				keys: vector.secret,
				body: vector.payload,
				headers: { ...json, ...vector.expected_header_values },
			},
		);
		expect(outcome.status).toBe(200);
		expect(outcome.responseBody).toEqual({ type: 1 });
		expect(outcome.responseHeaders['content-type']).toBe('application/json');
		expect(outcome.started).toBe(false);
	});

	it('a fresh PING too, with replay protection on', async () => {
		const ping = '{"type":1,"id":"77","application_id":"99","token":"t"}';
		const outcome = await deliverTo(
			{ ...discord, replayProtection: true },
			{ keys: publicKey, body: ping, headers: discordSigned(ping), workflowId: 'wf-ping' },
		);
		expect(outcome).toMatchObject({ status: 200, responseBody: { type: 1 }, started: false });
	});

	it('a forged PING, as Discord sends to check the endpoint, gets 401 even with 403 configured', async () => {
		const ping = '{"type":1}';
		const forged = {
			...discordSigned(ping),
			'X-Signature-Ed25519': randomBytes(64).toString('hex'),
		};
		for (const rejectionStatus of [401, 403]) {
			const outcome = await deliverTo(
				{ ...discord, rejectionStatus },
				{ keys: publicKey, body: ping, headers: forged },
			);
			expect(outcome).toMatchObject({ status: 401, started: false });
			expect(outcome.responseBody).toEqual({ error: 'Unauthorized', reason: 'signature_mismatch' });
		}
	});

	it('a PING signed by another key is no PING: 401', async () => {
		const ping = '{"type":1}';
		const other = generateKeyPairSync('ed25519').privateKey;
		const timestamp = nowSeconds();
		const outcome = await deliverTo(discord, {
			keys: publicKey,
			body: ping,
			headers: {
				...json,
				'X-Signature-Ed25519': nodeSign(null, Buffer.from(timestamp + ping), other).toString('hex'),
				'X-Signature-Timestamp': timestamp,
			},
		});
		expect(outcome).toMatchObject({ status: 401, started: false });
	});
});

describe('SendGrid Event Webhook', () => {
	const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	// As SendGrid shows its verification key: base64 DER SubjectPublicKeyInfo.
	const verificationKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
	const body =
		'[{"email":"a@example.com","event":"delivered","sg_event_id":"ev1","timestamp":1700000000}]';
	const signed = (payload: string) => {
		const timestamp = nowSeconds();
		return {
			...json,
			'X-Twilio-Email-Event-Webhook-Signature': nodeSign(
				'sha256',
				Buffer.from(timestamp + payload),
				pair.privateKey,
			).toString('base64'),
			'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
		};
	};

	it('a call signed with node:crypto ECDSA P-256 is accepted', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'sendgrid', options: { splitArray: true } },
			{ keys: verificationKey, body, headers: signed(body) },
		);
		expect(outcome.status).toBe(200);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.verified[0].json).toMatchObject({
			body: { event: 'delivered', sg_event_id: 'ev1' },
			verification: { scheme: 'sendgrid' },
		});
	});

	it('a changed body is refused', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'sendgrid' },
			{ keys: verificationKey, body: body.replace('delivered', 'bounce'), headers: signed(body) },
		);
		expect(outcome).toMatchObject({ status: 401, started: false });
	});
});

describe('a key the scheme cannot use is our configuration: 500, invalid_key', () => {
	const { whsk, whpk } = standardWebhooksPair();
	const body = '{"a":1}';
	const headers = () => ({
		...json,
		...sign(STANDARD_WEBHOOKS_V1A, { primary: whsk }, body, { timestamp: new Date(), id: 'msg_1' }),
	});
	const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
		.publicKey.export({ format: 'der', type: 'spki' })
		.toString('base64');

	it.each([
		[
			'text that is no key',
			'not a key at all!',
			/^The primary public key is not hex, base64, PEM or whpk_\/whsk_ text$/,
		],
		[
			'a P-256 key for an Ed25519 scheme',
			p256,
			/^The primary public key is an ec key on curve prime256v1; this needs an Ed25519 key$/,
		],
		['the private key pasted as the public one', whsk, /^The primary public key is a private key/],
	])('%s', async (_name, publicKey, detail) => {
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooksV1a', rejectedOutput: true },
			{ keys: { publicKey, secondaryPublicKey: whpk }, body, headers: headers() },
		);
		expect(outcome).toMatchObject({ status: 500 });
		expect(outcome.responseBody).toEqual({
			error: 'Webhook receiver is not configured',
			reason: 'invalid_key',
		});
		expect(outcome.rejected[0].json.rejection).toMatchObject({
			reason: 'invalid_key',
			status: 500,
			detail: expect.stringMatching(detail),
		});
		expectNoKeyMaterial(everything(outcome), whsk);
	});

	describe('a small-order Ed25519 key (the identity, 01 00…00), under which 01 00…00 would verify any body', () => {
		// On Node 20 (OpenSSL 3.0) node:crypto itself accepts that signature:
		// only the key check stands between it and an execution.
		const identity = `01${'00'.repeat(31)}`;
		const forgedSignature = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);
		const refused = {
			status: 500,
			started: false,
			responseBody: { error: 'Webhook receiver is not configured', reason: 'invalid_key' },
		};

		it('Standard Webhooks v1a: 500, invalid_key, no execution', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'standardWebhooksV1a' },
				{
					keys: `whpk_${Buffer.from(identity, 'hex').toString('base64')}`,
					body,
					headers: {
						...json,
						'webhook-id': 'msg_forged',
						'webhook-timestamp': nowSeconds(),
						'webhook-signature': `v1a,${forgedSignature.toString('base64')}`,
					},
				},
			);
			expect(outcome).toMatchObject(refused);
		});

		it('Discord: a forged PING gets no PONG but 500, invalid_key, no execution', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'discord' },
				{
					keys: identity,
					body: '{"type":1}',
					headers: {
						...json,
						'X-Signature-Ed25519': forgedSignature.toString('hex'),
						'X-Signature-Timestamp': nowSeconds(),
					},
				},
			);
			expect(outcome).toMatchObject(refused);
		});

		it('with Output Rejected Calls, the refused call says why in a fixed sentence', async () => {
			const outcome = await deliverTo(
				{ signatureScheme: 'discord', rejectedOutput: true },
				{
					keys: identity,
					body: '{"type":2}',
					headers: {
						...json,
						'X-Signature-Ed25519': forgedSignature.toString('hex'),
						'X-Signature-Timestamp': nowSeconds(),
					},
				},
			);
			expect(outcome.status).toBe(500);
			expect(outcome.verified).toEqual([]);
			expect(outcome.rejected[0].json.rejection).toMatchObject({
				reason: 'invalid_key',
				status: 500,
				detail:
					'The primary public key is a small-order Ed25519 point, not a real public key: signatures under it can be forged (a placeholder such as all zeros?)',
			});
		});
	});

	it('no key credential at all is no_secret, 500, as for an HMAC scheme', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooksV1a' },
			// The secret credential does not serve a public-key scheme.
			{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', body, headers: headers() },
		);
		expect(outcome).toMatchObject({ status: 500, started: false });
		expect(outcome.responseBody).toMatchObject({ reason: 'no_secret' });
	});
});
