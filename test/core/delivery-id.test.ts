import { createHash } from 'node:crypto';

import {
	batchDeliveryId,
	contentDeliveryId,
	describeDeliveryIdProblem,
	newDeliveryId,
	type CallContent,
} from '../../core';

const call: CallContent = {
	method: 'POST',
	url: 'https://example.com/hooks',
	event: 'contact.created',
	batched: true,
	wrapperKey: 'records',
	envelope: false,
	records: [{ id: 1 }, { id: 2 }],
};

describe('contentDeliveryId', () => {
	it('is the same for the same call, whenever it is made', () => {
		const id = contentDeliveryId(call);
		expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
		expect(contentDeliveryId(structuredClone(call))).toBe(id);
		expect(describeDeliveryIdProblem(id)).toBeUndefined();
	});

	it('changes with everything the call sends', () => {
		const id = contentDeliveryId(call);
		const variants: Partial<CallContent>[] = [
			{ method: 'PUT' },
			{ url: 'https://example.com/hooks/other' },
			{ event: 'contact.updated' },
			{ batched: false },
			{ wrapperKey: undefined },
			{ wrapperKey: 'items' },
			{ envelope: true },
			{ records: [{ id: 2 }, { id: 1 }] },
			{ records: [{ id: 1 }] },
			{ records: [{ id: 1, note: 'x' }, { id: 2 }] },
		];
		const ids = variants.map((change) => contentDeliveryId({ ...call, ...change }));
		expect(new Set([id, ...ids]).size).toBe(variants.length + 1);
	});
});

describe('batchDeliveryId', () => {
	it("a call of one item carries the item's id unchanged", () => {
		expect(batchDeliveryId(['order-17'])).toBe('order-17');
	});

	it("a batch's id is msg_ and 24 base64url characters of the SHA-256 of the ids joined by line feeds", () => {
		const expected = `msg_${createHash('sha256').update('a\nb\nc').digest('base64url').slice(0, 24)}`;
		expect(batchDeliveryId(['a', 'b', 'c'])).toBe(expected);
		expect(batchDeliveryId(['a', 'b', 'c'])).toBe(batchDeliveryId(['a', 'b', 'c']));
		// Order matters: another order is another batch.
		expect(batchDeliveryId(['b', 'a', 'c'])).not.toBe(expected);
		expect(describeDeliveryIdProblem(expected)).toBeUndefined();
	});
});

describe('describeDeliveryIdProblem', () => {
	it('accepts 1 to 200 letters, digits, _, : and -', () => {
		for (const id of ['1', 'order_17', 'evt:2024-01-01:42', 'a'.repeat(200), newDeliveryId()])
			expect(describeDeliveryIdProblem(id)).toBeUndefined();
	});

	it.each([
		['', /^is empty$/],
		['a'.repeat(201), /^is 201 characters long; at most 200 are allowed$/],
		['v1.2', /^has "\." \(U\+002E\) at position 3;.*\{id\}\.\{timestamp\}\.\{body\}/],
		[
			'a b',
			/^has " " \(U\+0020\) at position 2; only letters, digits, "_", ":" and "-" are allowed$/,
		],
		['naïve', /^has "ï" \(U\+00EF\) at position 3/],
		['x\ny', /^has U\+000A at position 2/],
		['a/b', /"\/" \(U\+002F\)/],
	])('refuses %j', (id, message) => {
		expect(describeDeliveryIdProblem(id)).toMatch(message);
	});

	it('why no ".": with one, two different calls would sign the same text under Standard Webhooks', () => {
		// id "a.1" at timestamp 2 and id "a" at timestamp "1.2" sign one string.
		const signed = (id: string, timestamp: string) => `${id}.${timestamp}.{"x":1}`;
		expect(signed('a.1', '2')).toBe(signed('a', '1.2'));
		expect(describeDeliveryIdProblem('a.1')).toBeDefined();
	});
});
