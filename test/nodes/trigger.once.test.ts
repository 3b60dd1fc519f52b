/**
 * "No event lost, none run twice", on the receiving side, through the
 * trigger's webhook() in n8n-core's WebhookContext: replay protection that
 * lets a sender's retry of a failed run through and starts nothing for a
 * copy of a processed call; each scheme's own window; one memory per
 * trigger; URLs that follow n8n's settings.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { WebhookContext } from 'n8n-core';
import { NodeHelpers, sleep, type INode, type INodeParameters } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';

import { CALENDLY, LINEAR, SQUARE, sign, signsTimestamp } from '../../core';
import { HMAC_HEADER_SCHEMES } from '../helpers/schemes';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { deliverTo, type IncomingOptions } from './triggerHarness';

const whsec = `whsec_${randomBytes(32).toString('base64')}`;
const body = '{"type":"invoice.paid","amount":4200}';
const json = { 'content-type': 'application/json' };

/** A Standard Webhooks call for `id`, signed at `at`, as the standardwebhooks library signs it. */
function standardCall(id: string, at = new Date()): IncomingOptions {
	return {
		secret: whsec,
		body,
		headers: {
			...json,
			'webhook-id': id,
			'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
			'webhook-signature': new StandardWebhook(whsec).sign(id, at, body),
		},
	};
}

const uniqueId = () => `msg_${randomBytes(8).toString('hex')}`;
/** Each test its own path, so each has its own trigger and memory (the node id is the harness's). */
const replayOn = (extra: INodeParameters = {}): INodeParameters => ({
	replayProtection: true,
	responseMode: 'lastNode',
	...extra,
});

describe('replay protection keeps "once" when runs fail (Respond: When Last Node Finishes)', () => {
	it('the sender retries a call whose run failed (500): the retry runs; a third copy starts nothing', async () => {
		const id = uniqueId();
		const first = await deliverTo(replayOn(), { ...standardCall(id), n8nAnswers: 500 });
		expect(first.started).toBe(true);
		// Standard Webhooks re-signs each attempt with a fresh timestamp, same id.
		const retry = await deliverTo(replayOn(), {
			...standardCall(id, new Date(Date.now() + 10_000)),
			n8nAnswers: 200,
		});
		expect(retry.started).toBe(true);
		const third = await deliverTo(replayOn(), standardCall(id));
		expect(third).toMatchObject({
			started: false,
			status: 200,
			responseBody: { status: 'duplicate', reason: 'replayed_id' },
		});
	});

	it('GitHub (no signed id): the same bytes sent again after a failed run run again', async () => {
		const secret = 'github-once';
		const payload = `{"delivery":"${uniqueId()}"}`;
		const call: IncomingOptions = {
			secret,
			body: payload,
			headers: {
				...json,
				'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`,
			},
		};
		const parameters = replayOn({ signatureScheme: 'github' });
		expect((await deliverTo(parameters, { ...call, n8nAnswers: 500 })).started).toBe(true);
		expect((await deliverTo(parameters, call)).started).toBe(true);
		expect(await deliverTo(parameters, call)).toMatchObject({ started: false, status: 200 });
	});

	it('a copy that arrives while the first run is still going gets 503 and Retry-After', async () => {
		const id = uniqueId();
		const first = await deliverTo(replayOn(), { ...standardCall(id), n8nAnswers: 'later' });
		expect(first.started).toBe(true);
		const meanwhile = await deliverTo(replayOn(), standardCall(id));
		expect(meanwhile).toMatchObject({
			started: false,
			status: 503,
			// As the README's table of answers says: not "Unauthorized", which a 503 is not.
			responseBody: { error: 'Service Unavailable', reason: 'in_progress' },
		});
		expect(meanwhile.responseHeaders['retry-after']).toBe('10');
		first.control.answer(200);
		expect(await deliverTo(replayOn(), standardCall(id))).toMatchObject({
			started: false,
			status: 200,
		});
	});

	it('the sender hung up before the answer: the answer n8n gives later still decides', async () => {
		const failedId = uniqueId();
		const failed = await deliverTo(replayOn(), { ...standardCall(failedId), n8nAnswers: 'later' });
		failed.control.hangUp(); // the sender's timeout
		failed.control.answer(500); // then the run fails
		expect((await deliverTo(replayOn(), standardCall(failedId))).started).toBe(true);

		const succeededId = uniqueId();
		const succeeded = await deliverTo(replayOn(), {
			...standardCall(succeededId),
			n8nAnswers: 'later',
		});
		succeeded.control.hangUp();
		succeeded.control.answer(200);
		expect(await deliverTo(replayOn(), standardCall(succeededId))).toMatchObject({
			started: false,
			status: 200,
		});
	});

	it('n8n never answers (a run lost to a database failure): copies get 503 for Running Call Lease, then one runs', async () => {
		const id = uniqueId();
		const parameters = replayOn({ runningCallLeaseSeconds: 1 });
		const lost = await deliverTo(parameters, { ...standardCall(id), n8nAnswers: 'later' });
		expect(lost.started).toBe(true);
		lost.control.hangUp(); // the sender's timeout; n8n never answers
		expect(await deliverTo(parameters, standardCall(id))).toMatchObject({
			started: false,
			status: 503,
		});
		await sleep(1100);
		const retry = await deliverTo(parameters, standardCall(id));
		expect(retry.started).toBe(true);
		expect(await deliverTo(parameters, standardCall(id))).toMatchObject({
			started: false,
			status: 200,
		});
	});

	it('Running Call Lease defaults to 300 s, shown only with replay protection on', () => {
		const lease = new VerifiedWebhookTrigger().description.properties.find(
			(property) => property.name === 'runningCallLeaseSeconds',
		);
		expect(lease).toMatchObject({
			default: 300,
			displayOptions: { show: { replayProtection: [true] } },
		});
	});

	it('Respond Immediately: the 200 on receipt makes the call processed at once', async () => {
		const id = uniqueId();
		const parameters = replayOn({ responseMode: 'onReceived' });
		expect((await deliverTo(parameters, standardCall(id))).started).toBe(true);
		expect(await deliverTo(parameters, standardCall(id))).toMatchObject({
			started: false,
			status: 200,
		});
	});

	it('duplicates can be refused instead: 401 replayed_id', async () => {
		const id = uniqueId();
		const parameters = replayOn({ duplicateAnswer: 'reject' });
		expect((await deliverTo(parameters, standardCall(id))).started).toBe(true);
		expect(await deliverTo(parameters, standardCall(id))).toMatchObject({
			started: false,
			status: 401,
			responseBody: { reason: 'replayed_id' },
		});
	});

	it('with Output Rejected Calls on, a duplicate is on the Rejected output with how it was answered', async () => {
		const id = uniqueId();
		const parameters = replayOn({ rejectedOutput: true });
		expect((await deliverTo(parameters, standardCall(id))).verified).toHaveLength(1);
		const copy = await deliverTo(parameters, standardCall(id));
		expect(copy.status).toBe(200);
		expect(copy.verified).toHaveLength(0);
		expect(copy.rejected[0].json.rejection).toMatchObject({
			reason: 'replayed_id',
			status: 200,
			id,
		});
	});

	it('a processed call is remembered for Remember Calls For, then runs again', async () => {
		const id = uniqueId();
		const parameters = replayOn({ signatureScheme: 'standardWebhooks', replayMemorySeconds: 1 });
		// Signed 600 s ago with the window off: only the memory decides.
		const old = new Date(Date.now() - 600_000);
		const unlimited = { ...parameters, toleranceSeconds: 0 };
		expect((await deliverTo(unlimited, standardCall(id, old))).started).toBe(true);
		expect((await deliverTo(unlimited, standardCall(id, old))).started).toBe(false);
		await sleep(1100);
		expect((await deliverTo(unlimited, standardCall(id, old))).started).toBe(true);
	});
});

describe("each scheme's own window is the default", () => {
	const secret = 'window-secret';

	function linearCall(ageSeconds: number): IncomingOptions {
		const payload = JSON.stringify({
			action: 'create',
			webhookTimestamp: Date.now() - ageSeconds * 1000,
		});
		return {
			secret,
			body: payload,
			headers: { ...json, ...sign(LINEAR, { primary: secret }, payload) },
		};
	}

	function calendlyCall(ageSeconds: number): IncomingOptions {
		const at = new Date(Date.now() - ageSeconds * 1000);
		return {
			secret,
			body,
			headers: { ...json, ...sign(CALENDLY, { primary: secret }, body, { timestamp: at }) },
		};
	}

	it('Linear: 60 s, so a call signed 200 s ago is refused and one 50 s ago accepted', async () => {
		expect(await deliverTo({ signatureScheme: 'linear' }, linearCall(200))).toMatchObject({
			started: false,
			responseBody: { reason: 'timestamp_too_old' },
		});
		expect((await deliverTo({ signatureScheme: 'linear' }, linearCall(50))).started).toBe(true);
	});

	it('Calendly: 180 s; Standard Webhooks: 300 s', async () => {
		expect(await deliverTo({ signatureScheme: 'calendly' }, calendlyCall(200))).toMatchObject({
			responseBody: { reason: 'timestamp_too_old' },
		});
		expect((await deliverTo({ signatureScheme: 'calendly' }, calendlyCall(170))).started).toBe(
			true,
		);
		const signed200sAgo = standardCall(uniqueId(), new Date(Date.now() - 200_000));
		expect((await deliverTo({}, signed200sAgo)).started).toBe(true);
	});

	it('a tolerance the user sets still wins', async () => {
		expect(
			(await deliverTo({ signatureScheme: 'linear', toleranceSeconds: 300 }, linearCall(200)))
				.started,
		).toBe(true);
	});

	it('the editor shows the setting, with the scheme’s window as its default, only where a timestamp is signed', () => {
		const { description } = new VerifiedWebhookTrigger();
		const node: INode = {
			id: 'n',
			name: 'Webhook Trigger (Verified)',
			type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const shownFor = (signatureScheme: string) =>
			NodeHelpers.getNodeParameters(
				description.properties,
				{ signatureScheme },
				true,
				false,
				node,
				description,
			)?.toleranceSeconds;
		for (const scheme of HMAC_HEADER_SCHEMES) {
			expect([scheme.id, shownFor(scheme.id)]).toEqual([
				scheme.id,
				signsTimestamp(scheme) ? (scheme.toleranceSeconds ?? 300) : undefined,
			]);
		}
		expect(shownFor('linear')).toBe(60);
		expect(shownFor('calendly')).toBe(180);
		expect(shownFor('connectgain')).toBe(0);
		expect(shownFor('github')).toBeUndefined();
		expect(shownFor('generic')).toBe(300);
	});
});

describe('verification.replayKey: one name per call, for de-duplicating in the workflow', () => {
	it('is the same for every copy of a call, whatever its spelling, and differs between calls', async () => {
		const secret = 'replay-key-secret';
		const call = (payload: string, upper = false, delivery = 'd-1'): IncomingOptions => {
			const hex = createHmac('sha256', secret).update(payload).digest('hex');
			return {
				secret,
				body: payload,
				headers: {
					...json,
					'x-github-delivery': delivery,
					'x-hub-signature-256': `sha256=${upper ? hex.toUpperCase() : hex}`,
				},
			};
		};
		const keyOf = async (options: IncomingOptions) => {
			const outcome = await deliverTo({ signatureScheme: 'github' }, options);
			return outcome.verified[0].json.verification as { replayKey: string; id: string };
		};
		const first = await keyOf(call('{"n":1}'));
		// Another unsigned delivery id, the digest in upper-case hex: the same call.
		expect((await keyOf(call('{"n":1}', true, 'd-2'))).replayKey).toBe(first.replayKey);
		expect((await keyOf(call('{"n":2}'))).replayKey).not.toBe(first.replayKey);
		// It names the call without carrying its signature.
		const hex = createHmac('sha256', secret).update('{"n":1}').digest('hex');
		expect(first.replayKey).not.toContain(hex.slice(0, 12));
		expect(first.replayKey).not.toContain(Buffer.from(hex, 'hex').toString('base64').slice(0, 12));
	});
});

describe('one memory per trigger', () => {
	it('the same call to two triggers runs once in each', async () => {
		const id = uniqueId();
		const a = replayOn({ responseMode: 'onReceived' });
		expect((await deliverTo(a, standardCall(id))).started).toBe(true);
		expect(
			(await deliverTo(a, { ...standardCall(id), workflowId: 'other-workflow' })).started,
		).toBe(true);
		expect((await deliverTo(a, standardCall(id))).started).toBe(false);
	});

	it('a rotated secret applies on the next call', async () => {
		const signedWith = (secret: string): IncomingOptions => ({
			secret: 'placeholder',
			body,
			headers: {
				...json,
				'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
			},
		});
		const parameters = { signatureScheme: 'github' };
		expect((await deliverTo(parameters, { ...signedWith('old'), secret: 'old' })).started).toBe(
			true,
		);
		expect((await deliverTo(parameters, { ...signedWith('old'), secret: 'new' })).started).toBe(
			false,
		);
		expect((await deliverTo(parameters, { ...signedWith('new'), secret: 'new' })).started).toBe(
			true,
		);
	});
});

describe('the URL a URL-signing scheme checks follows n8n’s settings', () => {
	const secret = 'square-key';
	const payload = '{"event_id":"e1"}';
	const squareCall = (url: string, path: string): IncomingOptions => ({
		secret,
		body: payload,
		path,
		headers: { ...json, ...sign(SQUARE, { primary: secret }, payload, { url }) },
	});
	const parameters = { signatureScheme: 'square', path: 'square' };

	it('a test call, with N8N_ENDPOINT_WEBHOOK_TEST set to another name', async () => {
		const outcome = await deliverTo(parameters, {
			...squareCall('http://127.0.0.1:5678/hooks-test/square?x=1', '/hooks-test/square?x=1'),
			mode: 'manual',
			webhookBaseUrl: 'http://127.0.0.1:5678/hooks',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/hooks-test',
		});
		expect(outcome.started).toBe(true);
	});

	it('WEBHOOK_URL with a path prefix (n8n behind a proxy at /n8n/)', async () => {
		const base = 'http://127.0.0.1:8443/n8n';
		expect(
			(
				await deliverTo(parameters, {
					...squareCall(`${base}/webhook/square`, '/webhook/square'),
					webhookBaseUrl: `${base}/webhook`,
					webhookTestBaseUrl: `${base}/webhook-test`,
				})
			).started,
		).toBe(true);
		expect(
			(
				await deliverTo(parameters, {
					...squareCall(`${base}/webhook-test/square`, '/webhook-test/square'),
					mode: 'manual',
					webhookBaseUrl: `${base}/webhook`,
					webhookTestBaseUrl: `${base}/webhook-test`,
				})
			).started,
		).toBe(true);
	});

	it('n8n 1.x, which names only the production URL: the test URL is derived from it', async () => {
		const original = Object.getOwnPropertyDescriptor(
			WebhookContext.prototype,
			'getWebhookResourceUrl',
		);
		// As in n8n 1.x's WebhookContext.
		Reflect.deleteProperty(WebhookContext.prototype, 'getWebhookResourceUrl');
		try {
			const base = 'http://127.0.0.1:8443/n8n';
			const outcome = await deliverTo(parameters, {
				...squareCall(`${base}/webhook-test/square`, '/webhook-test/square'),
				mode: 'manual',
				webhookBaseUrl: `${base}/webhook`,
				webhookTestBaseUrl: `${base}/webhook-test`,
			});
			expect(outcome.started).toBe(true);
		} finally {
			if (original)
				Object.defineProperty(WebhookContext.prototype, 'getWebhookResourceUrl', original);
		}
	});

	it('a path with a parameter: the path as called, under the webhook id', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'square', path: 'orders/:orderId' },
			squareCall(
				'http://127.0.0.1:5678/webhook/harness-webhook-id/orders/42',
				'/webhook/harness-webhook-id/orders/42',
			),
		);
		expect(outcome.started).toBe(true);
	});
});

describe("Recognize Copies By: the provider's event id (Stripe re-signs every retry)", () => {
	const stripe = new Stripe('sk_test_unused');
	const secret = 'whsec_trigger_event_id';
	/** A Stripe event as Stripe's own test helper signs it, `secondsLater` after now. */
	const stripeCall = (eventId: string, secondsLater = 0, signedWith = secret): IncomingOptions => {
		const payload = JSON.stringify({ id: eventId, object: 'event', type: 'invoice.paid' });
		return {
			secret,
			body: payload,
			headers: {
				...json,
				'stripe-signature': stripe.webhooks.generateTestHeaderString({
					payload,
					secret: signedWith,
					timestamp: Math.floor(Date.now() / 1000) + secondsLater,
				}),
			},
		};
	};
	const byEventId = replayOn({
		signatureScheme: 'stripe',
		nameCallsBy: 'eventId',
		replayMemorySeconds: 259_200,
	});

	it('processed, then retried re-signed 60 s later: one run, the retry answered 200', async () => {
		const eventId = `evt_${randomBytes(8).toString('hex')}`;
		const first = await deliverTo(byEventId, stripeCall(eventId));
		expect(first.started).toBe(true);
		expect(first.verified[0].json.verification).toMatchObject({ eventId, scheme: 'stripe' });
		const retry = await deliverTo(byEventId, stripeCall(eventId, 60));
		expect(retry).toMatchObject({
			started: false,
			status: 200,
			responseBody: { status: 'duplicate', reason: 'replayed_id' },
		});
	});

	it('the same event after a failed run runs again', async () => {
		const eventId = `evt_${randomBytes(8).toString('hex')}`;
		const failed = await deliverTo(byEventId, { ...stripeCall(eventId), n8nAnswers: 500 });
		expect(failed.started).toBe(true);
		const retry = await deliverTo(byEventId, stripeCall(eventId, 60));
		expect(retry.started).toBe(true);
	});

	it('by what the signature covers (the default), the re-signed retry runs again', async () => {
		const eventId = `evt_${randomBytes(8).toString('hex')}`;
		const bySignedContent = replayOn({ signatureScheme: 'stripe' });
		expect((await deliverTo(bySignedContent, stripeCall(eventId))).started).toBe(true);
		expect((await deliverTo(bySignedContent, stripeCall(eventId, 60))).started).toBe(true);
	});

	it('a forged call carrying a processed event id is refused as forged, not as a copy', async () => {
		const eventId = `evt_${randomBytes(8).toString('hex')}`;
		expect((await deliverTo(byEventId, stripeCall(eventId))).started).toBe(true);
		const forged = stripeCall(eventId, 60, 'whsec_not_the_endpoints');
		expect(await deliverTo(byEventId, forged)).toMatchObject({
			started: false,
			status: 401,
			responseBody: { reason: 'signature_mismatch' },
		});
	});
});
