/**
 * Delivery IDs a receiver can de-duplicate on (issue 12, item 7): a re-run of
 * the same items sends the same ids, from the call's content or from each
 * item's own id, and every attempt of a call carries its call's id.
 */
import { createHash, randomBytes } from 'node:crypto';

import { NodeOperationError, type INodeParameters } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';

import { header, sequence, startReceiver, type Receiver } from '../helpers/receiver';
import { FAST_RETRIES, items, record, send, type SendOptions } from './sendWebhookHarness';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

const whsec = `whsec_${randomBytes(32).toString('base64')}`;

/** The same workflow run twice, as a re-run would: the ids each run sent, call by call. */
async function twoRuns(
	parameters: INodeParameters,
	options: SendOptions,
	idHeader: string,
): Promise<[string[], string[]]> {
	const runs: string[][] = [];
	for (let run = 0; run < 2; run++) {
		const before = receiver.calls.length;
		const { delivered, failed } = await send({ url: receiver.url, ...parameters }, options);
		expect(failed).toEqual([]);
		const sent = receiver.calls.slice(before).map((call) => header(call, idHeader));
		// What the receiver got is what the records say.
		expect([...new Set(delivered.map((item) => record(item).id))].sort()).toEqual(
			[...new Set(sent)].sort(),
		);
		runs.push(sent);
	}
	return [runs[0], runs[1]];
}

describe('Random per Call (the default)', () => {
	it('sends new ids on a re-run: a receiver cannot tell it is the same', async () => {
		const [first, second] = await twoRuns(
			{ signatureScheme: 'none' },
			{ items: items(2) },
			'webhook-id',
		);
		expect(first.every((id) => !second.includes(id))).toBe(true);
	});
});

describe('From the Content', () => {
	it('a re-run sends the same id for each call, accepted by the standardwebhooks library', async () => {
		const [first, second] = await twoRuns(
			{ signatureScheme: 'standardWebhooks', deliveryId: 'content' },
			{ items: items(3), secret: whsec },
			'webhook-id',
		);
		expect(second).toEqual(first);
		expect(new Set(first).size).toBe(3);
		for (const id of first) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
		for (const call of receiver.calls) {
			expect(() =>
				new StandardWebhook(whsec).verify(
					call.body.toString(),
					call.headers as Record<string, string>,
				),
			).not.toThrow();
		}
	});

	it("ConnectGain's envelope carries each attempt's time, yet a re-run sends the same id", async () => {
		const [first, second] = await twoRuns(
			{
				signatureScheme: 'connectgain',
				eventName: 'contact.created',
				deliveryId: 'content',
				batching: 'batch',
				batchSize: 2,
			},
			{ items: items(3), secret: 'cg' },
			'webhook-id',
		);
		expect(second).toEqual(first);
		expect(new Set(first).size).toBe(2);
		// The bodies differ between runs (the envelope's timestamp); the ids do not.
		const stamps = receiver.calls.map((call) => JSON.parse(call.body.toString()).timestamp);
		expect(stamps).toHaveLength(4);
	});

	it('each attempt of a call carries its id; another record, another id', async () => {
		receiver.answer(sequence({ status: 503 }, { status: 200 }));
		await send(
			{
				url: receiver.url,
				signatureScheme: 'github',
				deliveryId: 'content',
				options: FAST_RETRIES,
			},
			{ items: items(2), secret: 'gh' },
		);
		const ids = receiver.calls.map((call) => header(call, 'x-github-delivery'));
		// Item 0: a 503, then a 200, one id; item 1: delivered at once, its own id.
		expect(ids).toHaveLength(3);
		expect(ids[0]).toBe(ids[1]);
		expect(ids[2]).not.toBe(ids[0]);
	});
});

describe('From an Expression', () => {
	it("sends each item's own id in the scheme's id header, the same on a re-run", async () => {
		const input = items(3, (i) => ({ id: `order_${100 + i}`, total: i }));
		const [first, second] = await twoRuns(
			{ signatureScheme: 'svix', deliveryId: 'expression' },
			{ items: input, secret: whsec },
			'svix-id',
		);
		expect(first).toEqual(['order_100', 'order_101', 'order_102']);
		expect(second).toEqual(first);
	});

	it('a number is an id; the default expression is {{ $json.id }}', async () => {
		const { delivered } = await send(
			{ url: receiver.url, signatureScheme: 'none', deliveryId: 'expression' },
			{ items: items(2) },
		);
		expect(receiver.calls.map((call) => header(call, 'webhook-id'))).toEqual(['0', '1']);
		expect(delivered.map((item) => record(item).id)).toEqual(['0', '1']);
	});

	it("a batch's id is derived from its items' ids in order, and is the same on a re-run", async () => {
		const input = items(5, (i) => ({ id: `c-${i}` }));
		const [first, second] = await twoRuns(
			{
				signatureScheme: 'goodfit',
				deliveryId: 'expression',
				batching: 'batch',
				batchSize: 2,
			},
			{ items: input, secret: 'gf' },
			'webhook-id',
		);
		const derived = (ids: string[]) =>
			`msg_${createHash('sha256').update(ids.join('\n')).digest('base64url').slice(0, 24)}`;
		expect(first).toEqual([derived(['c-0', 'c-1']), derived(['c-2', 'c-3']), 'c-4']);
		expect(second).toEqual(first);
	});

	it.each([
		['a "."', '"v1." + $json.id', /\("v1\.2"\) has "\." \(U\+002E\) at position 3/],
		['more than 200 characters', '"x".repeat(201)', /is 201 characters long/],
		['nothing', '$json.missing', /is empty/],
		['an object', '{ a: 1 }', /is an object, not text or a number/],
	])(
		'an id with %s is refused before any call, naming the item and the parameter',
		async (_name, expression, message) => {
			const error = await send(
				{
					url: receiver.url,
					signatureScheme: 'none',
					deliveryId: 'expression',
					deliveryIdValue: `={{ $json.id === 2 ? ${expression} : $json.id }}`,
				},
				{ items: items(3) },
			).then(
				() => undefined,
				(thrown: unknown) => thrown as NodeOperationError,
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error?.message).toMatch(/^Item's Delivery ID of item 2 /);
			expect(error?.message).toMatch(message);
			expect(error?.context.itemIndex).toBe(2);
			expect(receiver.calls).toHaveLength(0);
		},
	);

	it('with Continue On Fail, an item without a usable id goes to Failed, not sent', async () => {
		const { delivered, failed } = await send(
			{ url: receiver.url, signatureScheme: 'none', deliveryId: 'expression' },
			{ items: [{ json: { id: 'ok-1' } }, { json: { id: 'bad id' } }], continueOnFail: true },
		);
		expect(delivered.map((item) => record(item).id)).toEqual(['ok-1']);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(record(failed[0])).toMatchObject({
			outcome: expect.stringMatching(/^not sent: Item's Delivery ID of item 1 \("bad id"\)/),
			attempts: [],
		});
		expect(receiver.calls).toHaveLength(1);
	});
});
