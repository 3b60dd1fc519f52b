/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n; its secrets are test values */
/**
 * Webhook Signature's Sign operation, run in n8n's execution context: what
 * it outputs is accepted by each provider's official library (or matches
 * the published reference vectors), by the Verify operation for every
 * scheme it signs, and is the exact text given, never re-serialised.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, verify as nodeVerify } from 'node:crypto';
import { join } from 'node:path';

import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import type { INodeParameters } from 'n8n-workflow';

import { findScheme, SCHEMES, type HmacScheme } from '../../core';
import { SEND_SCHEME_OPTIONS } from '../../nodes/shared/schemeParameters';
import { REFERENCE_SCHEMES } from '../helpers/vectors';
import { standardWebhooksPair } from '../helpers/keys';
import { rivetAnswers } from '../helpers/rivet';
import { signItems, signOne, verifyCall } from './webhookSignatureHarness';

const event = {
	type: 'order.created',
	data: { total: 12.5, note: 'Grüße ✓ \u2028', items: [1, 2] },
};
const whsec = `whsec_${randomBytes(32).toString('base64')}`;

function octokitVerify(secret: string, payload: string, signature: string): boolean {
	const script = join(__dirname, '..', 'helpers', 'octokit-webhooks-methods.mjs');
	const [ok] = JSON.parse(
		execFileSync(process.execPath, [script], {
			input: JSON.stringify([{ op: 'verify', secret, payload, signature }]),
		}).toString(),
	) as boolean[];
	return ok;
}

describe('Sign, checked by the official libraries', () => {
	it('standardwebhooks verifies the body and headers as output', async () => {
		const out = await signOne({ signatureScheme: 'standardWebhooks' }, event, { secret: whsec });
		expect(out.body).toBe(JSON.stringify(event));
		expect(Object.keys(out.headers).sort()).toEqual([
			'webhook-id',
			'webhook-signature',
			'webhook-timestamp',
		]);
		expect(new StandardWebhook(whsec).verify(out.body, out.headers)).toEqual(event);
		// One byte changed: the library refuses it.
		expect(() =>
			new StandardWebhook(whsec).verify(out.body.replace('12.5', '12.6'), out.headers),
		).toThrow();
	});

	it('svix verifies', async () => {
		const out = await signOne({ signatureScheme: 'svix' }, event, { secret: whsec });
		expect(new SvixWebhook(whsec).verify(out.body, out.headers)).toEqual(event);
	});

	it('stripe.webhooks.constructEvent verifies', async () => {
		const secret = `whsec_${randomBytes(24).toString('hex')}`;
		const out = await signOne({ signatureScheme: 'stripe' }, event, { secret });
		const stripe = new Stripe('sk_test_unused');
		expect(
			stripe.webhooks.constructEvent(out.body, out.headers['Stripe-Signature'], secret),
		).toEqual(event);
	});

	it('@octokit/webhooks-methods verifies', async () => {
		const secret = randomBytes(20).toString('hex');
		const out = await signOne({ signatureScheme: 'github' }, event, { secret });
		expect(octokitVerify(secret, out.body, out.headers['X-Hub-Signature-256'])).toBe(true);
		expect(octokitVerify(secret, `${out.body} `, out.headers['X-Hub-Signature-256'])).toBe(false);
	});

	it("twilio's validateRequestWithBody verifies, on the URL output (with bodySHA256)", async () => {
		const token = randomBytes(16).toString('hex');
		const out = await signOne(
			{ signatureScheme: 'twilio', url: 'https://hooks.example.com/sms?tenant=a' },
			event,
			{ secret: token },
		);
		expect(out.url).toMatch(
			/^https:\/\/hooks\.example\.com\/sms\?tenant=a&bodySHA256=[0-9a-f]{64}$/,
		);
		expect(
			validateRequestWithBody(token, out.headers['X-Twilio-Signature'], out.url!, out.body),
		).toBe(true);
	});

	it("@zoom/rivet's receiver accepts it", async () => {
		const secret = randomBytes(16).toString('hex');
		const out = await signOne(
			{ signatureScheme: 'zoom' },
			{ event: 'meeting.started', event_ts: Date.now(), payload: { id: 1 } },
			{ secret },
		);
		const lower = Object.fromEntries(
			Object.entries(out.headers).map(([name, value]) => [name.toLowerCase(), value]),
		);
		expect((await rivetAnswers(secret, out.body, lower)).statusCode).toBe(200);
	});

	it('Standard Webhooks v1a: Ed25519 over id.timestamp.body verifies under the public key', async () => {
		const { whsk, whpk } = standardWebhooksPair();
		const out = await signOne({ signatureScheme: 'standardWebhooksV1a' }, event, {
			keys: { publicKey: whpk, privateKey: whsk },
		});
		const [, signature] = out.headers['webhook-signature'].split(',');
		const raw = Buffer.from(whpk.slice('whpk_'.length), 'base64');
		const publicKey = {
			key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
			format: 'der' as const,
			type: 'spki' as const,
		};
		const signed = `${out.headers['webhook-id']}.${out.headers['webhook-timestamp']}.${out.body}`;
		expect(nodeVerify(null, Buffer.from(signed), publicKey, Buffer.from(signature, 'base64'))).toBe(
			true,
		);
	});

	it('Mailgun: the body carries {timestamp, token, signature}, HMAC-SHA256 of timestamp + token, around the event data', async () => {
		const key = 'key-' + randomBytes(16).toString('hex');
		const out = await signOne({ signatureScheme: 'mailgun' }, event, { secret: key });
		expect(out.headers).toEqual({});
		const parsed = JSON.parse(out.body) as {
			signature: { timestamp: string; token: string; signature: string };
			'event-data': unknown;
		};
		const { timestamp, token, signature } = parsed.signature;
		expect(signature).toBe(
			createHmac('sha256', key)
				.update(timestamp + token)
				.digest('hex'),
		);
		expect(parsed['event-data']).toEqual(event);
	});
});

/** Reference scheme name → our scheme id, for the vectors that give a text body. */
const VECTOR_SCHEMES: Record<string, string> = {
	'standard-webhooks': 'standardWebhooks',
	svix: 'svix',
	stripe: 'stripe',
	github: 'github',
	shopify: 'shopify',
	slack: 'slack',
	zoom: 'zoom',
	linear: 'linear',
	'paddle-billing': 'paddle',
	square: 'square',
	hubspot: 'hubspotV3',
	vinsight: 'vinsight',
};

const vectorCases = REFERENCE_SCHEMES.flatMap((entry) =>
	entry.scheme in VECTOR_SCHEMES
		? entry.vectors
				.filter((vector) => typeof vector.payload === 'string' && !vector.body_bytes_hex)
				.map((vector, index) => ({
					name: `${entry.scheme} #${index + 1}`,
					scheme: findScheme(VECTOR_SCHEMES[entry.scheme]) as HmacScheme,
					vector,
				}))
				.filter(({ scheme, vector }) => {
					const header = Object.entries(vector.expected_header_values).find(
						([name]) => name.toLowerCase() === scheme.signatureHeader.toLowerCase(),
					)?.[1];
					// Decoys (rotation lists, Stripe's v0) prove verify; sign writes real ones only.
					return header !== undefined && !/bogus|=0{64}|[,;]v0=/.test(header);
				})
		: [],
);

describe('Sign reproduces the reference vectors byte for byte', () => {
	it('has vectors for at least ten schemes', () => {
		expect(new Set(vectorCases.map(({ scheme }) => scheme.id)).size).toBeGreaterThanOrEqual(10);
	});

	it.each(vectorCases)('$name', async ({ scheme, vector }) => {
		const ms = scheme.timestamp?.format === 'unix-ms' ? 1 : 1000;
		const parameters: INodeParameters = {
			signatureScheme: scheme.id,
			body: vector.payload as string,
			...(vector.id ? { messageId: vector.id } : {}),
			...(vector.timestamp !== null
				? { timestamp: new Date(vector.timestamp * ms).toISOString() }
				: {}),
			...(vector.url ? { url: vector.url } : {}),
			...(vector.method ? { method: vector.method } : {}),
		};
		const out = await signOne(parameters, {}, { secret: vector.secret });
		expect(out.body).toBe(vector.payload);
		for (const [name, value] of Object.entries(out.headers)) {
			const published = Object.entries(vector.expected_header_values).find(
				([key]) => key.toLowerCase() === name.toLowerCase(),
			);
			if (published) expect([name, value]).toEqual([name, published[1]]);
		}
		expect(out.headers[scheme.signatureHeader]).toBeDefined();
	});
});

/** Settings a scheme needs to be signed: a header name, a URL. */
function settingsFor(id: string): INodeParameters {
	const scheme = SCHEMES.find((each) => each.id === id);
	const parameters: INodeParameters = { signatureScheme: id };
	if (id === 'generic') {
		Object.assign(parameters, {
			signatureHeader: 'X-Sig',
			genericSignedContent: '{id}.{timestamp}.{method}.{url}.{body}',
			genericTimestampHeader: 'X-Ts',
			genericIdHeader: 'X-Id',
			genericPrefix: 'sha256=',
		});
	}
	if (scheme?.signatureHeaderNamedByUser) parameters.signatureHeader = 'X-Partner-Signature';
	if (id === 'generic' || scheme?.signedContent.some((part) => part.kind === 'url'))
		parameters.url = 'https://hooks.example.com/in?x=1';
	return parameters;
}

describe('Sign, then Verify, for every scheme Sign offers', () => {
	const { whsk, whpk } = standardWebhooksPair();
	it.each(SEND_SCHEME_OPTIONS.map((option) => String(option.value)))('%s', async (id) => {
		const scheme = findScheme(id);
		const whsecScheme = scheme?.kind === 'hmac' && scheme.secretEncoding === 'whsec';
		const credentials =
			id === 'standardWebhooksV1a'
				? { keys: { publicKey: whpk, privateKey: whsk } }
				: { secret: whsecScheme ? whsec : 'a-shared-secret' };
		const parameters = settingsFor(id);
		// Linear signs a timestamp inside the body: the body must carry it.
		const json = id === 'linear' ? { ...event, webhookTimestamp: Date.now() } : event;
		const out = await signOne(parameters, json, credentials);
		// Verify reads the URL the sender signed: the one Sign output, where it output one.
		const verifyParameters = { ...parameters, ...(out.url ? { url: out.url } : {}) };
		const verified = await verifyCall(
			verifyParameters,
			{ body: out.body, headers: { 'content-type': 'application/json', ...out.headers } },
			credentials,
		);
		expect(verified.invalid).toEqual([]);
		expect(verified.valid[0].json.verification).toMatchObject({
			scheme: findScheme(id)?.id ?? 'generic',
		});
		const tampered = await verifyCall(
			verifyParameters,
			{
				body: out.body.replace('12.5', '12.6'),
				headers: { 'content-type': 'application/json', ...out.headers },
			},
			credentials,
		);
		expect(tampered.valid).toEqual([]);
		// Mailgun signs only its token, not the data: the copy is caught by the
		// token's memory instead (and acknowledged with 200, as the trigger does).
		expect(tampered.invalid[0].json.rejection).toMatchObject(
			id === 'mailgun' ? { reason: 'replayed_id', status: 200 } : { status: 401 },
		);
	});
});

describe('Sign: the exact text, and errors that name the item', () => {
	it('signs a body as given, spaces and escapes included, never re-serialised', async () => {
		const text = '{ "b": 1.0,\n  "a": "\\u00e9" }';
		const out = await signOne(
			{ signatureScheme: 'standardWebhooks', body: text },
			{},
			{
				secret: whsec,
			},
		);
		expect(out.body).toBe(text);
		expect(new StandardWebhook(whsec).verify(text, out.headers)).toEqual({ b: 1, a: 'é' });
	});

	it('uses the Message ID and Timestamp given', async () => {
		const out = await signOne(
			{ signatureScheme: 'standardWebhooks', messageId: 'msg_fixed', timestamp: '1700000000' },
			event,
			{ secret: whsec },
		);
		expect(out.headers).toMatchObject({
			'webhook-id': 'msg_fixed',
			'webhook-timestamp': '1700000000',
		});
	});

	it('a body that is not text is an error naming the item; with Continue On Fail, an error item', async () => {
		const parameters = { signatureScheme: 'standardWebhooks', body: '={{ $json.payload }}' };
		const items = [{ json: { payload: 'ok' } }, { json: { payload: { not: 'text' } } }];
		await expect(signItems(parameters, items, { secret: whsec })).rejects.toMatchObject({
			message: 'Body is object, not text',
			context: { itemIndex: 1 },
		});
		const out = await signItems(parameters, items, { secret: whsec }, { continueOnFail: true });
		expect(out[0].json.body).toBe('ok');
		expect(out[1]).toEqual({
			json: { error: 'Body is object, not text' },
			pairedItem: { item: 1 },
		});
	});

	it('no credential: an error before any item, which names no secret', async () => {
		await expect(signItems({ signatureScheme: 'github' }, [{ json: {} }], {})).rejects.toThrow(
			/credential could not be read/,
		);
	});

	it('a URL-signing scheme without a URL is an error', async () => {
		await expect(
			signItems({ signatureScheme: 'twilio' }, [{ json: {} }], { secret: 'token' }),
		).rejects.toThrow('Twilio signs the URL: set URL');
	});

	it('a secret never appears in the output', async () => {
		const secret = 'super-secret-value-123';
		const out = await signItems({ signatureScheme: 'github' }, [{ json: event }], { secret });
		expect(JSON.stringify(out)).not.toContain(secret);
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});

	it('sendgrid and discord cannot be chosen: a workflow must not pose as them', () => {
		const ids = SEND_SCHEME_OPTIONS.map((option) => option.value);
		expect(ids).not.toContain('sendgrid');
		expect(ids).not.toContain('discord');
		// A key generated here would be no use anyway: only they hold theirs.
		expect(generateKeyPairSync).toBeDefined();
	});
});
