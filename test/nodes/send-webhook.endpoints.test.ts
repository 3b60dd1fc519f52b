/**
 * Send To: Endpoints. Events on the first input, endpoint rows (as a Data
 * Table node gives them) on the second; every event goes to every active
 * endpoint whose events match, signed with that endpoint's own derived
 * secret, checked at each receiver by the official standardwebhooks library
 * with the secret Reveal Endpoint Secret hands out.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { Webhook } from 'standardwebhooks';

import { runExecute } from '../helpers/n8n';
import { signingSecretData } from '../helpers/credentials';
import { header, startReceiver, type ReceivedCall, type Receiver } from '../helpers/receiver';
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { record, send } from './sendWebhookHarness';

const MASTER = `whsec_${Buffer.from('a master secret of the webhook system!').toString('base64')}`;
let receivers: Receiver[];
beforeEach(async () => {
	receivers = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
});
afterEach(async () => {
	await Promise.all(receivers.map(async (receiver) => await receiver.close()));
});

const rows = (json: IDataObject[]): INodeExecutionData[] => json.map((row) => ({ json: row }));
const events = (...names: string[]): INodeExecutionData[] =>
	names.map((type, i) => ({ json: { type, n: i } }));

const parameters = (extra: IDataObject = {}, options: IDataObject = {}) => ({
	destination: 'endpoints',
	signatureScheme: 'standardWebhooks',
	eventName: '={{ $json.type }}',
	...extra,
	options: { retrySchedule: 'custom', retryDelays: '', ...options },
});

function endpointRows(): IDataObject[] {
	return [
		{
			endpoint_id: 'ep_deals',
			name: 'Deals CRM',
			url: receivers[0].url,
			events: 'deal.*',
			active: true,
		},
		{
			endpoint_id: 'ep_mixed',
			name: 'Mixed',
			url: receivers[1].url,
			events: '["contact.created", "deal.stage.changed"]',
			active: true,
		},
		{ endpoint_id: 'ep_off', name: 'Off', url: receivers[2].url, events: '*', active: false },
	];
}

/** The secret each endpoint verifies with, as Reveal Endpoint Secret gives it. */
async function revealed(endpoints: IDataObject[]): Promise<Map<string, string>> {
	const { outputs } = await runExecute(new SendWebhook(), {
		parameters: { operation: 'revealSecret', signatureScheme: 'standardWebhooks' },
		credentials: { webhookSigningSecretApi: signingSecretData(MASTER) },
		items: rows(endpoints),
	});
	return new Map(outputs[0].map(({ json }) => [String(json.endpoint_id), String(json.secret)]));
}

function verifiedBy(secret: string, call: ReceivedCall): unknown {
	return new Webhook(secret).verify(call.body.toString('utf8'), {
		'webhook-id': header(call, 'webhook-id'),
		'webhook-timestamp': header(call, 'webhook-timestamp'),
		'webhook-signature': header(call, 'webhook-signature'),
	});
}

describe('Send To: Endpoints', () => {
	it('delivers each event to every active endpoint subscribed to it, each signed with its own secret', async () => {
		const endpoints = endpointRows();
		const result = await send(parameters(), {
			secret: MASTER,
			items: events('deal.created', 'contact.created', 'deal.stage.changed', 'invoice.paid'),
			endpoints: rows(endpoints),
		});
		const [deals, mixed, off] = receivers;
		expect(deals.calls.map((call) => JSON.parse(call.body.toString()).type)).toEqual([
			'deal.created',
			'deal.stage.changed',
		]);
		expect(mixed.calls.map((call) => JSON.parse(call.body.toString()).type)).toEqual([
			'contact.created',
			'deal.stage.changed',
		]);
		expect(off.calls).toHaveLength(0);

		const secrets = await revealed(endpoints);
		expect(secrets.get('ep_deals')).toMatch(/^whsec_/);
		expect(secrets.get('ep_deals')).not.toBe(secrets.get('ep_mixed'));
		for (const call of deals.calls) {
			expect(verifiedBy(secrets.get('ep_deals') ?? '', call)).toMatchObject({
				n: expect.any(Number),
			});
			// Another endpoint's secret, or the master itself, does not verify.
			expect(() => verifiedBy(secrets.get('ep_mixed') ?? '', call)).toThrow();
			expect(() => verifiedBy(MASTER, call)).toThrow();
		}
		for (const call of mixed.calls)
			expect(() => verifiedBy(secrets.get('ep_mixed') ?? '', call)).not.toThrow();
		// One event is one message: the same id at every endpoint.
		expect(header(deals.calls[1], 'webhook-id')).toBe(header(mixed.calls[1], 'webhook-id'));
		expect(header(deals.calls[0], 'webhook-id')).not.toBe(header(deals.calls[1], 'webhook-id'));

		// 4 deliveries, one per (event, endpoint), and the unsubscribed event, done with nothing sent.
		expect(result.delivered).toHaveLength(5);
		expect(result.failed).toEqual([]);
		const unrouted = result.delivered.find((item) => item.json.type === 'invoice.paid');
		expect(record(unrouted as INodeExecutionData).outcome).toMatch(/no active endpoint subscribes/);
		const endpointsOf = result.delivered.map(
			(item) => (record(item).endpoint as IDataObject | null)?.id ?? null,
		);
		expect(endpointsOf).toEqual(['ep_deals', 'ep_mixed', 'ep_deals', 'ep_mixed', null]);
		expect(result.delivered.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 2, 3].map((item) => ({ item })),
		);
		expect(result.outputCount).toBe(4);
	});

	it('logs every attempt as a flat row: no signature, the body when asked, what the receiver answered', async () => {
		receivers[0].answer(({ n }) =>
			n === 1 ? { status: 503, body: 'busy' } : { status: 202, body: 'queued' },
		);
		const result = await send(parameters({}, { retryDelays: '0.01', logBodies: true }), {
			secret: MASTER,
			items: events('deal.created'),
			endpoints: rows(endpointRows()),
		});
		const log = result.outputs[2].map((item) => item.json);
		expect(log).toHaveLength(2);
		expect(
			log.map((row) => [row.endpoint_id, row.attempt, row.status, row.response_status]),
		).toEqual([
			['ep_deals', 1, 'retrying', 503],
			['ep_deals', 2, 'delivered', 202],
		]);
		expect(log[0].response_excerpt).toBe('busy');
		expect(log[1].delivery_id).toBe(header(receivers[0].calls[1], 'webhook-id'));
		expect(log[1].body).toBe(receivers[0].calls[1].body.toString('utf8'));
		const headers = JSON.parse(String(log[1].request_headers)) as IDataObject;
		expect(headers['webhook-id']).toBe(log[1].delivery_id);
		expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain(
			'webhook-signature',
		);
		expect(JSON.stringify(log)).not.toContain(
			header(receivers[0].calls[1], 'webhook-signature').slice(3, 20),
		);
		for (const row of log)
			for (const value of Object.values(row))
				expect(['string', 'number', 'boolean']).toContain(value === null ? 'number' : typeof value);
	});

	it('a dead endpoint: failed deliveries, message.attempt.exhausted, and endpoint.disabled at the limit', async () => {
		receivers[0].answer(() => ({ status: 500 }));
		const endpoints = endpointRows();
		endpoints[0].consecutive_failures = 3;
		const result = await send(parameters({}, { retryDelays: '0.01' }), {
			secret: MASTER,
			items: events('deal.created', 'deal.updated', 'contact.created'),
			endpoints: rows(endpoints),
		});
		expect(result.failed.map((item) => item.json.type)).toEqual(['deal.created', 'deal.updated']);
		expect(result.delivered.map((item) => item.json.type)).toEqual(['contact.created']);
		const happenings = result.outputs[3].map((item) => item.json);
		expect(happenings.map((event) => event.type)).toEqual([
			'message.attempt.exhausted',
			'message.attempt.exhausted',
			'endpoint.disabled',
		]);
		expect(happenings[2]).toMatchObject({
			data: { endpointId: 'ep_deals', consecutiveFailures: 5 },
			update: { endpoint_id: 'ep_deals', active: false, consecutive_failures: 5 },
		});
		expect(result.outputs[3][2].pairedItem).toEqual({ item: 0, input: 1 });
		// The output pane counts deliveries, one per event and endpoint.
		expect(result.hints.map((hint) => hint.message)).toContainEqual(
			expect.stringMatching(/^2 of 3 deliveries were not delivered/),
		);
	});

	it('410 Gone disables the endpoint at once, with no retry', async () => {
		receivers[0].answer(() => ({ status: 410 }));
		const result = await send(parameters({}, { retryDelays: '0.01, 0.01' }), {
			secret: MASTER,
			items: events('deal.created'),
			endpoints: rows(endpointRows()),
		});
		expect(receivers[0].calls).toHaveLength(1);
		const types = result.outputs[3].map((item) => item.json.type);
		expect(types).toEqual(['message.attempt.exhausted', 'endpoint.disabled']);
		expect(result.outputs[3][1].json.data).toMatchObject({
			reason: expect.stringMatching(/410 Gone/),
		});
	});

	it('a success resets the failure count: endpoint.updated carries it back to the row', async () => {
		const endpoints = endpointRows();
		endpoints[1].consecutive_failures = 2;
		const result = await send(parameters(), {
			secret: MASTER,
			items: events('contact.created'),
			endpoints: rows(endpoints),
		});
		expect(result.outputs[3].map((item) => item.json)).toEqual([
			expect.objectContaining({
				type: 'endpoint.updated',
				update: { endpoint_id: 'ep_mixed', active: true, consecutive_failures: 0 },
			}),
		]);
	});

	it('a row that cannot be used is reported and the others are still served; copies of one row are one endpoint', async () => {
		const endpoints = [
			...endpointRows(),
			{ endpoint_id: 'ep_bad', url: 'ftp://127.0.0.1/x', events: '*' },
			{ endpoint_id: 'ep_noevents', url: receivers[2].url, events: '' },
			endpointRows()[0],
		];
		const result = await send(parameters(), {
			secret: MASTER,
			items: events('deal.created'),
			endpoints: rows(endpoints),
		});
		expect(receivers[0].calls).toHaveLength(1);
		const invalid = result.outputs[3].map((item) => item.json);
		expect(invalid.map((event) => (event.data as IDataObject).row)).toEqual([3, 4]);
		expect(invalid.every((event) => event.type === 'endpoint.invalid')).toBe(true);
		expect(String((invalid[0].data as IDataObject).reason)).toMatch(
			/ftp: URL; only http: and https:/,
		);
	});

	it('a logged delivery fed back is resent to its endpoint only, with its id and a fresh signature', async () => {
		const endpoints = endpointRows();
		const first = await send(parameters({}, { logBodies: true }), {
			secret: MASTER,
			items: events('deal.stage.changed'),
			endpoints: rows(endpoints),
		});
		const logged = first.outputs[2].find(
			(row) => row.json.endpoint_id === 'ep_mixed',
		) as INodeExecutionData;
		const resent = await send(parameters({ payload: 'resend' }), {
			secret: MASTER,
			items: [{ json: structuredClone(logged.json) }],
			endpoints: rows(endpoints),
		});
		expect(resent.delivered).toHaveLength(1);
		expect(receivers[0].calls).toHaveLength(1);
		const [original, again] = receivers[1].calls;
		expect(header(again, 'webhook-id')).toBe(header(original, 'webhook-id'));
		expect(again.body.equals(original.body)).toBe(true);
		const secrets = await revealed(endpoints);
		expect(() => verifiedBy(secrets.get('ep_mixed') ?? '', again)).not.toThrow();
	});

	it('a retry through the Wait node goes back to its own endpoint, without reading the endpoints again', async () => {
		receivers[0].answer(({ n }) => (n === 1 ? { status: 503 } : { status: 200 }));
		const waitNode = { retryMode: 'waitNode', retryDelays: '80' };
		const first = await send(parameters({}, waitNode), {
			secret: MASTER,
			items: events('deal.stage.changed'),
			endpoints: rows(endpointRows()),
		});
		expect(first.retry).toHaveLength(1);
		expect(first.delivered).toHaveLength(1); // to ep_mixed
		const back = await send(parameters({}, waitNode), {
			secret: MASTER,
			items: first.retry.map((item) => ({ json: structuredClone(item.json) })),
		});
		expect(back.delivered).toHaveLength(1);
		expect(receivers[0].calls).toHaveLength(2);
		expect(receivers[1].calls).toHaveLength(1);
		expect(header(receivers[0].calls[1], 'webhook-id')).toBe(
			header(receivers[0].calls[0], 'webhook-id'),
		);
		expect(record(back.delivered[0]).attempts).toHaveLength(2);
		// The back pass logs its own attempt only: the first pass logged attempt 1.
		expect(back.outputs[3].map((row) => [row.json.attempt, row.json.status])).toEqual([
			[2, 'delivered'],
		]);
	});

	it('during a rotation the call carries the old and the new secret_version signatures, after it only the new', async () => {
		const rotating = (hoursAgo: number) => [
			{
				...endpointRows()[0],
				secret_version: 2,
				secret_rotated_at: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
			},
		];
		const v1 = (await revealed([endpointRows()[0]])).get('ep_deals') ?? '';
		const v2 = (await revealed(rotating(0))).get('ep_deals') ?? '';
		expect(v2).not.toBe(v1);
		await send(parameters(), {
			secret: MASTER,
			items: events('deal.created'),
			endpoints: rows(rotating(1)),
		});
		await send(parameters(), {
			secret: MASTER,
			items: events('deal.created'),
			endpoints: rows(rotating(25)),
		});
		const [during, after] = receivers[0].calls;
		expect(header(during, 'webhook-signature').split(' ')).toHaveLength(2);
		expect(() => verifiedBy(v1, during)).not.toThrow();
		expect(() => verifiedBy(v2, during)).not.toThrow();
		expect(header(after, 'webhook-signature').split(' ')).toHaveLength(1);
		expect(() => verifiedBy(v1, after)).toThrow();
		expect(() => verifiedBy(v2, after)).not.toThrow();
	});

	it("with Endpoint Secrets from the row, each call is signed with the row's secret; a row without one is refused", async () => {
		const own = `whsec_${Buffer.from('the endpoint row keeps this one').toString('base64')}`;
		const endpoints = [{ ...endpointRows()[0], secret: own }, endpointRows()[1]];
		const result = await send(parameters({ endpointSecrets: 'record' }), {
			secret: MASTER,
			items: events('deal.stage.changed'),
			endpoints: rows(endpoints),
		});
		expect(() => verifiedBy(own, receivers[0].calls[0])).not.toThrow();
		expect(receivers[1].calls).toHaveLength(0);
		expect(result.outputs[3].map((item) => item.json.type)).toEqual(['endpoint.invalid']);
		expect(JSON.stringify(result.outputs)).not.toContain(own);
	});

	it('a slow endpoint does not hold up the others: each endpoint is its own lane', async () => {
		receivers[0].answer(() => 'hang');
		const result = await send(parameters({}, { timeout: 400 }), {
			secret: MASTER,
			items: events('deal.stage.changed', 'deal.stage.changed', 'deal.stage.changed'),
			endpoints: rows(endpointRows()),
		});
		// All three reached the fast endpoint before the hanging one's first call timed out.
		const firstHangEnds = receivers[0].calls[0].at + 400;
		expect(receivers[1].calls).toHaveLength(3);
		for (const call of receivers[1].calls) expect(call.at).toBeLessThan(firstHangEnds);
		expect(result.failed).toHaveLength(3);
		expect(result.delivered).toHaveLength(3);
	});

	it('the Standard Webhooks schedule needs the Wait-node path, and says so', async () => {
		await expect(
			send(parameters({}, { retrySchedule: 'standardWebhooks', retryDelays: undefined }), {
				secret: MASTER,
				items: events('deal.created'),
				endpoints: rows(endpointRows()),
			}),
		).rejects.toThrow(/waits up to 10 hours/);
		receivers[0].answer(() => ({ status: 503 }));
		const result = await send(
			parameters(
				{},
				{ retrySchedule: 'standardWebhooks', retryDelays: undefined, retryMode: 'waitNode' },
			),
			{ secret: MASTER, items: events('deal.created'), endpoints: rows(endpointRows()) },
		);
		expect(record(result.retry[0]).retry).toMatchObject({ attempt: 2, inSeconds: 70 });
	});
});

describe('Endpoint health with the breaker', () => {
	it('calls the breaker gave up on count as failed deliveries: a dead endpoint is disabled once', async () => {
		receivers[0].answer(() => ({ status: 503 }));
		const result = await send(parameters({}, { retryDelays: '0.01', giveUpAfterFailedCalls: 3 }), {
			secret: MASTER,
			items: events(...Array.from({ length: 8 }, () => 'deal.created')),
			endpoints: rows(endpointRows()),
		});
		// Three calls spent their schedule; the breaker failed the other five at once.
		expect(receivers[0].calls).toHaveLength(6);
		expect(result.failed).toHaveLength(8);
		const types = result.outputs[3].map((item) => item.json.type);
		expect(types.filter((type) => type === 'message.attempt.exhausted')).toHaveLength(3);
		expect(types.filter((type) => type === 'endpoint.disabled')).toHaveLength(1);
		expect(
			result.outputs[3].find((item) => item.json.type === 'endpoint.disabled')?.json.update,
		).toEqual({
			endpoint_id: 'ep_deals',
			active: false,
			consecutive_failures: 8,
		});
	});
});
