/**
 * Retries: Through a Wait Node. Each pass makes one attempt per call; a call
 * that is to be retried goes to the Retry output with when, and comes back
 * (as n8n's Wait node hands it back) as the same call: same items, same
 * delivery id, the attempts counted on. Every item ends in one output.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { header, startReceiver, type Receiver } from '../helpers/receiver';
import { items, record, send } from './sendWebhookHarness';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

const secret = 'retry-later-secret';
const parameters = (url: string) => ({
	url,
	signatureScheme: 'github',
	batching: 'batch',
	batchSize: 2,
	options: { retryMode: 'waitNode' },
});

/** What n8n's Wait node passes on: the items as they left the Retry output. */
const throughWaitNode = (retry: INodeExecutionData[]) =>
	retry.map((item) => ({ json: structuredClone(item.json) }));

describe('Retries: Through a Wait Node', () => {
	it('a failed call goes to Retry, due in at least 70 s; back from the Wait node it is the same call, and is delivered', async () => {
		let calls = 0;
		receiver.answer(() => (calls++ === 0 ? { status: 503 } : { status: 200, body: '{}' }));
		const first = await send(parameters(receiver.url), { secret, items: items(3) });
		expect(first.outputCount).toBe(3);
		expect(first.delivered.map((item) => item.json.id)).toEqual([2]);
		expect(first.failed).toEqual([]);
		expect(first.retry.map((item) => item.json.id)).toEqual([0, 1]);
		const due = record(first.retry[0]).retry as { attempt: number; inSeconds: number; at: string };
		// The schedule's 10 s, raised to what n8n's Wait node keeps in its database.
		expect(due).toMatchObject({ attempt: 2, inSeconds: 70 });
		expect(Date.parse(due.at) - Date.now()).toBeGreaterThan(65_000);
		expect(record(first.retry[0]).outcome).toBe('answered 503; attempt 2 due in 10 s');

		const second = await send(parameters(receiver.url), {
			secret,
			items: throughWaitNode(first.retry),
		});
		expect(second.delivered.map((item) => item.json.id)).toEqual([0, 1]);
		expect(second.retry).toEqual([]);
		const delivered = record(second.delivered[0]);
		expect(delivered.id).toBe(record(first.retry[0]).id);
		expect(delivered.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
			[1, 503],
			[2, 200],
		]);
		// The receiver got the same call twice: one delivery id, the same records,
		// without the delivery record the items came back with.
		const [failedCall, , retried] = receiver.calls;
		expect(header(retried, 'x-github-delivery')).toBe(header(failedCall, 'x-github-delivery'));
		expect(retried.body.toString()).toBe(failedCall.body.toString());
		expect(JSON.parse(retried.body.toString())).toEqual([
			{ id: 0, name: 'record 0' },
			{ id: 1, name: 'record 1' },
		]);
	});

	it('when the schedule is spent the items go to Failed, with all the attempts of every pass', async () => {
		receiver.answer(() => ({ status: 503 }));
		let pass = await send(parameters(receiver.url), { secret, items: items(1) });
		expect(record(pass.retry[0]).retry).toMatchObject({ attempt: 2, inSeconds: 70 });
		pass = await send(parameters(receiver.url), { secret, items: throughWaitNode(pass.retry) });
		expect(record(pass.retry[0]).retry).toMatchObject({ attempt: 3, inSeconds: 100 });
		pass = await send(parameters(receiver.url), { secret, items: throughWaitNode(pass.retry) });
		expect(pass.retry).toEqual([]);
		expect(pass.failed).toHaveLength(1);
		expect(record(pass.failed[0]).outcome).toBe('answered 503; no retries left after 3 attempts');
		expect(record(pass.failed[0]).attempts).toHaveLength(3);
		expect(new Set(receiver.calls.map((call) => header(call, 'x-github-delivery'))).size).toBe(1);
	});

	it('an item whose delivery record is not one of ours is sent as a new call', async () => {
		const edited = {
			json: { id: 9, webhookDelivery: { retry: true, id: 'not.an.id', attempts: [] } },
		};
		const result = await send(parameters(receiver.url), { secret, items: [edited] });
		expect(result.delivered).toHaveLength(1);
		expect(record(result.delivered[0]).attempts).toHaveLength(1);
		// Sent as the item is: the field is the user's data, not ours.
		expect(JSON.parse(receiver.calls[0].body.toString())[0]).toHaveProperty('webhookDelivery');
	});

	it('Wait Inside the Node (the default) keeps two outputs', async () => {
		const result = await send({ url: receiver.url, signatureScheme: 'github' }, { secret });
		expect(result.outputCount).toBe(2);
		expect(result.hints).toEqual([]);
	});

	it('waiting inside the node, it tells the operator how long a call can take and what keeps it safe in queue mode', async () => {
		let calls = 0;
		receiver.answer(() => (calls++ === 0 ? { status: 503 } : { status: 200 }));
		// Short real waits, but a schedule (with 10 s timeouts) of about 40 s: above n8n's 30 s.
		const result = await send(
			{ url: receiver.url, signatureScheme: 'github', options: { retryDelays: '0.05, 10' } },
			{ secret },
		);
		expect(result.delivered).toHaveLength(1);
		expect(result.hints).toHaveLength(1);
		expect(result.hints[0].message).toMatch(
			/up to 41 s .*N8N_GRACEFUL_SHUTDOWN_TIMEOUT.*Through a Wait Node/,
		);
	});
});
