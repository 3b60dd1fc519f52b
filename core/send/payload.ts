import type { Failure, Result } from '../result';
import type { SchemeBase, TimestampFormat } from '../schemes/types';

interface BodyShape {
	/** Batches send a JSON array of records; single deliveries send the record itself. */
	readonly batched: boolean;
	/** Batches only: send {"<key>": [records]} instead of the bare array. */
	readonly wrapperKey?: string;
	/** Wrap as {event, timestamp, data}, ConnectGain's envelope. */
	readonly envelope?: { readonly event: string };
}

/** The JSON value of one call: the record(s), wrapped as the shape says. */
export function assembleBody(
	records: readonly unknown[],
	shape: BodyShape,
	createdAt: Date,
): unknown {
	let value: unknown = shape.batched ? records : records[0];
	if (shape.batched && shape.wrapperKey) value = { [shape.wrapperKey]: value };
	if (shape.envelope)
		value = { event: shape.envelope.event, timestamp: createdAt.toISOString(), data: value };
	return value;
}

/**
 * V8's longest string on 64-bit, in UTF-16 code units (String::kMaxLength,
 * 2^29 - 24; Node's buffer.constants.MAX_STRING_LENGTH): no body can be longer.
 */
export const MAX_BODY_LENGTH = 2 ** 29 - 24;

type JsonMeasure = Result<{ readonly length: number }, 'not_json'>;

const notJson = (detail: string): Failure<'not_json'> => ({
	ok: false,
	reason: 'not_json',
	detail,
});

interface MeasureOptions {
	/**
	 * Lengths already measured (a batch reuses its records'): a value found
	 * here is not walked again, unless it has a toJSON, whose output may
	 * depend on the key it stands under.
	 */
	readonly known?: ReadonlyMap<object, number>;
	/** The longest JSON accepted; default MAX_BODY_LENGTH. */
	readonly limit?: number;
}

/**
 * The length of JSON.stringify(value), or why it cannot be written: a BigInt,
 * a cycle, a top-level value with no JSON text (undefined, a function, a
 * symbol), or more text than a string can hold. Walks the value as
 * JSON.stringify does (toJSON, boxed primitives, members left out or written
 * as null) without writing it: checking 100,000 items builds no 100,000
 * strings. A value too deep for the walk, or whose toJSON or getters throw,
 * is measured by JSON.stringify itself, so the answer is always its answer.
 */
export function measureJson(value: unknown, options: MeasureOptions = {}): JsonMeasure {
	const limit = options.limit ?? MAX_BODY_LENGTH;
	let length: number | undefined;
	try {
		length = new JsonWalk(options.known).measure('', value);
	} catch (error) {
		if (error instanceof NotJson) return notJson(error.message);
		try {
			length = JSON.stringify(value)?.length;
		} catch (stringifyError) {
			return notJson((stringifyError as Error).message);
		}
	}
	if (length === undefined) return notJson(`A ${typeof value} is not JSON`);
	if (length > limit) {
		return notJson(
			`its JSON would be ${length} characters long, more than the ${limit} a string can hold`,
		);
	}
	return { ok: true, length };
}

/** A value JSON.stringify would throw on, found by the walk. */
class NotJson extends Error {}

/** A quote, a backslash, a control character, a surrogate (escaped if alone). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** 1e0 to 1e21, each exact: an integer's digits are counted against them. */
const POWERS_OF_TEN = Array.from({ length: 22 }, (_, exponent) => Number(`1e${exponent}`));

class JsonWalk {
	/** The objects on the current path, outermost first (the first `depth`), and the keys into them. */
	private readonly open: object[] = [];
	private readonly path: Array<string | number> = [];
	private depth = 0;

	constructor(private readonly known: ReadonlyMap<object, number> | undefined) {}

	/** Undefined where JSON.stringify writes nothing. */
	measure(key: string | number, value: unknown): number | undefined {
		if (this.known !== undefined && typeof value === 'object' && value !== null) {
			const length = this.known.get(value);
			if (length !== undefined && !hasToJson(value)) return length;
		}
		if (hasToJson(value)) value = value.toJSON(String(key));
		if (typeof value === 'object' && value !== null) value = unboxed(value);
		switch (typeof value) {
			case 'string':
				return quotedLength(value);
			case 'number':
				return numberLength(value);
			case 'boolean':
				return value ? 4 : 5;
			case 'bigint':
				throw new NotJson('Do not know how to serialize a BigInt');
			case 'object':
				return value === null ? 4 : this.container(value);
			default:
				return undefined; // undefined, a function, a symbol
		}
	}

	private container(value: object): number {
		// The path is short: a list is quicker than a set, and allocates nothing.
		for (let level = 0; level < this.depth; level++) {
			if (this.open[level] === value) throw new NotJson(this.describeCycle(level));
		}
		const level = this.depth++;
		this.open[level] = value;
		let length = 2;
		let members = 0;
		if (Array.isArray(value)) {
			for (let index = 0; index < value.length; index++) {
				this.path[level] = index;
				length += this.measure(index, value[index] as unknown) ?? 4; // written as null
				members++;
			}
		} else {
			const record = value as Record<string, unknown>;
			// for…in, not Object.keys: no array per object. Same keys, same order.
			for (const key in record) {
				if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
				this.path[level] = key;
				const member = this.measure(key, record[key]);
				if (member === undefined) continue; // left out
				length += quotedLength(key) + 1 + member;
				members++;
			}
		}
		this.depth = level;
		return length + Math.max(0, members - 1);
	}

	/** The path to the member being walked, and to the object it is. */
	private describeCycle(level: number): string {
		const path = this.path.slice(0, this.depth);
		return `Converting circular structure to JSON: ${pathText(path)} is ${pathText(path.slice(0, level))}, which contains it`;
	}
}

function hasToJson(value: unknown): value is { toJSON: (key: string) => unknown } {
	return (
		((typeof value === 'object' && value !== null) || typeof value === 'bigint') &&
		typeof (value as { toJSON?: unknown }).toJSON === 'function'
	);
}

/** A Number, String, Boolean or BigInt object, unwrapped as JSON.stringify does. */
function unboxed(value: object): unknown {
	if (value instanceof Number) return Number(value);
	if (value instanceof String) return String(value);
	if (value instanceof Boolean || value instanceof BigInt) return value.valueOf();
	return value;
}

function quotedLength(text: string): number {
	let length = text.length + 2;
	if (!NEEDS_ESCAPE.test(text)) return length;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		// \" \\ \b \t \n \f \r take two characters; other controls and lone surrogates \uXXXX.
		if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09) length += 1;
		else if (code === 0x0a || code === 0x0c || code === 0x0d) length += 1;
		else if (code < 0x20) length += 5;
		else if (code >= 0xd800 && code <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
			else length += 5;
		} else if (code >= 0xdc00 && code <= 0xdfff) length += 5;
	}
	return length;
}

function numberLength(value: number): number {
	if (!Number.isFinite(value)) return 4; // null
	const magnitude = Math.abs(value);
	if (!Number.isInteger(value) || magnitude >= 1e21) return String(value).length;
	let digits = 1;
	while (digits < 21 && magnitude >= POWERS_OF_TEN[digits]) digits++;
	return value < 0 ? digits + 1 : digits;
}

/** `$.items[3].name`, for a message. */
function pathText(path: ReadonlyArray<string | number>): string {
	return '$' + path.map(pathStep).join('');
}

function pathStep(key: string | number): string {
	if (typeof key === 'number') return `[${key}]`;
	return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export type BodyWriter = (attemptTime: Date) => string;

/**
 * Writes each attempt's body when the attempt is prepared, so the text an
 * attempt signs is the text it sends, and a node sending many batches holds
 * only the bodies in flight. A scheme whose timestamp lives in the body
 * (Linear's webhookTimestamp, ConnectGain's envelope timestamp) gets each
 * attempt's own time there. A body too long for a string (a batch can be,
 * each record not) is refused here, before any call; `options.known` holds
 * the records' measured lengths.
 */
export function bodyWriter(
	value: unknown,
	scheme: SchemeBase | undefined,
	options: MeasureOptions = {},
): Result<{ readonly write: BodyWriter }, 'unwritable_body'> {
	const written = (write: BodyWriter, problem: string | undefined) =>
		problem
			? { ok: false as const, reason: 'unwritable_body' as const, detail: problem }
			: { ok: true as const, write };
	const source = scheme?.timestamp;
	if (source?.in !== 'body') {
		return written(() => JSON.stringify(value), describeBodyProblem(value, options));
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		const detail = `${scheme?.name} carries its timestamp in a "${source.field}" field of a JSON object body; this body is ${Array.isArray(value) ? 'an array' : 'not an object'}. Turn on the event envelope or a batch wrapper key.`;
		return written(() => '', detail);
	}
	const stamped = (attemptTime: Date) => ({
		...value,
		[source.field]: bodyTimestamp(attemptTime, source.format),
	});
	return written(
		(attemptTime) => JSON.stringify(stamped(attemptTime)),
		describeBodyProblem(stamped(new Date()), options),
	);
}

function describeBodyProblem(value: unknown, options: MeasureOptions): string | undefined {
	const measured = measureJson(value, options);
	return measured.ok
		? undefined
		: `The body of this call cannot be written: ${measured.detail}; send fewer records per call (Batch Size)`;
}

function bodyTimestamp(at: Date, format: TimestampFormat): string | number {
	if (format === 'iso8601') return at.toISOString();
	return format === 'unix-ms' ? at.getTime() : Math.floor(at.getTime() / 1000);
}
