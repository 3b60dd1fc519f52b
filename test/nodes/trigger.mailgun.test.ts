/**
 * Mailgun through the trigger's webhook() in n8n-core's WebhookContext: the
 * signature read from the body, and each token accepted once even with
 * "Detect Replayed and Duplicate Calls" off, since Mailgun's signature does
 * not cover the event data. Signatures are made here with node:crypto.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { signingSecretData } from '../helpers/credentials';
import { runWebhookMethod } from '../helpers/n8n';
import { deliverTo, type IncomingOptions } from './triggerHarness';

const signingKey = 'key-mailgun-trigger-test';
const json = { 'content-type': 'application/json' };

function mailgunCall(
	eventData: object,
	{
		token = randomBytes(25).toString('hex'),
		at = new Date(),
		key = signingKey,
	}: { token?: string; at?: Date; key?: string } = {},
): IncomingOptions & { token: string } {
	const timestamp = String(Math.floor(at.getTime() / 1000));
	const signature = createHmac('sha256', key)
		.update(timestamp + token)
		.digest('hex');
	return {
		token,
		secret: signingKey,
		headers: json,
		body: JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData }),
	};
}

const mailgun = (extra: INodeParameters = {}): INodeParameters => ({
	signatureScheme: 'mailgun',
	...extra,
});

describe('Verified Webhook Trigger: Mailgun', () => {
	it('accepts a signed Mailgun JSON call and outputs its event data, with the token as id', async () => {
		const call = mailgunCall({ event: 'delivered', id: 'ev-1', recipient: 'a@example.com' });
		const outcome = await deliverTo(mailgun(), call);
		expect(outcome.status).toBe(200);
		expect(outcome.started).toBe(true);
		expect(outcome.verified).toHaveLength(1);
		const item = outcome.verified[0].json as {
			body: { 'event-data': { id: string } };
			verification: { scheme: string; id: string; matchedSecret: string; timestamp: string };
		};
		expect(item.body['event-data'].id).toBe('ev-1');
		expect(item.verification).toMatchObject({
			scheme: 'mailgun',
			id: call.token,
			matchedSecret: 'primary',
		});
	});

	it('keeps the signature out of the item: its token and timestamp are under verification', async () => {
		const call = mailgunCall({ event: 'delivered', id: 'ev-hidden' });
		const outcome = await deliverTo(mailgun(), call);
		const item = outcome.verified[0].json as { body: Record<string, unknown> };
		expect(Object.keys(item.body)).toEqual(['event-data']);
		const { signature } = (JSON.parse(String(call.body)) as { signature: { signature: string } })
			.signature;
		expect(JSON.stringify(outcome.verified)).not.toContain(signature);
	});

	it('a token accepted by one trigger is refused by every other Mailgun trigger, with any data', async () => {
		const call = mailgunCall({ event: 'delivered', id: 'ev-shared' });
		const first = await deliverTo(mailgun(), { ...call, workflowId: 'mailgun-workflow-a' });
		expect(first.started).toBe(true);
		// The signature as an execution of the first showed it (before it was hidden), on other data.
		const signature = (JSON.parse(String(call.body)) as { signature: unknown }).signature;
		const elsewhere = await deliverTo(mailgun({ replayProtection: false }), {
			...call,
			workflowId: 'mailgun-workflow-b',
			body: JSON.stringify({ signature, 'event-data': { event: 'unsubscribed', id: 'ev-y' } }),
		});
		expect(elsewhere).toMatchObject({ started: false, responseBody: { reason: 'replayed_id' } });
	});

	it('starts nothing for a replayed call, even with duplicate detection off, and acknowledges it', async () => {
		const call = mailgunCall({ event: 'opened', id: 'ev-2' });
		expect((await deliverTo(mailgun({ replayProtection: false }), call)).started).toBe(true);
		const replay = await deliverTo(mailgun({ replayProtection: false }), call);
		expect(replay).toMatchObject({
			started: false,
			status: 200,
			responseBody: { status: 'duplicate', reason: 'replayed_id' },
		});
	});

	it('starts nothing for the captured signature on other event data', async () => {
		const call = mailgunCall({ event: 'delivered', id: 'ev-3' });
		expect((await deliverTo(mailgun(), call)).started).toBe(true);
		const signature = (JSON.parse(String(call.body)) as { signature: unknown }).signature;
		const forged = await deliverTo(mailgun(), {
			...call,
			body: JSON.stringify({ signature, 'event-data': { event: 'unsubscribed', id: 'ev-x' } }),
		});
		expect(forged).toMatchObject({ started: false, responseBody: { reason: 'replayed_id' } });
	});

	it('with duplicate detection on and "Rejection Status" chosen, a replay gets 401', async () => {
		const parameters = mailgun({ replayProtection: true, duplicateAnswer: 'reject' });
		const call = mailgunCall({ event: 'clicked' });
		expect((await deliverTo(parameters, call)).started).toBe(true);
		expect(await deliverTo(parameters, call)).toMatchObject({
			started: false,
			status: 401,
			responseBody: { reason: 'replayed_id' },
		});
	});

	it("a run that failed (500) is forgotten: Mailgun's retry of it runs", async () => {
		const call = mailgunCall({ event: 'failed' });
		expect((await deliverTo(mailgun(), { ...call, n8nAnswers: 500 })).started).toBe(true);
		expect((await deliverTo(mailgun(), call)).started).toBe(true);
		expect((await deliverTo(mailgun(), call)).started).toBe(false);
	});

	it('refuses a forged call with 401, and a stale one, starting nothing', async () => {
		const forged = await deliverTo(
			mailgun(),
			mailgunCall({ event: 'delivered' }, { key: 'wrong' }),
		);
		expect(forged).toMatchObject({
			started: false,
			status: 401,
			responseBody: { error: 'Unauthorized', reason: 'signature_mismatch' },
		});
		const stale = await deliverTo(
			mailgun(),
			mailgunCall({ event: 'delivered' }, { at: new Date(Date.now() - 301_000) }),
		);
		expect(stale).toMatchObject({
			started: false,
			status: 401,
			responseBody: { reason: 'timestamp_too_old' },
		});
	});

	it('a body without the signature object is refused with a reason that names the body field', async () => {
		const outcome = await deliverTo(mailgun(), {
			secret: signingKey,
			headers: json,
			body: '{"event-data":{"event":"delivered"}}',
		});
		expect(outcome).toMatchObject({
			started: false,
			status: 401,
			responseBody: { reason: 'missing_body_field' },
		});
	});

	it('a tolerance of 0 (from an expression, say) is our misconfiguration: 500, never "no window"', async () => {
		const outcome = await deliverTo(mailgun({ toleranceSeconds: 0 }), mailgunCall({}));
		expect(outcome).toMatchObject({
			started: false,
			status: 500,
			responseBody: { reason: 'verifier_error' },
		});
	});

	it('a wider tolerance accepts an hour-old call (a late Mailgun retry), once', async () => {
		const parameters = mailgun({ toleranceSeconds: 7200 });
		const call = mailgunCall({ event: 'delivered' }, { at: new Date(Date.now() - 3600_000) });
		expect((await deliverTo(parameters, call)).started).toBe(true);
		expect((await deliverTo(parameters, call)).started).toBe(false);
	});

	it('accepts the legacy form post', async () => {
		const token = randomBytes(25).toString('hex');
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = createHmac('sha256', signingKey)
			.update(timestamp + token)
			.digest('hex');
		const body = new URLSearchParams({
			timestamp,
			token,
			signature,
			event: 'delivered',
		}).toString();
		const outcome = await deliverTo(mailgun(), {
			secret: signingKey,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body,
		});
		expect(outcome).toMatchObject({ started: true, status: 200 });
	});

	it('listening or publishing with a tolerance of 0 fails, saying why', async () => {
		const check = async (parameters: INodeParameters) =>
			await runWebhookMethod(new VerifiedWebhookTrigger(), {
				method: 'checkExists',
				mode: 'webhook',
				activation: 'activate',
				parameters,
				credentials: { webhookSigningSecretApi: signingSecretData(signingKey) },
			});
		await expect(check(mailgun())).resolves.toBe(true);
		await expect(check(mailgun({ toleranceSeconds: 600 }))).resolves.toBe(true);
		const error = await check(mailgun({ toleranceSeconds: 0 })).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('Mailgun needs a Timestamp Tolerance above 0');
	});
});
