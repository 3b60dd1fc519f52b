/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * The providers beyond a plain signature header, in a real n8n (E2E_TARGET
 * 2.x or 1.x) with this package installed as users get it: for each scheme,
 * one call signed as its provider signs it (and accepted by the provider's
 * own library, where one verifies) runs the workflow once; a forged copy is
 * refused with 401 and runs nothing; a handshake (Discord's PING, Slack's
 * url_verification, Zoom's endpoint.url_validation, the last compared with
 * @zoom/rivet's own answer) is answered by the trigger itself and runs
 * nothing; a replayed Mailgun call runs nothing; Twilio's form posts and
 * bodySHA256 calls, signed by twilio-node, verify on the URL n8n serves.
 */
import {
	createHash,
	createHmac,
	generateKeyPairSync,
	randomBytes,
	randomUUID,
	sign as nodeSign,
	type KeyObject,
} from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EventWebhook } from '@sendgrid/eventwebhook';
import { verifyKey } from 'discord-interactions';
import {
	getExpectedTwilioSignature,
	validateRequest,
	validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';

import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, sleep } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import { ed25519FromSeed, standardWebhooksPair } from '../../test/helpers/keys';
import { rivetAnswers } from '../../test/helpers/rivet';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

/** A request as a provider would send it. */
interface Call {
	readonly body: string;
	readonly headers: Record<string, string>;
	/** Where it goes, when not the trigger's plain URL (Twilio's ?bodySHA256=). */
	readonly url?: string;
	/** The body the workflow should see, when it is not the JSON text (a form's fields). */
	readonly expectedBody?: unknown;
}

interface ProviderCase {
	/** The trigger's Signing Scheme id. */
	readonly scheme: string;
	readonly credentialType: 'webhookSigningKeyApi' | 'webhookSigningSecretApi';
	readonly credential: Record<string, string>;
	/** A genuine call to `url`, checked by the provider's library where one verifies. */
	readonly genuine: (url: string) => Promise<Call>;
	/** The same call with a signature made by someone without the sender's key. */
	readonly forged: (call: Call, url: string) => Call;
	/** A handshake the trigger must answer itself, with the answer expected. */
	readonly handshake?: (url: string) => Promise<{ call: Call; status: number; answer: string }>;
}

const unixNow = () => String(Math.floor(Date.now() / 1000));

function ed25519Pair(): { publicKey: KeyObject; privateKey: KeyObject; publicHex: string } {
	const pair = generateKeyPairSync('ed25519');
	const publicHex = pair.publicKey
		.export({ format: 'der', type: 'spki' })
		.subarray(-32)
		.toString('hex');
	return { ...pair, publicHex };
}

const discord = ed25519Pair();
const discordStranger = ed25519Pair();

/** Discord's signature: hex Ed25519 of timestamp + body, checked with discord-interactions. */
async function discordCall(body: string, key = discord.privateKey): Promise<Call> {
	const timestamp = unixNow();
	const signature = nodeSign(null, Buffer.from(timestamp + body), key).toString('hex');
	if (key === discord.privateKey) {
		expect(await verifyKey(body, signature, timestamp, discord.publicHex)).toBe(true);
	}
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'x-signature-ed25519': signature,
			'x-signature-timestamp': timestamp,
		},
	};
}

const sendgrid = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sendgridStranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sendgridPublic = sendgrid.publicKey
	.export({ format: 'der', type: 'spki' })
	.toString('base64');

/** SendGrid's signature: base64 DER ECDSA P-256 of timestamp + body, checked with @sendgrid/eventwebhook. */
function sendgridCall(body: string, key = sendgrid.privateKey): Call {
	const timestamp = unixNow();
	const signature = nodeSign('sha256', Buffer.from(timestamp + body), {
		key,
		dsaEncoding: 'der',
	}).toString('base64');
	if (key === sendgrid.privateKey) {
		const webhook = new EventWebhook();
		expect(
			webhook.verifySignature(
				webhook.convertPublicKeyToECDSA(sendgridPublic),
				body,
				signature,
				timestamp,
			),
		).toBe(true);
	}
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'x-twilio-email-event-webhook-signature': signature,
			'x-twilio-email-event-webhook-timestamp': timestamp,
		},
	};
}

const v1a = standardWebhooksPair();
const v1aStranger = standardWebhooksPair();

/**
 * Standard Webhooks v1a: no library implements it, so node:crypto signs as
 * the specification says (Ed25519 over id.timestamp.body, base64).
 */
function v1aCall(body: string, whsk = v1a.whsk, id = `msg_${randomUUID()}`): Call {
	const timestamp = unixNow();
	const seed = Buffer.from(whsk.slice('whsk_'.length), 'base64');
	const key = ed25519FromSeed(seed);
	const signature = nodeSign(null, Buffer.from(`${id}.${timestamp}.${body}`), key).toString(
		'base64',
	);
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'webhook-id': id,
			'webhook-timestamp': timestamp,
			'webhook-signature': `v1a,${signature}`,
		},
	};
}

const slackSecret = `slack-${randomBytes(16).toString('hex')}`;
const zoomSecret = `zoom-${randomBytes(16).toString('hex')}`;
const mailgunKey = `key-${randomBytes(16).toString('hex')}`;

/** Slack's and Zoom's form: v0=<hex HMAC-SHA256 of v0:timestamp:body>, with its timestamp header. */
function v0Call(
	body: string,
	secret: string,
	names: { signature: string; timestamp: string },
	contentType = 'application/json',
): Call {
	const timestamp = unixNow();
	const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
	return {
		body,
		headers: {
			'content-type': contentType,
			[names.signature]: `v0=${signature}`,
			[names.timestamp]: timestamp,
		},
	};
}

const SLACK_HEADERS = { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp' };
const ZOOM_HEADERS = { signature: 'x-zm-signature', timestamp: 'x-zm-request-timestamp' };

/** The call with a v0 signature made with another secret. */
function v0Forged(call: Call, names: { signature: string; timestamp: string }): Call {
	const signature = createHmac('sha256', 'not-the-secret')
		.update(`v0:${call.headers[names.timestamp]}:${call.body}`)
		.digest('hex');
	return { body: call.body, headers: { ...call.headers, [names.signature]: `v0=${signature}` } };
}

/** Mailgun's JSON post: the signature object beside event-data, which it does not cover. */
function mailgunCall(eventData: object, key = mailgunKey): Call {
	const timestamp = unixNow();
	const token = randomBytes(25).toString('hex');
	const signature = createHmac('sha256', key)
		.update(timestamp + token)
		.digest('hex');
	return {
		body: JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData }),
		headers: { 'content-type': 'application/json' },
		// The item holds the event data, not the signature that covers none of it.
		expectedBody: { 'event-data': eventData },
	};
}

const twilioToken = randomBytes(16).toString('hex');

/** An inbound SMS as Twilio posts it, signed by twilio-node and checked by its validateRequest. */
function twilioSms(url: string, token = twilioToken): Call {
	const params = {
		MessageSid: `SM${randomBytes(16).toString('hex')}`,
		From: '+14158675309',
		To: '+18005551212',
		Body: 'Hello from Zoë ✓ + 100% & more',
		NumMedia: '0',
	};
	const signature = getExpectedTwilioSignature(token, url, params);
	if (token === twilioToken) expect(validateRequest(token, signature, url, params)).toBe(true);
	return {
		body: new URLSearchParams(params).toString(),
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			'x-twilio-signature': signature,
		},
		expectedBody: params,
	};
}

const CASES: ProviderCase[] = [
	{
		scheme: 'standardWebhooksV1a',
		credentialType: 'webhookSigningKeyApi',
		credential: { publicKey: v1a.whpk, secondaryPublicKey: '', privateKey: '' },
		genuine: async () => v1aCall('{"type":"invoice.paid","id":"in_1"}'),
		forged: (call) =>
			v1aCall(call.body, v1aStranger.whsk, call.headers['webhook-id'] ?? `msg_${randomUUID()}`),
	},
	{
		scheme: 'discord',
		credentialType: 'webhookSigningKeyApi',
		credential: { publicKey: discord.publicHex, secondaryPublicKey: '', privateKey: '' },
		genuine: async () =>
			await discordCall(JSON.stringify({ type: 2, id: randomUUID(), data: { name: 'hello' } })),
		// Discord's own probe: a well-formed signature by another key.
		forged: (call) => {
			const timestamp = call.headers['x-signature-timestamp'];
			return {
				body: call.body,
				headers: {
					...call.headers,
					'x-signature-ed25519': nodeSign(
						null,
						Buffer.from(timestamp + call.body),
						discordStranger.privateKey,
					).toString('hex'),
				},
			};
		},
		handshake: async () => ({
			call: await discordCall(JSON.stringify({ type: 1, id: randomUUID() })),
			status: 200,
			answer: '{"type":1}',
		}),
	},
	{
		scheme: 'sendgrid',
		credentialType: 'webhookSigningKeyApi',
		credential: { publicKey: sendgridPublic, secondaryPublicKey: '', privateKey: '' },
		genuine: async () =>
			sendgridCall(JSON.stringify([{ email: 'a@example.com', event: 'open', sg_event_id: 'e1' }])),
		forged: (call) => sendgridCall(call.body, sendgridStranger.privateKey),
	},
	{
		scheme: 'slack',
		credentialType: 'webhookSigningSecretApi',
		credential: { secret: slackSecret, secondarySecret: '', format: 'auto' },
		genuine: async () =>
			v0Call(
				JSON.stringify({ type: 'event_callback', event_id: `Ev${randomUUID()}` }),
				slackSecret,
				SLACK_HEADERS,
			),
		forged: (call) => v0Forged(call, SLACK_HEADERS),
		handshake: async () => {
			const challenge = randomBytes(24).toString('base64url');
			return {
				call: v0Call(
					JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' }),
					slackSecret,
					SLACK_HEADERS,
				),
				status: 200,
				answer: challenge,
			};
		},
	},
	{
		scheme: 'zoom',
		credentialType: 'webhookSigningSecretApi',
		credential: { secret: zoomSecret, secondarySecret: '', format: 'auto' },
		genuine: async () => {
			const call = v0Call(
				JSON.stringify({ event: 'meeting.started', event_ts: Date.now(), payload: { id: 1 } }),
				zoomSecret,
				ZOOM_HEADERS,
			);
			// Zoom's SDK accepts it (it emits the event and answers 200).
			expect((await rivetAnswers(zoomSecret, call.body, call.headers)).statusCode).toBe(200);
			return call;
		},
		forged: (call) => v0Forged(call, ZOOM_HEADERS),
		handshake: async () => {
			const plainToken = randomBytes(16).toString('base64url');
			const call = v0Call(
				JSON.stringify({
					payload: { plainToken },
					event_ts: Date.now(),
					event: 'endpoint.url_validation',
				}),
				zoomSecret,
				ZOOM_HEADERS,
			);
			// The answer Zoom's own SDK gives, byte for byte.
			const rivet = await rivetAnswers(zoomSecret, call.body, call.headers);
			expect(rivet.statusCode).toBe(200);
			return { call, status: 200, answer: rivet.body };
		},
	},
	{
		scheme: 'mailgun',
		credentialType: 'webhookSigningSecretApi',
		credential: { secret: mailgunKey, secondarySecret: '', format: 'auto' },
		genuine: async () =>
			mailgunCall({ event: 'delivered', id: randomUUID(), recipient: 'a@example.com' }),
		forged: (call) => {
			const parsed = JSON.parse(call.body) as { 'event-data': object };
			return mailgunCall(parsed['event-data'], 'not-the-key');
		},
	},
	{
		scheme: 'twilio',
		credentialType: 'webhookSigningSecretApi',
		credential: { secret: twilioToken, secondarySecret: '', format: 'auto' },
		genuine: async (url) => twilioSms(url),
		forged: (call, url) => {
			const params = Object.fromEntries(new URLSearchParams(call.body));
			const signature = getExpectedTwilioSignature('not-the-token', url, params);
			return { ...call, headers: { ...call.headers, 'x-twilio-signature': signature } };
		},
	},
];

let n8n: N8n;
const workflows = new Map<string, string>();

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-providers-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
	for (const provider of CASES) {
		const credentialId = await n8n.createCredential(
			`e2e ${provider.scheme}`,
			provider.credentialType,
			provider.credential,
		);
		const path = `provider-${provider.scheme}`;
		const id = await n8n.deploy(
			{
				name: `e2e receive ${provider.scheme}`,
				nodes: [
					{
						id: randomUUID(),
						name: 'Webhook Trigger (Verified)',
						type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
						typeVersion: 1.1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: { path, signatureScheme: provider.scheme, options: {} },
						credentials: {
							[provider.credentialType]: { id: credentialId, name: `e2e ${provider.scheme}` },
						},
					},
				],
				connections: {},
			},
			[path],
		);
		workflows.set(provider.scheme, id);
	}
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

const urlOf = (scheme: string) => `${n8n.baseUrl}/webhook/provider-${scheme}`;

async function post(url: string, call: Call): Promise<{ status: number; body: string }> {
	const response = await fetch(call.url ?? url, {
		method: 'POST',
		headers: call.headers,
		body: call.body,
	});
	return { status: response.status, body: await response.text() };
}

async function executionCount(scheme: string): Promise<number> {
	return (await n8n.executions(workflows.get(scheme)!, false)).length;
}

describe(`providers beyond shared secrets, in n8n ${TARGETS[target].n8nVersion}`, () => {
	it.each(CASES.map((provider) => [provider.scheme, provider] as const))(
		'%s: a genuine call runs the workflow once, verified; a forged one gets 401 and runs nothing',
		async (scheme, provider) => {
			const url = urlOf(scheme);
			const before = await executionCount(scheme);
			const call = await provider.genuine(url);
			expect(await post(url, call)).toMatchObject({ status: 200 });
			const executions = await n8n.waitForExecutions(workflows.get(scheme)!, before + 1);
			const items = executions.flatMap((execution) =>
				outputItems(execution, 'Webhook Trigger (Verified)'),
			);
			expect(items).toContainEqual(
				expect.objectContaining({
					body: call.expectedBody ?? (JSON.parse(call.body) as unknown),
					verification: expect.objectContaining({ scheme, matchedSecret: 'primary' }),
				}),
			);

			const forged = await post(url, provider.forged(call, url));
			expect(forged.status).toBe(401);
			expect(JSON.parse(forged.body)).toMatchObject({ reason: 'signature_mismatch' });
			await sleep(1500);
			expect(await executionCount(scheme)).toBe(before + 1);
		},
	);

	it('mailgun: a captured signature on other event data runs nothing (its token is remembered)', async () => {
		const url = urlOf('mailgun');
		const before = await executionCount('mailgun');
		const call = mailgunCall({ event: 'delivered', id: randomUUID() });
		expect((await post(url, call)).status).toBe(200);
		await n8n.waitForExecutions(workflows.get('mailgun')!, before + 1);
		const captured = JSON.parse(call.body) as { signature: object };
		const reused = await post(url, {
			headers: call.headers,
			body: JSON.stringify({ signature: captured.signature, 'event-data': { event: 'forged' } }),
		});
		expect(reused.status).toBe(200);
		expect(JSON.parse(reused.body)).toEqual({ status: 'duplicate', reason: 'replayed_id' });
		await sleep(1500);
		expect(await executionCount('mailgun')).toBe(before + 1);
	});

	it("twilio: a JSON body is signed through the URL's bodySHA256 (validateRequestWithBody); a changed body gets 401", async () => {
		const body = JSON.stringify({ event: 'message.delivered', sid: randomUUID() });
		const hash = createHash('sha256').update(body).digest('hex');
		const url = `${urlOf('twilio')}?bodySHA256=${hash}`;
		const signature = getExpectedTwilioSignature(twilioToken, url, {});
		expect(validateRequestWithBody(twilioToken, signature, url, body)).toBe(true);
		const headers = { 'content-type': 'application/json', 'x-twilio-signature': signature };
		const before = await executionCount('twilio');
		expect((await post(url, { body, headers, url })).status).toBe(200);
		await n8n.waitForExecutions(workflows.get('twilio')!, before + 1);
		const changed = await post(url, { body: body.replace('delivered', 'failed'), headers, url });
		expect(changed.status).toBe(401);
		expect(JSON.parse(changed.body)).toMatchObject({ reason: 'body_hash_mismatch' });
		await sleep(1500);
		expect(await executionCount('twilio')).toBe(before + 1);
	});

	const withHandshake = CASES.filter((provider) => provider.handshake);
	it.each(withHandshake.map((provider) => [provider.scheme, provider] as const))(
		'%s: the handshake is answered by the trigger and runs nothing; a forged one gets 401',
		async (scheme, provider) => {
			const url = urlOf(scheme);
			const before = await executionCount(scheme);
			const { call, status, answer } = await provider.handshake!(url);
			const answered = await post(url, call);
			expect(answered).toEqual({ status, body: answer });
			expect((await post(url, provider.forged(call, url))).status).toBe(401);
			await sleep(1500);
			expect(await executionCount(scheme)).toBe(before);
		},
	);
});
