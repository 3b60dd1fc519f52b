/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its keys and secrets are published test values */
/**
 * The handshakes through Verified Webhook Trigger's webhook() in n8n-core's
 * real WebhookContext: Slack's url_verification and Zoom's
 * endpoint.url_validation answered by the trigger (Zoom's byte for byte as
 * @zoom/rivet answers the same request), starting no execution in production
 * or in a test run; forged ones refused; and Discord's PING answered with
 * PONG every time under replay protection, without taking a place in its
 * memory.
 */
import { createHmac, randomBytes, sign as nodeSign } from 'node:crypto';

import { ed25519FromSeed, RFC8032_TEST1 } from '../helpers/keys';
import { rivetAnswers } from '../helpers/rivet';
import { timedTextVectors } from '../helpers/vectors';
import { deliverTo, type Outcome } from './triggerHarness';

const json = { 'content-type': 'application/json' };
const nowSeconds = () => String(Math.floor(Date.now() / 1000));
const v0 = (secret: string, timestamp: string, body: string) =>
	`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/** Everything the caller and the workflow could see. */
const everything = (outcome: Outcome) =>
	JSON.stringify([
		outcome.responseText,
		outcome.responseHeaders,
		outcome.verified,
		outcome.rejected,
		outcome.webhookResponse,
		outcome.executionError?.message,
	]);

describe("Slack's url_verification", () => {
	const secret = 'slack-signing-secret-for-tests';
	const slack = { signatureScheme: 'slack' };
	const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
	const body = JSON.stringify({
		token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
		challenge,
		type: 'url_verification',
	});
	const signed = (payload: string, signingSecret = secret) => {
		const timestamp = nowSeconds();
		return {
			...json,
			'X-Slack-Signature': v0(signingSecret, timestamp, payload),
			'X-Slack-Request-Timestamp': timestamp,
		};
	};

	it.each(['webhook', 'manual'] as const)(
		'is answered 200 with the challenge in plain text, and starts nothing (%s mode)',
		async (mode) => {
			const outcome = await deliverTo(slack, {
				secret,
				body,
				headers: signed(body),
				mode,
			});
			expect(outcome.status).toBe(200);
			expect(outcome.responseHeaders['content-type']).toBe('text/plain');
			expect(outcome.responseText).toBe(challenge);
			expect(outcome.started).toBe(false);
			expect(outcome.verified).toEqual([]);
		},
	);

	it('forged: 401, and the challenge is not echoed', async () => {
		const outcome = await deliverTo(slack, {
			secret,
			body,
			headers: signed(body, 'another-secret'),
		});
		expect(outcome).toMatchObject({ status: 401, started: false });
		expect(outcome.responseBody).toEqual({ error: 'Unauthorized', reason: 'signature_mismatch' });
		expect(everything(outcome)).not.toContain(challenge);
	});

	it('unsigned, in a test run: refused, and the editor shows the refusal, not an answer', async () => {
		const outcome = await deliverTo(slack, { secret, body, headers: json, mode: 'manual' });
		expect(outcome.status).toBe(401);
		expect(outcome.responseText).not.toContain(challenge);
		expect(outcome.executionError?.message).toBe('Call refused: missing_header (401)');
	});

	it('a url_verification whose challenge is not a string is an ordinary call: it runs', async () => {
		const odd = JSON.stringify({
			token: 't',
			challenge: { nested: true },
			type: 'url_verification',
		});
		const outcome = await deliverTo(slack, { secret, body: odd, headers: signed(odd) });
		expect(outcome.started).toBe(true);
		expect(outcome.verified[0].json).toMatchObject({
			body: { type: 'url_verification', challenge: { nested: true } },
			verification: { scheme: 'slack' },
		});
	});

	it("Zoom's validation sent to a Slack trigger is no handshake of Slack's: it runs", async () => {
		const zoomShaped = '{"payload":{"plainToken":"abc"},"event":"endpoint.url_validation"}';
		const outcome = await deliverTo(slack, {
			secret,
			body: zoomShaped,
			headers: signed(zoomShaped),
		});
		expect(outcome.started).toBe(true);
	});
});

describe("Zoom's endpoint.url_validation", () => {
	const vector = timedTextVectors('zoom').find((candidate) => candidate.expected_response_body);
	if (!vector) throw new Error('no Zoom URL-validation vector in the fixture');
	const zoom = { signatureScheme: 'zoom' };
	const signed = (payload: string, secret = vector.secret) => {
		const timestamp = nowSeconds();
		return {
			...json,
			'x-zm-signature': v0(secret, timestamp, payload),
			'x-zm-request-timestamp': timestamp,
		};
	};

	it("the vector (signed in 2023, so with the window off): rivet's answer, byte for byte, and nothing runs", async () => {
		const outcome = await deliverTo(
			{ ...zoom, toleranceSeconds: 0 },
			{
				secret: vector.secret,
				body: vector.payload,
				headers: { ...json, ...vector.expected_header_values },
			},
		);
		const rivet = await rivetAnswers(vector.secret, vector.payload, vector.expected_header_values);
		expect(rivet.statusCode).toBe(200);
		expect(outcome.status).toBe(rivet.statusCode);
		expect(outcome.responseHeaders['content-type']).toBe(rivet.headers['Content-Type']);
		expect(outcome.responseText).toBe(rivet.body);
		expect(outcome.responseBody).toEqual(vector.expected_response_body);
		expect(outcome.started).toBe(false);
	});

	it.each(['webhook', 'manual'] as const)(
		'a fresh validation with a random plainToken gets the answer rivet gives (%s mode)',
		async (mode) => {
			const body = JSON.stringify({
				payload: { plainToken: randomBytes(16).toString('base64url') },
				event_ts: Date.now(),
				event: 'endpoint.url_validation',
			});
			const headers = signed(body);
			const outcome = await deliverTo(zoom, { secret: vector.secret, body, headers, mode });
			const rivet = await rivetAnswers(vector.secret, body, headers);
			expect(outcome.status).toBe(200);
			expect(outcome.responseText).toBe(rivet.body);
			expect(outcome.started).toBe(false);
		},
	);

	it('forged: 401 with no token and no HMAC in the answer', async () => {
		const body = JSON.stringify({
			payload: { plainToken: 'attackerChosenToken' },
			event_ts: Date.now(),
			event: 'endpoint.url_validation',
		});
		const outcome = await deliverTo(zoom, {
			secret: vector.secret,
			body,
			headers: signed(body, 'not-the-secret'),
		});
		expect(outcome).toMatchObject({ status: 401, started: false });
		expect(outcome.responseBody).toEqual({ error: 'Unauthorized', reason: 'signature_mismatch' });
		expect(everything(outcome)).not.toMatch(/attackerChosenToken|[0-9a-f]{64}/);
	});

	it("Slack's url_verification sent to a Zoom trigger is no handshake of Zoom's: it runs", async () => {
		const slackShaped = '{"token":"t","challenge":"abc","type":"url_verification"}';
		const outcome = await deliverTo(zoom, {
			secret: vector.secret,
			body: slackShaped,
			headers: signed(slackShaped),
		});
		expect(outcome.started).toBe(true);
		expect(outcome.responseText).toBeUndefined();
	});
});

describe("Discord's PING under replay protection", () => {
	const publicKey = RFC8032_TEST1.publicKeyHex;
	const privateKey = ed25519FromSeed(Buffer.from(RFC8032_TEST1.seedHex, 'hex'));
	const signed = (body: string) => {
		const timestamp = nowSeconds();
		return {
			...json,
			'X-Signature-Ed25519': nodeSign(null, Buffer.from(timestamp + body), privateKey).toString(
				'hex',
			),
			'X-Signature-Timestamp': timestamp,
		};
	};

	it.each(['acknowledge', 'reject'])(
		'a copy of a PING gets PONG again (duplicates: %s), and an ordinary call afterwards still runs once',
		async (duplicateAnswer) => {
			const parameters = { signatureScheme: 'discord', replayProtection: true, duplicateAnswer };
			const workflowId = `wf-ping-${duplicateAnswer}`;
			const ping = '{"type":1,"id":"77","application_id":"99","token":"t"}';
			const headers = signed(ping);
			for (let copy = 0; copy < 3; copy++) {
				const outcome = await deliverTo(parameters, {
					keys: publicKey,
					body: ping,
					headers,
					workflowId,
				});
				expect(outcome).toMatchObject({ status: 200, started: false });
				expect(outcome.responseText).toBe('{"type":1}');
				expect(outcome.responseHeaders['content-type']).toBe('application/json');
			}

			const interaction =
				'{"type":2,"id":"78","application_id":"99","token":"t","data":{"name":"hi"}}';
			const call = { keys: publicKey, body: interaction, headers: signed(interaction), workflowId };
			const first = await deliverTo(parameters, call);
			expect(first.started).toBe(true);
			expect(first.verified[0].json).toMatchObject({ body: { type: 2 } });
			const again = await deliverTo(parameters, call);
			expect(again.started).toBe(false);
			expect(again.status).toBe(duplicateAnswer === 'reject' ? 401 : 200);
		},
	);
});
