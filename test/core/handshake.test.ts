/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * The handshakes receive() answers itself for a verified call: Zoom's
 * endpoint.url_validation (the official-library vector byte for byte, and
 * @zoom/rivet's own receiver on the same requests), Slack's url_verification
 * and Discord's PING. Never for an unsigned, forged or stale call; never for
 * a body that only looks like one; never inside replay protection.
 */
import { createHmac, sign as nodeSign } from 'node:crypto';

import fc from 'fast-check';

import * as core from '../../core';
import {
	DISCORD,
	GITHUB,
	MAX_HANDSHAKE_FIELD_LENGTH,
	ReplayMemory,
	SENDGRID,
	SLACK,
	STANDARD_WEBHOOKS_V1A,
	ZOOM,
	receive,
	type Scheme,
	type ReceiveResult,
	type SecretSet,
} from '../../core';
import { HMAC_HEADER_SCHEMES, PUBLIC_KEY_SCHEMES } from '../helpers/schemes';
import { handshakeReply } from '../../core/receive/handshake';
import { ed25519FromSeed, RFC8032_TEST1 } from '../helpers/keys';
import { rivetAnswers } from '../helpers/rivet';
import { timedTextVectors } from '../helpers/vectors';

const zoomValidation = timedTextVectors('zoom').find((vector) => vector.expected_response_body);

const json = { 'content-type': 'application/json' };
const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));

/** Signed as Zoom and Slack document it: HMAC-SHA256 of `v0:<ts>:<body>`, hex, `v0=`. */
function v0Signature(secret: string, timestamp: string, body: string): string {
	return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
function zoomHeaders(secret: string, body: string, at = new Date()): Record<string, string> {
	const timestamp = seconds(at);
	return {
		...json,
		'x-zm-signature': v0Signature(secret, timestamp, body),
		'x-zm-request-timestamp': timestamp,
	};
}
function slackHeaders(secret: string, body: string, at = new Date()): Record<string, string> {
	const timestamp = seconds(at);
	return {
		...json,
		'x-slack-signature': v0Signature(secret, timestamp, body),
		'x-slack-request-timestamp': timestamp,
	};
}

/** The body Zoom sends to validate an endpoint, in the vector's member order. */
const zoomValidationBody = (plainToken: unknown) =>
	JSON.stringify({
		payload: { plainToken },
		event_ts: 1700000000000,
		event: 'endpoint.url_validation',
	});
/** Slack's documented example (api.slack.com/events/url_verification). */
const slackChallenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
const slackVerificationBody = (challenge: unknown = slackChallenge) =>
	JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' });

function run(
	scheme: Scheme,
	secrets: SecretSet,
	body: string,
	headers: Record<string, string>,
	now = new Date(),
	replay?: core.ReplayOptions,
): Promise<ReceiveResult> {
	return receive(scheme, secrets, { body: Buffer.from(body), headers }, { now, replay });
}

/** An accepted call that is no handshake: it runs as any other. */
function expectOrdinary(result: ReceiveResult) {
	expect(result.ok).toBe(true);
	expect(result).not.toHaveProperty('handshake');
}

describe('the catalog', () => {
	it('gives handshakes to Slack, Zoom and Discord only, Zoom its own rather than the Slack one it spreads', () => {
		const withHandshake = [...HMAC_HEADER_SCHEMES, ...PUBLIC_KEY_SCHEMES].filter(
			(scheme) => scheme.handshake,
		);
		expect(withHandshake.map((scheme) => scheme.id).sort()).toEqual(['discord', 'slack', 'zoom']);
		expect(ZOOM.handshake?.match).toEqual({
			path: ['event'],
			value: 'endpoint.url_validation',
		});
		expect(SLACK.handshake?.match).toEqual({ path: ['type'], value: 'url_verification' });
	});
});

describe("Zoom's endpoint.url_validation", () => {
	if (!zoomValidation?.expected_response_body) throw new Error('no Zoom URL-validation vector');
	const vector = zoomValidation;
	const secret = vector.secret;
	const signedAt = new Date(vector.timestamp * 1000);
	const vectorCall = () =>
		run(
			ZOOM,
			{ primary: secret },
			vector.payload,
			{ ...json, ...vector.expected_header_values },
			signedAt,
		);

	it("answers the official-library vector with @zoom/rivet's exact bytes", async () => {
		const result = await vectorCall();
		expect(result).toMatchObject({ ok: true });
		if (!result.ok) return;
		// The fixture's answer, as rivet wrote it: members in its order.
		expect(result.handshake).toEqual({
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify(vector.expected_response_body),
		});
		expect(result.handshake?.body).toBe(
			'{"encryptedToken":"8d4dd13bef79e3935d4da689b9e1bb2f36cd7182ef1655edf4b46b51d8119c93","plainToken":"qgg8vlvZRS6UYooatFL8Aw"}',
		);
		expect(result.settle).toBeUndefined();
	});

	it('and @zoom/rivet, run on the same request, answers the same', async () => {
		const theirs = await rivetAnswers(secret, vector.payload, vector.expected_header_values);
		const ours = await vectorCall();
		expect(theirs.statusCode).toBe(200);
		expect(ours.ok && ours.handshake).toMatchObject({
			status: theirs.statusCode,
			contentType: theirs.headers['Content-Type'],
			body: theirs.body,
		});
	});

	it('answers as rivet does for random plainTokens (seeded), with random secrets', async () => {
		const token = fc.oneof(
			// Zoom's own shape: 22 base64url characters.
			fc.base64String({ minLength: 4, maxLength: 64 }),
			fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
			fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
		);
		const secretArb = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 });
		await fc.assert(
			fc.asyncProperty(token, secretArb, async (plainToken, secretToken) => {
				const body = zoomValidationBody(plainToken);
				const headers = zoomHeaders(secretToken, body);
				const theirs = await rivetAnswers(secretToken, body, headers);
				const ours = await run(ZOOM, { primary: secretToken }, body, headers);
				expect(theirs.statusCode).toBe(200);
				expect(ours.ok && ours.handshake).toEqual({
					status: 200,
					contentType: theirs.headers['Content-Type'],
					body: theirs.body,
				});
			}),
			{ seed: 16_2026, numRuns: 200 },
		);
	});

	it('keys the HMAC with the secret that verified the call: the secondary during a rotation', async () => {
		const result = await run(
			ZOOM,
			{ primary: 'the-new-secret', secondary: secret },
			vector.payload,
			{ ...json, ...vector.expected_header_values },
			signedAt,
		);
		expect(result).toMatchObject({ ok: true, verification: { matchedSecret: 'secondary' } });
		expect(result.ok && result.handshake?.body).toBe(JSON.stringify(vector.expected_response_body));
	});

	it('reads the secret as verify() does (a Secret Format override included)', async () => {
		const result = await run(
			ZOOM,
			{ primary: Buffer.from(secret).toString('base64'), encoding: 'base64' },
			vector.payload,
			{ ...json, ...vector.expected_header_values },
			signedAt,
		);
		expect(result.ok && result.handshake?.body).toBe(JSON.stringify(vector.expected_response_body));
	});

	it('is no handshake when the body only looks like one: the call runs, as rivet runs it', async () => {
		const bodies = [
			zoomValidationBody(12345),
			zoomValidationBody(''),
			zoomValidationBody(null),
			zoomValidationBody({ nested: 'x' }),
			zoomValidationBody('x'.repeat(MAX_HANDSHAKE_FIELD_LENGTH + 1)),
			'{"event":"endpoint.url_validation","payload":{}}',
			'{"event":"endpoint.url_validation","plainToken":"top-level"}',
			'{"event":"endpoint.url_validation","payload":[{"plainToken":"in-array"}]}',
			'{"event":"endpoint.url_validation","payload":"plainToken"}',
			'{"event":"Endpoint.URL_Validation","payload":{"plainToken":"abc"}}',
			'{"event":"meeting.started","payload":{"plainToken":"abc"}}',
			'[{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}]',
			// Slack's handshake is Slack's: Zoom does not inherit it.
			slackVerificationBody(),
		];
		for (const body of bodies) {
			const headers = zoomHeaders(secret, body);
			expectOrdinary(await run(ZOOM, { primary: secret }, body, headers));
		}
		// rivet agrees where it answers at all (it throws on a missing payload).
		const theirs = await rivetAnswers(secret, bodies[0], zoomHeaders(secret, bodies[0]));
		expect(JSON.parse(theirs.body)).toEqual({ message: 'Zoom event processed successfully.' });
	});

	it('a longest answerable plainToken is answered, and the answer stays bounded', async () => {
		const plainToken = 'p'.repeat(MAX_HANDSHAKE_FIELD_LENGTH);
		const body = zoomValidationBody(plainToken);
		const result = await run(ZOOM, { primary: secret }, body, zoomHeaders(secret, body));
		expect(result.ok && result.handshake?.body.length).toBe(
			MAX_HANDSHAKE_FIELD_LENGTH + 64 + '{"encryptedToken":"","plainToken":""}'.length,
		);
	});
});

describe("Slack's url_verification", () => {
	const secret = '8f742231b10e8888abcd99yyyzzz85a5'; // the published Slack vector's secret

	it('echoes the challenge in plain text, as Slack documents first', async () => {
		const body = slackVerificationBody();
		const result = await run(SLACK, { primary: secret }, body, slackHeaders(secret, body));
		expect(result).toMatchObject({ ok: true, verification: { scheme: 'slack' } });
		expect(result.ok && result.handshake).toEqual({
			status: 200,
			contentType: 'text/plain',
			body: slackChallenge,
		});
	});

	it.each([
		['a challenge that is not a string', slackVerificationBody(42)],
		['an empty challenge', slackVerificationBody('')],
		['a challenge too long', slackVerificationBody('c'.repeat(MAX_HANDSHAKE_FIELD_LENGTH + 1))],
		['no challenge', '{"type":"url_verification"}'],
		['another type', '{"type":"event_callback","challenge":"abc"}'],
		['the type in another case', '{"type":"URL_VERIFICATION","challenge":"abc"}'],
		['the type nested', '{"event":{"type":"url_verification","challenge":"abc"}}'],
		['an array body', '[{"type":"url_verification","challenge":"abc"}]'],
		['a form body', 'type=url_verification&challenge=abc'],
		['a body that is not JSON', '{"type":"url_verification","challenge":"abc"'],
		["Zoom's handshake", zoomValidationBody('abc')],
	])('%s is no handshake: the call runs', async (_name, body) => {
		expectOrdinary(await run(SLACK, { primary: secret }, body, slackHeaders(secret, body)));
	});

	it('a challenge inherited from the prototype is no challenge', async () => {
		const body = '{"type":"url_verification","__proto__":{"challenge":"abc"}}';
		expectOrdinary(await run(SLACK, { primary: secret }, body, slackHeaders(secret, body)));
	});
});

describe("Discord's PING", () => {
	const publicKey = RFC8032_TEST1.publicKeyHex;
	const privateKey = ed25519FromSeed(Buffer.from(RFC8032_TEST1.seedHex, 'hex'));
	const discordHeaders = (body: string, at = new Date()) => ({
		...json,
		'X-Signature-Ed25519': nodeSign(null, Buffer.from(seconds(at) + body), privateKey).toString(
			'hex',
		),
		'X-Signature-Timestamp': seconds(at),
	});

	it.each(['{"type":1}', '{"type":1,"id":"1234567890","application_id":"1","token":"t"}'])(
		'%s gets PONG',
		async (body) => {
			const result = await run(DISCORD, { primary: publicKey }, body, discordHeaders(body));
			expect(result.ok && result.handshake).toEqual({
				status: 200,
				contentType: 'application/json',
				body: '{"type":1}',
			});
		},
	);

	it.each(['{"type":2}', '{"type":"1"}', '[{"type":1}]', 'type=1', '{"data":{"type":1}}'])(
		'%s is no PING',
		async (body) => {
			expectOrdinary(await run(DISCORD, { primary: publicKey }, body, discordHeaders(body)));
		},
	);

	it('the fixture vector (signed in 2023) is a PING, answered once verified', async () => {
		const vector = timedTextVectors('discord-interactions')[0];
		const result = await run(
			DISCORD,
			{ primary: vector.secret },
			vector.payload,
			{ ...json, ...vector.expected_header_values },
			new Date(vector.timestamp * 1000),
		);
		expect(result.ok && result.handshake?.body).toBe('{"type":1}');
	});
});

describe('a handshake is answered only for a verified call', () => {
	const zoomSecret = 'zoom_test_secret_token';
	const slackSecret = 'slack-signing-secret';
	const zoomBody = zoomValidationBody('qgg8vlvZRS6UYooatFL8Aw');
	const slackBody = slackVerificationBody();
	const stale = new Date(Date.now() - 301_000);
	const cases: Array<[string, Scheme, string, string, Record<string, string>]> = [
		['Zoom, unsigned', ZOOM, zoomSecret, zoomBody, json],
		[
			'Zoom, signed with another secret',
			ZOOM,
			zoomSecret,
			zoomBody,
			zoomHeaders('other', zoomBody),
		],
		[
			'Zoom, its plainToken changed after signing',
			ZOOM,
			zoomSecret,
			zoomBody.replace('qgg8', 'QGG8'),
			zoomHeaders(zoomSecret, zoomBody),
		],
		['Zoom, stale', ZOOM, zoomSecret, zoomBody, zoomHeaders(zoomSecret, zoomBody, stale)],
		['Slack, unsigned', SLACK, slackSecret, slackBody, json],
		['Slack, forged', SLACK, slackSecret, slackBody, slackHeaders('other', slackBody)],
		['Slack, stale', SLACK, slackSecret, slackBody, slackHeaders(slackSecret, slackBody, stale)],
		[
			'Slack, challenge changed after signing',
			SLACK,
			slackSecret,
			slackVerificationBody('attacker-chosen'),
			slackHeaders(slackSecret, slackBody),
		],
	];

	it.each(cases)(
		'%s: refused, with no answer content',
		async (_name, scheme, secret, body, headers) => {
			const result = await run(scheme, { primary: secret }, body, headers);
			expect(result.ok).toBe(false);
			expect(result).not.toHaveProperty('handshake');
			if (result.ok) return;
			expect(result.status).toBe(401);
			// Nothing of the body's tokens, nor any HMAC, in what the caller is told.
			expect(result.detail).not.toMatch(/qgg8|3eZbrw|attacker|[0-9a-f]{64}/i);
		},
	);

	it('a scheme without a handshake never answers one', async () => {
		const githubBody = slackVerificationBody();
		const signature = `sha256=${createHmac('sha256', 's').update(githubBody).digest('hex')}`;
		expectOrdinary(
			await run(GITHUB, { primary: 's' }, githubBody, {
				...json,
				'X-Hub-Signature-256': signature,
			}),
		);
		expect(STANDARD_WEBHOOKS_V1A.handshake).toBeUndefined();
		expect(SENDGRID.handshake).toBeUndefined();
	});

	it("the package's core does not export a way to answer a handshake outside receive()", () => {
		expect(Object.keys(core)).not.toContain('handshakeReply');
	});

	it('handshakeReply asks for the key only when the answer needs it, and only for a match', () => {
		const key = jest.fn(() => zoomSecret);
		handshakeReply(SLACK, Buffer.from(slackBody), key);
		handshakeReply(DISCORD, Buffer.from('{"type":1}'), key);
		handshakeReply(ZOOM, Buffer.from('{"event":"meeting.started"}'), key);
		handshakeReply(ZOOM, Buffer.from(zoomValidationBody(7)), key);
		expect(key).not.toHaveBeenCalled();
		expect(handshakeReply(ZOOM, Buffer.from(zoomBody), key)?.body).toContain('qgg8');
		expect(key).toHaveBeenCalledTimes(1);
	});

	it('with no key for it (none resolved), an HMAC answer is not made up: the call runs', () => {
		expect(handshakeReply(ZOOM, Buffer.from(zoomBody), () => undefined)).toBeUndefined();
	});
});

describe('handshakes and replay protection', () => {
	const secret = 'zoom_test_secret_token';
	const replay = (store: ReplayMemory): core.ReplayOptions => ({
		store,
		rememberSeconds: 300,
		duplicateStatus: 200,
	});

	it('a copy of a verified handshake gets the same answer, and none enters the memory', async () => {
		const memory = new ReplayMemory();
		const body = zoomValidationBody('qgg8vlvZRS6UYooatFL8Aw');
		const headers = zoomHeaders(secret, body);
		const first = await run(ZOOM, { primary: secret }, body, headers, new Date(), replay(memory));
		const copy = await run(ZOOM, { primary: secret }, body, headers, new Date(), replay(memory));
		expect(first.ok && first.handshake?.body).toBeTruthy();
		expect(copy.ok && copy.handshake?.body).toBe(first.ok && first.handshake?.body);
		expect(first.ok && first.settle).toBeUndefined();
		expect(memory.size).toBe(0);

		// An ordinary call afterwards is claimed, and its copy refused as usual.
		const event = '{"event":"meeting.started","payload":{"object":{"id":"1"}}}';
		const eventHeaders = zoomHeaders(secret, event);
		const ordinary = await run(
			ZOOM,
			{ primary: secret },
			event,
			eventHeaders,
			new Date(),
			replay(memory),
		);
		expectOrdinary(ordinary);
		if (ordinary.ok) ordinary.settle?.('succeeded');
		expect(memory.size).toBe(1);
		expect(
			await run(ZOOM, { primary: secret }, event, eventHeaders, new Date(), replay(memory)),
		).toMatchObject({ ok: false, reason: 'replayed_id', status: 200 });
	});
});
