/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it runs in Node, never inside n8n */
/**
 * measureJson(): the length of JSON.stringify(value), or why there is none,
 * found by walking the value instead of writing it. Every case is checked
 * against JSON.stringify itself: the walk must say what serialising said.
 */
import { constants } from 'node:buffer';

import fc from 'fast-check';

import { makeRecord } from '../../bench/workload';
import { bodyWriter, measureJson, MAX_BODY_LENGTH, STANDARD_WEBHOOKS, LINEAR } from '../../core';

/** measureJson's refusal of a value, with its reason. */
const notJson = (detail: unknown) => ({ ok: false, reason: 'not_json', detail });

/** What JSON.stringify says of a value: its length, or its error, or that it writes nothing. */
function stringified(
	value: unknown,
): { ok: true; length: number } | ReturnType<typeof notJson> | 'nothing' {
	try {
		const text = JSON.stringify(value);
		return text === undefined ? 'nothing' : { ok: true, length: text.length };
	} catch (error) {
		return notJson((error as Error).message);
	}
}

/** The walk agrees with JSON.stringify: same length, or both refuse. */
function expectSameAsStringify(value: unknown): void {
	const expected = stringified(value);
	const measured = measureJson(value);
	if (expected === 'nothing') expect(measured).toEqual(notJson(`A ${typeof value} is not JSON`));
	else if (expected.ok) expect(measured).toEqual(expected);
	else expect(measured).toMatchObject({ ok: false, reason: 'not_json' });
}

describe('measureJson: the length JSON.stringify would write', () => {
	class Point {
		constructor(
			readonly x: number,
			readonly y: number,
		) {}
	}
	const shared = { reused: true };
	const cases: Array<[string, unknown]> = [
		['the benchmark record', makeRecord(12345)],
		['an empty object and array', { a: {}, b: [] }],
		['null, booleans', [null, true, false]],
		['escapes: quote, backslash, \\b \\f \\n \\r \\t', { 'k"\\': 'a"b\\c\b\f\n\r\t' }],
		['other control characters as \\u00XX', '\u0000\u0001\u001f\u007f'],
		['non-ASCII and emoji, written as they are', { name: 'Zoë 東京 🚀' }],
		['lone surrogates, written as \\uXXXX', ['\ud800', 'a\udc00b', '\udbff\udfff', '\udfff\ud800']],
		[
			'integers',
			[0, -0, 7, -7, 9, 10, 99, 100, 123456789, 2 ** 31, -(2 ** 53), 2 ** 53 + 2, 1e20, 999e18],
		],
		['big and small numbers', [1e21, -1e21, 1.5e300, 1e-7, 0.000001, 5e-324, Number.MAX_VALUE]],
		['fractions', [0.1, -2.5, 1 / 3, 123.456, 1e20 + 0.5]],
		['non-finite numbers: null', [NaN, Infinity, -Infinity]],
		[
			'members JSON leaves out of objects',
			{ a: undefined, b: () => 1, c: Symbol('s'), d: 1, [Symbol('k')]: 2 },
		],
		['members JSON writes as null in arrays', [undefined, () => 1, Symbol('s'), 1]],
		['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
		['a Date (toJSON)', { at: new Date('2026-11-26T10:00:00.000Z') }],
		['an invalid Date (toJSON gives null)', { at: new Date(NaN) }],
		['a Buffer (toJSON)', { data: Buffer.from('hello') }],
		['boxed primitives', [Object(1.5), Object('text'), Object(false)]],
		['a class instance', new Point(1, 2)],
		['Map and Set: empty objects', { map: new Map([[1, 2]]), set: new Set([1]) }],
		['a typed array: its indexes', new Uint8Array([1, 2, 300])],
		['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
		[
			'the same object twice is no cycle',
			{ first: shared, second: shared, list: [shared, shared] },
		],
		[
			'toJSON given its key',
			{
				outer: { toJSON: (key: string) => `key:${key}` },
				list: [{ toJSON: (key: string) => key }],
			},
		],
		['toJSON giving undefined: left out', { gone: { toJSON: () => undefined }, kept: 1 }],
		[
			'a non-enumerable member is left out',
			Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
		],
		[
			'a getter is read',
			Object.defineProperty({}, 'got', { get: () => 'value', enumerable: true }),
		],
		['a string top level', 'just text'],
		['a number top level', 42],
	];

	it.each(cases)('%s', (_name, value) => {
		expectSameAsStringify(value);
	});

	it('agrees with JSON.stringify on arbitrary values', () => {
		fc.assert(
			fc.property(
				fc.anything({
					withBigInt: true,
					withBoxedValues: true,
					withDate: true,
					withMap: true,
					withSet: true,
					withObjectString: true,
					withNullPrototype: true,
					withSparseArray: true,
					withTypedArray: true,
					withUnicodeString: true,
				}),
				(value) => expectSameAsStringify(value),
			),
			{ numRuns: 2000 },
		);
	});

	it('agrees on any string, escapes and surrogates included', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
				expectSameAsStringify({ [a]: b, [b]: [a] });
			}),
			{ numRuns: 2000 },
		);
	});

	it('agrees on any number', () => {
		fc.assert(
			fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
				expectSameAsStringify([n, -n, n * 1e10]);
			}),
			{ numRuns: 5000 },
		);
	});
});

describe('measureJson: what JSON.stringify refuses, refused with a reason', () => {
	it('a BigInt, anywhere, with the message JSON.stringify gives', () => {
		for (const value of [10n, { id: 10n }, [1, [2, { deep: 3n }]], Object(5n)]) {
			const { detail: problem } = stringified(value) as { detail: string };
			expect(problem).toBe('Do not know how to serialize a BigInt');
			expect(measureJson(value)).toEqual(notJson(problem));
		}
	});

	it('a BigInt with a toJSON (as some code adds to BigInt.prototype) is written', () => {
		const prototype = BigInt.prototype as unknown as { toJSON?: () => string };
		prototype.toJSON = function (this: bigint) {
			return this.toString();
		};
		try {
			expectSameAsStringify({ id: 12345678901234567890n });
			expect(measureJson({ id: 12345678901234567890n })).toEqual({
				ok: true,
				length: JSON.stringify({ id: 12345678901234567890n }).length,
			});
		} finally {
			delete prototype.toJSON;
		}
	});

	it('a circular structure, naming where the circle closes', () => {
		const self: Record<string, unknown> = { name: 'loop' };
		self.self = self;
		expect(stringified(self)).toHaveProperty('detail', expect.stringMatching(/circular/));
		expect(measureJson(self)).toEqual(
			notJson('Converting circular structure to JSON: $.self is $, which contains it'),
		);

		const order = { lines: [{ sku: 'a' }, { sku: 'b', order: {} as unknown }] };
		order.lines[1].order = order;
		expect(measureJson({ data: order })).toEqual(
			notJson(
				'Converting circular structure to JSON: $.data.lines[1].order is $.data, which contains it',
			),
		);

		const list: unknown[] = [];
		list.push({ 'odd key': list });
		expect(measureJson(list)).toEqual(
			notJson('Converting circular structure to JSON: $[0]["odd key"] is $, which contains it'),
		);
	});

	it('a circle made by toJSON is found too', () => {
		const inner: Record<string, unknown> = {};
		const outer = { inner: { toJSON: () => inner } };
		inner.back = outer;
		expect(stringified(outer)).toHaveProperty('detail');
		expect(measureJson(outer)).toHaveProperty('detail', expect.stringMatching(/circular/));
	});

	it('a top level JSON has no text for', () => {
		expect(measureJson(undefined)).toEqual(notJson('A undefined is not JSON'));
		expect(measureJson(() => 1)).toEqual(notJson('A function is not JSON'));
		expect(measureJson(Symbol('s'))).toEqual(notJson('A symbol is not JSON'));
		expect(measureJson({ toJSON: () => undefined })).toEqual(notJson('A object is not JSON'));
	});

	it('a getter or toJSON that throws: the error JSON.stringify would give', () => {
		const value = {
			ok: 1,
			get broken(): never {
				throw new Error('getter failed');
			},
		};
		expect(measureJson(value)).toEqual(notJson('getter failed'));
		expect(measureJson([{ toJSON: () => JSON.parse('{') as unknown }])).toEqual(
			stringified([{ toJSON: () => JSON.parse('{') as unknown }]),
		);
	});

	it('nesting too deep for a walk is left to JSON.stringify, whose answer is kept', () => {
		const deep = (levels: number) => {
			let value: unknown = 'leaf';
			for (let level = 0; level < levels; level++) value = { next: value };
			return value;
		};
		expectSameAsStringify(deep(2000));
		// Deeper than either can go: both give up, with JSON.stringify's message.
		const tooDeep = deep(1_000_000);
		expect(measureJson(tooDeep)).toEqual(stringified(tooDeep));
		expect(measureJson(tooDeep)).toEqual(notJson('Maximum call stack size exceeded'));
	});
});

describe('measureJson: the size a string can hold', () => {
	it('the limit is this runtime’s: one character more cannot be made', () => {
		expect(MAX_BODY_LENGTH).toBe(constants.MAX_STRING_LENGTH);
		expect(() => 'x'.repeat(MAX_BODY_LENGTH + 1)).toThrow(RangeError);
	});

	it('refuses JSON longer than the limit, exactly at it', () => {
		const value = { text: 'x'.repeat(100) };
		const length = JSON.stringify(value).length;
		expect(measureJson(value, { limit: length })).toEqual({ ok: true, length });
		expect(measureJson(value, { limit: length - 1 })).toEqual(
			notJson(
				`its JSON would be ${length} characters long, more than the ${length - 1} a string can hold`,
			),
		);
	});

	it('a batch too long to write, though each record is not, is found without writing it', () => {
		// 200 records of 3 MB: 600 million characters, more than any string holds.
		const blob = 'x'.repeat(3_000_000);
		const records = Array.from({ length: 200 }, (_, id) => ({ id, blob }));
		for (const record of records.slice(0, 3)) expect(measureJson(record)).toHaveProperty('length');
		const measured = measureJson(records);
		expect(measured).toHaveProperty(
			'detail',
			expect.stringMatching(/^its JSON would be 600\d{6} characters long, more than the \d+/),
		);
		const writer = bodyWriter(records, STANDARD_WEBHOOKS);
		expect(writer).toEqual({
			ok: false,
			reason: 'unwritable_body',
			detail: expect.stringMatching(
				/^The body of this call cannot be written: its JSON would be 600\d{6} characters long.*send fewer records per call \(Batch Size\)$/,
			) as unknown,
		});
		// 100 of them fit: 300 million characters.
		const fitting = records.slice(0, 100);
		const expected =
			fitting.reduce(
				(sum, record) => sum + JSON.stringify({ ...record, blob: '' }).length + blob.length,
				0,
			) +
			(fitting.length - 1) +
			2;
		expect(measureJson(fitting)).toEqual({ ok: true, length: expected });
	});
});

describe('measureJson: lengths measured already', () => {
	const records = Array.from({ length: 5 }, (_, i) => makeRecord(i));
	const known = new Map<object, number>(
		records.map((record) => [record, JSON.stringify(record).length]),
	);

	it('a batch measured from its records’ lengths is the length of its JSON', () => {
		const body = { event: 'contact.updated', data: records };
		expect(measureJson(body, { known })).toEqual({ ok: true, length: JSON.stringify(body).length });
	});

	it('a known length is what it says: the walk does not look inside again', () => {
		const wrong = new Map<object, number>([[records[0], 7]]);
		expect(measureJson([records[0]], { known: wrong })).toEqual({ ok: true, length: 9 });
	});

	it('a value with a toJSON is measured where it stands, not taken from the known lengths', () => {
		const keyed = { toJSON: (key: string) => `at ${key}` };
		const lengths = new Map<object, number>([[keyed, 999]]);
		expect(measureJson([keyed, keyed], { known: lengths })).toEqual({
			ok: true,
			length: JSON.stringify([keyed, keyed]).length,
		});
	});
});

describe('bodyWriter: the body measured before any call', () => {
	it('a body that fits writes as JSON.stringify does', () => {
		const writer = bodyWriter([makeRecord(1)], STANDARD_WEBHOOKS);
		if (!writer.ok) throw new Error(writer.detail);
		expect(writer.write(new Date())).toBe(JSON.stringify([makeRecord(1)]));
	});

	it('a body that carries its timestamp is measured with it', () => {
		const record = { action: 'create', blob: 'y'.repeat(64) };
		const stamped = JSON.stringify({ ...record, webhookTimestamp: Date.now() }).length;
		expect(bodyWriter(record, LINEAR, { limit: stamped })).toMatchObject({ ok: true });
		expect(bodyWriter(record, LINEAR, { limit: stamped - 1 })).toMatchObject({ ok: false });
	});
});
