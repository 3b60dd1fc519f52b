/**
 * Reading a body nothing has vouched for yet: as strict UTF-8, as JSON, and
 * as an object whose own members only are read.
 */

/** Refuses bytes that are not UTF-8, where the default decoder would put U+FFFD in. */
export const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether the bytes are valid UTF-8 holding one JSON value. JSON text can
 * hold no raw NUL or other control byte outside whitespace, so zero bytes
 * appended to a body, or a digest's raw bytes, never pass. A parse: for a
 * body whose signature held (see mayBeJsonText for one that has not).
 */
export function isJsonText(body: Uint8Array): boolean {
	try {
		JSON.parse(STRICT_UTF8.decode(body));
		return true;
	} catch {
		return false;
	}
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_OUTSIDE_JSON_WHITESPACE = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Whether the bytes could be JSON text, in two native passes rather than a
 * parse (a hostile body costs JSON.parse seconds): valid UTF-8 with no control
 * character outside JSON's whitespace. That is what refuses the bodies derived
 * from a captured Vinsight call (zero bytes appended, a digest's raw bytes)
 * before any signature is computed; isJsonText checks the rest once it holds.
 */
export function mayBeJsonText(body: Uint8Array): boolean {
	let text: string;
	try {
		text = STRICT_UTF8.decode(body);
	} catch {
		return false;
	}
	return !CONTROL_OUTSIDE_JSON_WHITESPACE.test(text);
}

/**
 * The body as a JSON object, or undefined for anything else (a form, an
 * array, not JSON). Only a field is read from it: the signature covers the
 * raw bytes, so bytes that are not UTF-8 are decoded leniently, as U+FFFD.
 */
export function parseJsonObject(body: Uint8Array): Record<string, unknown> | undefined {
	const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	// A form post (Slack's slash commands) is not parsed at all.
	if (!text.trimStart().startsWith('{')) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return isRecord(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own member only: `__proto__` or `constructor` must never be read from the prototype. */
export function ownValue(record: Record<string, unknown>, name: string): unknown {
	return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}
