/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs in Node, never inside n8n */
/**
 * Webhook Signature's Verify operation, run in n8n's execution context on
 * the item n8n's Webhook node outputs with Raw Body on: what the providers'
 * official libraries sign goes to Valid with the trigger's `verification`;
 * a changed byte, a changed header or a stale timestamp goes to Invalid
 * with the trigger's `rejection`; the workflow's own wiring mistakes are
 * errors that name the item.
 */
import { execFileSync } from 'node:child_process';
import {
	createHash,
	createHmac,
	generateKeyPairSync,
	randomBytes,
	sign as nodeSign,
} from 'node:crypto';
import { join } from 'node:path';

import { EventWebhook } from '@sendgrid/eventwebhook';
import { verifyKey } from 'discord-interactions';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { INodeParameters } from 'n8n-workflow';

import { deliverTo } from './triggerHarness';
import { verifyCall, verifyItems, webhookItem } from './webhookSignatureHarness';

const payload = JSON.stringify({
	id: 'evt_1',
	type: 'order.created',
	data: { total: 12.5, note: 'Grüße ✓ \u2028', items: [1, 2, 3] },
});
const json = { 'content-type': 'application/json' };
const unixNow = () => Math.floor(Date.now() / 1000);

function octokitSign(secret: string, body: string): string {
	const script = join(__dirname, '..', 'helpers', 'octokit-webhooks-methods.mjs');
	const [signature] = JSON.parse(
		execFileSync(process.execPath, [script], {
			input: JSON.stringify([{ op: 'sign', secret, payload: body }]),
		}).toString(),
	) as string[];
	return signature;
}

const ed25519Hex = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
	key.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

interface LibraryCase {
	readonly name: string;
	readonly parameters: INodeParameters;
	readonly credentials: { secret?: string; keys?: string };
	/** A genuine call, signed `secondsAgo` in the past. */
	readonly call: (
		secondsAgo?: number,
	) => Promise<{ body: string; headers: Record<string, string> }>;
	/** A header the signature covers (other than the signature), to change. */
	readonly coveredHeader?: string;
}

const whsec = `whsec_${randomBytes(32).toString('base64')}`;
const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
const githubSecret = randomBytes(20).toString('hex');
const twilioToken = randomBytes(16).toString('hex');
const discord = generateKeyPairSync('ed25519');
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sendgridPublic = sendgrid.publicKey
	.export({ format: 'der', type: 'spki' })
	.toString('base64');
const TWILIO_URL = 'https://n8n.example.com/webhook/sms';

const LIBRARY_CASES: LibraryCase[] = [
	{
		name: 'standardwebhooks',
		parameters: { signatureScheme: 'standardWebhooks' },
		credentials: { secret: whsec },
		coveredHeader: 'webhook-id',
		call: async (ago = 0) => {
			const at = new Date(Date.now() - ago * 1000);
			return {
				body: payload,
				headers: {
					...json,
					'webhook-id': 'msg_lib',
					'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
					'webhook-signature': new StandardWebhook(whsec).sign('msg_lib', at, payload),
				},
			};
		},
	},
	{
		name: 'svix',
		parameters: { signatureScheme: 'svix' },
		credentials: { secret: whsec },
		coveredHeader: 'svix-id',
		call: async (ago = 0) => {
			const at = new Date(Date.now() - ago * 1000);
			return {
				body: payload,
				headers: {
					...json,
					'svix-id': 'msg_svix',
					'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
					'svix-signature': new SvixWebhook(whsec).sign('msg_svix', at, payload),
				},
			};
		},
	},
	{
		name: 'stripe (generateTestHeaderString)',
		parameters: { signatureScheme: 'stripe' },
		credentials: { secret: stripeSecret },
		call: async (ago = 0) => ({
			body: payload,
			headers: {
				...json,
				'stripe-signature': new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
					payload,
					secret: stripeSecret,
					timestamp: unixNow() - ago,
				}),
			},
		}),
	},
	{
		name: '@octokit/webhooks-methods',
		parameters: { signatureScheme: 'github' },
		credentials: { secret: githubSecret },
		call: async () => ({
			body: payload,
			headers: {
				...json,
				'x-hub-signature-256': octokitSign(githubSecret, payload),
				'x-github-event': 'push',
			},
		}),
	},
	{
		name: 'twilio (a form post, getExpectedTwilioSignature over the URL)',
		parameters: { signatureScheme: 'twilio', url: TWILIO_URL },
		credentials: { secret: twilioToken },
		call: async () => {
			const params = { From: '+15550001111', Body: 'Grüße', MessageSid: 'SM1' };
			return {
				body: new URLSearchParams(params).toString(),
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					'x-twilio-signature': getExpectedTwilioSignature(twilioToken, TWILIO_URL, params),
				},
			};
		},
	},
	{
		name: 'discord (Ed25519, checked by discord-interactions verifyKey)',
		parameters: { signatureScheme: 'discord' },
		credentials: { keys: ed25519Hex(discord.publicKey) },
		coveredHeader: 'x-signature-timestamp',
		call: async (ago = 0) => {
			const timestamp = String(unixNow() - ago);
			const signature = nodeSign(
				null,
				Buffer.from(timestamp + payload),
				discord.privateKey,
			).toString('hex');
			expect(await verifyKey(payload, signature, timestamp, ed25519Hex(discord.publicKey))).toBe(
				true,
			);
			return {
				body: payload,
				headers: {
					...json,
					'x-signature-ed25519': signature,
					'x-signature-timestamp': timestamp,
				},
			};
		},
	},
	{
		name: 'sendgrid (ECDSA P-256, checked by @sendgrid/eventwebhook)',
		parameters: { signatureScheme: 'sendgrid' },
		credentials: { keys: sendgridPublic },
		coveredHeader: 'x-twilio-email-event-webhook-timestamp',
		call: async (ago = 0) => {
			const timestamp = String(unixNow() - ago);
			const signature = nodeSign('sha256', Buffer.from(timestamp + payload), {
				key: sendgrid.privateKey,
				dsaEncoding: 'der',
			}).toString('base64');
			const webhook = new EventWebhook();
			expect(
				webhook.verifySignature(
					webhook.convertPublicKeyToECDSA(sendgridPublic),
					payload,
					signature,
					timestamp,
				),
			).toBe(true);
			return {
				body: payload,
				headers: {
					...json,
					'x-twilio-email-event-webhook-signature': signature,
					'x-twilio-email-event-webhook-timestamp': timestamp,
				},
			};
		},
	},
];

/** The body with one byte changed. */
const tampered = (text: string) => {
	const bytes = Buffer.from(text);
	bytes[10] ^= 0x01;
	return bytes;
};

describe.each(LIBRARY_CASES)('$name', ({ parameters, credentials, call, coveredHeader }) => {
	it('goes to Valid, with the verification the trigger gives the same call', async () => {
		const genuine = await call();
		const step = await verifyCall(parameters, genuine, credentials);
		expect(step.invalid).toEqual([]);
		expect(step.valid).toHaveLength(1);
		const trigger = await deliverTo(parameters, {
			secret: credentials.secret,
			keys: credentials.keys,
			headers: genuine.headers,
			body: genuine.body,
			path: `/webhook/verified${parameters.url ? '/sms' : ''}`,
			...(parameters.url ? { webhookBaseUrl: 'https://n8n.example.com' } : {}),
		});
		if (!parameters.url) {
			// The same core path: the same verification, replay key and event id included.
			expect(step.valid[0].json.verification).toEqual(trigger.verified[0].json.verification);
		}
		expect(step.valid[0].json.verification).toMatchObject({
			scheme: parameters.signatureScheme,
			matchedSecret: 'primary',
			replayKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
		});
		expect(step.valid[0].pairedItem).toEqual({ item: 0 });
	});

	it('leaves the signature out of the item', async () => {
		const genuine = await call();
		const step = await verifyCall(parameters, genuine, credentials);
		const signatureHeader = Object.keys(genuine.headers).find((name) =>
			/signature|x-hub-signature-256/.test(name),
		)!;
		expect(JSON.stringify(step.valid)).not.toContain(genuine.headers[signatureHeader]);
	});

	it('goes to Invalid with one byte changed: signature_mismatch, 401, as the trigger refuses it', async () => {
		const genuine = await call();
		const step = await verifyCall(
			parameters,
			{ ...genuine, body: tampered(genuine.body) },
			credentials,
		);
		expect(step.valid).toEqual([]);
		expect(step.invalid[0].json.rejection).toMatchObject({
			reason: 'signature_mismatch',
			status: 401,
		});
		expect(step.invalid[0].pairedItem).toEqual({ item: 0 });
	});

	if (coveredHeader) {
		it(`goes to Invalid with ${coveredHeader} changed`, async () => {
			const genuine = await call();
			const value = genuine.headers[coveredHeader];
			const changed = /^\d+$/.test(value) ? String(Number(value) - 1) : `${value}x`;
			const step = await verifyCall(
				parameters,
				{ ...genuine, headers: { ...genuine.headers, [coveredHeader]: changed } },
				credentials,
			);
			expect(step.invalid[0].json.rejection).toMatchObject({ reason: 'signature_mismatch' });
		});
	}

	// GitHub and Twilio sign no timestamp; SendGrid documents no window.
	if (!['github', 'twilio', 'sendgrid'].includes(String(parameters.signatureScheme))) {
		it('goes to Invalid when signed ten minutes ago: timestamp_too_old', async () => {
			const stale = await call(600);
			const step = await verifyCall(parameters, stale, credentials);
			expect(step.invalid[0].json.rejection).toMatchObject({
				reason: 'timestamp_too_old',
				status: 401,
			});
		});
	}
});

describe('the trigger and the step refuse alike', () => {
	it('a forged call gets the rejection the trigger puts on its Rejected output', async () => {
		const genuine = await LIBRARY_CASES[0].call();
		const forged = { ...genuine, body: tampered(genuine.body) };
		const parameters = { signatureScheme: 'standardWebhooks' };
		const step = await verifyCall(parameters, forged, { secret: whsec });
		const trigger = await deliverTo(
			{ ...parameters, rejectedOutput: true },
			{ secret: whsec, headers: forged.headers, body: forged.body },
		);
		expect(step.invalid[0].json.rejection).toEqual(trigger.rejected[0].json.rejection);
	});

	it('Rejection Status 403 is the status an Invalid item carries; Discord keeps 401', async () => {
		const genuine = await LIBRARY_CASES[0].call();
		const step = await verifyCall(
			{ signatureScheme: 'standardWebhooks', rejectionStatus: 403 },
			{ ...genuine, body: tampered(genuine.body) },
			{ secret: whsec },
		);
		expect(step.invalid[0].json.rejection).toMatchObject({ status: 403 });
		const discordCall = await LIBRARY_CASES[5].call();
		const discordStep = await verifyCall(
			{ signatureScheme: 'discord', rejectionStatus: 403 },
			{ ...discordCall, body: tampered(discordCall.body) },
			{ keys: ed25519Hex(discord.publicKey) },
		);
		expect(discordStep.invalid[0].json.rejection).toMatchObject({ status: 401 });
	});
});

describe('which bytes are verified', () => {
	const secret = 'raw-bytes-secret';
	const github = (body: Buffer | string) => ({
		...json,
		'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex'),
	});

	it('the raw body binary keeps a pretty-printed body; JSON.stringify($json.body) does not', async () => {
		const pretty = JSON.stringify(JSON.parse(payload), null, 2);
		const item = webhookItem(pretty, github(pretty));
		const raw = await verifyItems({ signatureScheme: 'github' }, [item], { secret });
		expect(raw.valid).toHaveLength(1);
		const restringified = await verifyItems(
			{
				signatureScheme: 'github',
				bodySource: 'text',
				bodyText: '={{ JSON.stringify($json.body) }}',
			},
			[item],
			{ secret },
		);
		expect(restringified.invalid[0].json.rejection).toMatchObject({
			reason: 'signature_mismatch',
		});
	});

	it('a string holding the body as sent verifies', async () => {
		const item = webhookItem(payload, github(payload));
		item.json.rawText = payload;
		const step = await verifyItems(
			{ signatureScheme: 'github', bodySource: 'text', bodyText: '={{ $json.rawText }}' },
			[item],
			{ secret },
		);
		expect(step.valid).toHaveLength(1);
	});

	it('bytes that are not UTF-8 verify from the binary, not once turned into a string', async () => {
		const bytes = Buffer.concat([
			Buffer.from('{"a":"'),
			Buffer.from([0xff, 0xfe]),
			Buffer.from('"}'),
		]);
		const item = webhookItem(bytes, {
			...github(bytes),
			'content-type': 'application/octet-stream',
		});
		item.json.asText = bytes.toString('utf8');
		expect(
			(await verifyItems({ signatureScheme: 'github' }, [item], { secret })).valid,
		).toHaveLength(1);
		const asText = await verifyItems(
			{ signatureScheme: 'github', bodySource: 'text', bodyText: '={{ $json.asText }}' },
			[item],
			{ secret },
		);
		expect(asText.invalid[0].json.rejection).toMatchObject({ reason: 'signature_mismatch' });
	});

	it('any binary property can hold the raw body', async () => {
		const item = webhookItem(payload, github(payload));
		item.binary = { rawBody: item.binary!.data };
		const step = await verifyItems(
			{ signatureScheme: 'github', binaryPropertyName: 'rawBody' },
			[item],
			{ secret },
		);
		expect(step.valid).toHaveLength(1);
	});

	it('Twilio: a JSON body signed through bodySHA256 verifies on the URL given', async () => {
		const body = JSON.stringify({ event: 'message.delivered' });
		const url = `${TWILIO_URL}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
		const signature = getExpectedTwilioSignature(twilioToken, url, {});
		const headers = { ...json, 'x-twilio-signature': signature };
		const step = await verifyCall(
			{ signatureScheme: 'twilio', url },
			{ body, headers },
			{
				secret: twilioToken,
			},
		);
		expect(step.valid).toHaveLength(1);
		const changed = await verifyCall(
			{ signatureScheme: 'twilio', url },
			{ body: body.replace('delivered', 'failed'), headers },
			{ secret: twilioToken },
		);
		expect(changed.invalid[0].json.rejection).toMatchObject({ reason: 'body_hash_mismatch' });
	});
});

describe('many items, each on its own output with its pairedItem', () => {
	it('Valid, Invalid, Valid', async () => {
		const [a, b] = [await LIBRARY_CASES[0].call(), await LIBRARY_CASES[0].call()];
		const items = [
			webhookItem(a.body, a.headers),
			webhookItem(tampered(a.body), a.headers),
			webhookItem(b.body, b.headers),
		];
		const step = await verifyItems({ signatureScheme: 'standardWebhooks' }, items, {
			secret: whsec,
		});
		expect(step.valid.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(step.invalid.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
	});
});

describe('duplicates', () => {
	it('a step keeps no memory: a copy is Valid again, with the same replayKey and eventId to de-duplicate on', async () => {
		const genuine = await LIBRARY_CASES[0].call();
		const first = await verifyCall({ signatureScheme: 'standardWebhooks' }, genuine, {
			secret: whsec,
		});
		const copy = await verifyCall({ signatureScheme: 'standardWebhooks' }, genuine, {
			secret: whsec,
		});
		expect(copy.valid[0].json.verification).toEqual(first.valid[0].json.verification);
		expect(first.valid[0].json.verification).toMatchObject({ eventId: 'msg_lib' });
	});

	it('Mailgun: a token is accepted once in this process; a captured signature on other data goes to Invalid', async () => {
		const key = `key-${randomBytes(16).toString('hex')}`;
		const timestamp = String(unixNow());
		const token = randomBytes(25).toString('hex');
		const signature = createHmac('sha256', key)
			.update(timestamp + token)
			.digest('hex');
		const body = JSON.stringify({
			signature: { timestamp, token, signature },
			'event-data': { event: 'delivered' },
		});
		const step = await verifyCall(
			{ signatureScheme: 'mailgun' },
			{ body, headers: json },
			{
				secret: key,
			},
		);
		expect(step.valid).toHaveLength(1);
		// Its signature is not passed on, in the parsed body or the raw bytes.
		expect(step.valid[0].json.body).toEqual({ 'event-data': { event: 'delivered' } });
		expect(step.valid[0].binary).toBeUndefined();
		expect(JSON.stringify(step.valid)).not.toContain(signature);
		const reused = JSON.stringify({
			signature: { timestamp, token, signature },
			'event-data': { event: 'forged' },
		});
		const again = await verifyCall(
			{ signatureScheme: 'mailgun' },
			{ body: reused, headers: json },
			{
				secret: key,
			},
		);
		expect(again.invalid[0].json.rejection).toMatchObject({ reason: 'replayed_id', status: 200 });
	});
});

describe("the workflow's wiring, and calls that cannot be verified", () => {
	const genuine = () => LIBRARY_CASES[0].call();
	const parameters = { signatureScheme: 'standardWebhooks' };

	it('no binary property: an error naming the item; with Continue On Fail, an error item on Invalid', async () => {
		const call = await genuine();
		const good = webhookItem(call.body, call.headers);
		const noBinary = webhookItem(call.body, call.headers);
		delete noBinary.binary;
		await expect(
			verifyItems(parameters, [good, noBinary], { secret: whsec }),
		).rejects.toMatchObject({
			message: 'The item has no binary property "data"',
			context: { itemIndex: 1 },
		});
		const step = await verifyItems(
			parameters,
			[good, noBinary],
			{ secret: whsec },
			{
				continueOnFail: true,
			},
		);
		expect(step.valid).toHaveLength(1);
		expect(step.invalid).toEqual([
			{ json: { error: 'The item has no binary property "data"' }, pairedItem: { item: 1 } },
		]);
	});

	it('Body Text that is not a string is an error', async () => {
		const call = await genuine();
		await expect(
			verifyItems(
				{ ...parameters, bodySource: 'text', bodyText: '={{ $json.body }}' },
				[webhookItem(call.body, call.headers)],
				{ secret: whsec },
			),
		).rejects.toThrow('Body Text is object, not the text of the body');
	});

	it('Headers that are not an object is an error', async () => {
		const call = await genuine();
		await expect(
			verifyItems(
				{ ...parameters, headers: '={{ $json.nothing }}' },
				[webhookItem(call.body, call.headers)],
				{
					secret: whsec,
				},
			),
		).rejects.toThrow(/^Headers is/);
	});

	it('a multipart call (n8n kept no bytes) goes to Invalid: unsupported_body, 415', async () => {
		const item = webhookItem('', {
			'content-type': 'multipart/form-data; boundary=x',
			'webhook-id': 'msg_1',
		});
		delete item.binary;
		const step = await verifyItems(parameters, [item], { secret: whsec });
		expect(step.invalid[0].json.rejection).toMatchObject({
			reason: 'unsupported_body',
			status: 415,
		});
	});

	it('no credential: an error before any item', async () => {
		const call = await genuine();
		await expect(
			verifyItems(parameters, [webhookItem(call.body, call.headers)], {}),
		).rejects.toThrow('No Webhook Signing Secret credential is selected');
	});

	it('no credential under Continue On Fail: every item on Invalid with the error, none on Valid', async () => {
		const call = await genuine();
		const step = await verifyItems(
			parameters,
			[webhookItem(call.body, call.headers)],
			{},
			{
				continueOnFail: true,
			},
		);
		expect(step.valid).toEqual([]);
		expect(step.invalid).toEqual([
			{
				json: { error: 'No Webhook Signing Secret credential is selected' },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('a tolerance that is no number is the node’s error, not an Invalid call', async () => {
		const call = await genuine();
		await expect(
			verifyItems(
				{ ...parameters, toleranceSeconds: '={{ "soon" }}' },
				[webhookItem(call.body, call.headers)],
				{ secret: whsec },
			),
		).rejects.toThrow(/^verifier_error/);
	});

	it('a secret never appears in an output or an error', async () => {
		const call = await genuine();
		const step = await verifyItems(
			parameters,
			[webhookItem(call.body, call.headers), webhookItem(tampered(call.body), call.headers)],
			{ secret: whsec },
		);
		expect(JSON.stringify(step)).not.toContain(whsec.slice('whsec_'.length, 20));
	});
});

describe('handshakes', () => {
	it("Slack's url_verification is Valid, with the answer a Respond to Webhook node must send", async () => {
		const secret = 'slack-signing-secret';
		const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
		const timestamp = String(unixNow());
		const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
		const step = await verifyCall(
			{ signatureScheme: 'slack' },
			{
				body,
				headers: {
					...json,
					'x-slack-request-timestamp': timestamp,
					'x-slack-signature': `v0=${signature}`,
				},
			},
			{ secret },
		);
		expect(step.valid[0].json.handshake).toMatchObject({ status: 200 });
		expect(String((step.valid[0].json.handshake as { body: string }).body)).toContain('abc123');
	});
});
