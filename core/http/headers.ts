/**
 * Header handling shared by sign and verify. HTTP header names are
 * case-insensitive, and Node lowercases them, so no lookup here ever depends
 * on the case a provider documents.
 */

/** Node's IncomingHttpHeaders / headersDistinct shape, or any plain record. */
export type HeaderValue = string | readonly string[] | undefined;
export type HeaderBag = Readonly<Record<string, HeaderValue>>;

type HeaderLookup =
	| { readonly found: 'none' }
	| { readonly found: 'one'; readonly value: string }
	| { readonly found: 'many' };

const NONE: HeaderLookup = { found: 'none' };
const MANY: HeaderLookup = { found: 'many' };

/**
 * A header by name, in any case. One sent twice (two keys differing in case,
 * or several values as in `req.headersDistinct`) is `many`: an attacker could
 * otherwise add a second signature header and hope one parser picks theirs.
 */
export function readHeader(headers: HeaderBag, name: string): HeaderLookup {
	const wanted = name.toLowerCase();
	let value: string | undefined;
	let count = 0;
	for (const key of Object.keys(headers)) {
		if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
		const raw = headers[key];
		if (raw === undefined) continue;
		if (typeof raw === 'string') {
			count += 1;
			value = raw;
		} else if (raw.length > 0) {
			// An empty array is no value: it must not erase one found under another key.
			count += raw.length;
			value = raw[0];
		}
	}
	if (count === 0 || value === undefined) return NONE;
	return count === 1 ? { found: 'one', value } : MANY;
}

// RFC 9110 token characters.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space and horizontal tab. RFC 9110 §5.5: a new field's value
// SHOULD be US-ASCII. Bytes above 0x7E are read as Latin-1 by some receivers
// and as UTF-8 by others, and n8n's HTTP client cannot send characters above
// 0xFF at all (it mangles them), so neither travels intact.
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/** The first character of a header value that cannot be sent as it is. */
export interface HeaderValueFault {
	/** `control`: CR, LF, NUL, DEL or another control character; `non-ascii`: above 0x7E. */
	readonly kind: 'control' | 'non-ascii';
	readonly character: string;
	/** Its position, counted in characters (code points) from 0. */
	readonly index: number;
}

/** Why a header value cannot be sent as it is, or undefined if it can. */
export function findHeaderValueFault(value: string): HeaderValueFault | undefined {
	if (FIELD_VALUE.test(value)) return undefined;
	let index = 0;
	for (const character of value) {
		if (!FIELD_VALUE.test(character)) {
			const code = character.codePointAt(0) ?? 0;
			return { kind: code < 0x80 ? 'control' : 'non-ascii', character, index };
		}
		index++;
	}
	return undefined;
}

/** A character as a message shows it: `"к" (U+043A)`, or only the code point for a control character. */
export function describeCharacter(character: string): string {
	const code = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
	// eslint-disable-next-line no-control-regex
	return /^[\x00-\x1f\x7f-\x9f]$/.test(character) ? `U+${code}` : `"${character}" (U+${code})`;
}

/**
 * What is wrong with a header value, naming the character and where it is
 * (never the value). Not for a secret's value: its character would show.
 */
export function describeHeaderValueFault(fault: HeaderValueFault): string {
	const where = `at position ${fault.index + 1}`;
	return fault.kind === 'control'
		? `it has a line break or control character (${describeCharacter(fault.character)}) ${where}, which HTTP does not allow`
		: `it has ${describeCharacter(fault.character)} ${where}, a character outside visible ASCII`;
}

/**
 * Why a header cannot be sent as given, or undefined if it can. Never quotes
 * the value: it may be a secret (a Header Auth credential's).
 */
export function describeHeaderProblem(name: string, value: string): string | undefined {
	if (!TOKEN.test(name)) {
		return `Header name "${printable(name)}" is not a valid HTTP header name (letters, digits and - only; no spaces, colons or line breaks)`;
	}
	const fault = findHeaderValueFault(value);
	if (fault?.kind === 'control') {
		return `Header "${name}" has a value with a line break or control character, which HTTP does not allow`;
	}
	if (fault) {
		return `Header "${name}" has a value with a character outside visible ASCII, which does not travel intact in a header (only visible ASCII, space and tab do)`;
	}
	return undefined;
}

function printable(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 80);
}
