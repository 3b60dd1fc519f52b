/**
 * Members of a JSON object body, read before its signature is checked
 * without parsing the body: one pass over the bytes finds where each
 * top-level member's value starts and ends, skipping nested values by
 * counting brackets, and hands back only the values asked for, still as
 * bytes. JSON.parse of a hostile 16 MiB body (deep nesting, millions of small
 * values) takes seconds (BENCHMARKS.md, "Forged calls"); this pass is
 * linear, never recurses and keeps nothing of what it skips.
 *
 * It locates, it does not validate: a body it reads may still not be JSON.
 * What it finds is only trusted once the signature over the raw bytes holds.
 */

import type { Failure, Result } from '../result';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export type TopLevelMembers =
	| Result<{ readonly values: ReadonlyMap<string, Uint8Array> }, 'not_an_object' | 'malformed'>
	/** A member asked for appears twice: JSON.parse would keep the last, another reader the first. */
	| (Failure<'duplicate'> & { readonly name: string });

const MALFORMED: TopLevelMembers = {
	ok: false,
	reason: 'malformed',
	detail: 'The body is not a JSON object',
};

/** The raw values of the top-level members named, of a body that is a JSON object. */
export function findTopLevelMembers(body: Uint8Array, names: readonly string[]): TopLevelMembers {
	const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	const values = new Map<string, Uint8Array>();
	// An escape spells one character in at most six bytes (\uXXXX): no longer key can be wanted.
	const longestKey = 6 * Math.max(0, ...names.map((name) => name.length)) + 2;
	let at = skipWhitespace(bytes, 0);
	if (bytes[at] !== OPEN_BRACE) {
		return { ok: false, reason: 'not_an_object', detail: 'The body is not a JSON object' };
	}
	at = skipWhitespace(bytes, at + 1);
	let more = bytes[at] !== CLOSE_BRACE;
	while (more) {
		if (bytes[at] !== QUOTE) return MALFORMED;
		const keyEnd = stringEnd(bytes, at);
		if (keyEnd < 0) return MALFORMED;
		const name = keyEnd - at > longestKey ? undefined : wantedName(bytes, at, keyEnd, names);
		if (name === null) return MALFORMED;
		at = skipWhitespace(bytes, keyEnd);
		if (bytes[at] !== COLON) return MALFORMED;
		const start = skipWhitespace(bytes, at + 1);
		const end = valueEnd(bytes, start);
		if (end < 0) return MALFORMED;
		if (name !== undefined) {
			if (values.has(name)) {
				const detail = `The member "${name}" appears more than once`;
				return { ok: false, reason: 'duplicate', detail, name };
			}
			values.set(name, bytes.subarray(start, end));
		}
		at = skipWhitespace(bytes, end);
		more = bytes[at] === COMMA;
		if (more) at = skipWhitespace(bytes, at + 1);
		else if (bytes[at] !== CLOSE_BRACE) return MALFORMED;
	}
	return skipWhitespace(bytes, at + 1) === bytes.length ? { ok: true, values } : MALFORMED;
}

/** JSON's four whitespace bytes: space, tab, line feed, carriage return. */
function skipWhitespace(bytes: Buffer, at: number): number {
	while (at < bytes.length) {
		const byte = bytes[at];
		if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
		at++;
	}
	return at;
}

/**
 * The index after the string opening at `open`, or -1 if it never closes.
 * The closing quote is found natively; a quote is escaped when an odd number
 * of backslashes precede it, and each run of backslashes is counted once.
 */
function stringEnd(bytes: Buffer, open: number): number {
	let from = open + 1;
	for (;;) {
		const quote = bytes.indexOf(QUOTE, from);
		if (quote < 0) return -1;
		let backslashes = 0;
		while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
		if (backslashes % 2 === 0) return quote + 1;
		from = quote + 1;
	}
}

/** The index after the value starting at `start`, or -1 where it is cut off or empty. */
function valueEnd(bytes: Buffer, start: number): number {
	const first = bytes[start];
	if (first === QUOTE) return stringEnd(bytes, start);
	if (first === OPEN_BRACE || first === OPEN_BRACKET) return nestedEnd(bytes, start);
	let at = start;
	while (at < bytes.length) {
		const byte = bytes[at];
		if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte <= 0x20) break;
		at++;
	}
	return at > start ? at : -1;
}

/** The index after the object or array opening at `open`: brackets counted, strings skipped. */
function nestedEnd(bytes: Buffer, open: number): number {
	let depth = 0;
	for (let at = open; at < bytes.length; at++) {
		const byte = bytes[at];
		if (byte === QUOTE) {
			const after = stringEnd(bytes, at);
			if (after < 0) return -1;
			at = after - 1;
		} else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
			depth++;
		} else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) {
			return at + 1;
		}
	}
	return -1;
}

/**
 * Which of `names` the key between `open` and `end` is (quotes included);
 * undefined for none, null for a key whose escapes are not JSON.
 */
function wantedName(
	bytes: Buffer,
	open: number,
	end: number,
	names: readonly string[],
): string | undefined | null {
	const raw = bytes.toString('utf8', open, end);
	let key: string;
	try {
		key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
	} catch {
		return null;
	}
	return names.find((name) => name === key);
}

/** A member's value found above, parsed where it is at most `maxBytes` long. */
export function parseMemberValue(
	raw: Uint8Array,
	maxBytes: number,
): Result<{ value: unknown }, 'too_long' | 'invalid'> {
	if (raw.length > maxBytes) {
		return { ok: false, reason: 'too_long', detail: `The value is longer than ${maxBytes} bytes` };
	}
	try {
		return { ok: true, value: JSON.parse(Buffer.from(raw).toString('utf8')) as unknown };
	} catch {
		return { ok: false, reason: 'invalid', detail: 'The value is not JSON' };
	}
}
