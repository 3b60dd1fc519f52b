/**
 * Header handling shared by sign and verify. HTTP header names are
 * case-insensitive, and Node lowercases them, so no lookup here ever depends
 * on the case a provider documents.
 */

/** Node's IncomingHttpHeaders / headersDistinct shape, or any plain record. */
export type HeaderValue = string | readonly string[] | undefined;
export type HeaderBag = Readonly<Record<string, HeaderValue>>;

export type HeaderLookup =
	| { readonly found: 'none' }
	| { readonly found: 'one'; readonly value: string }
	| { readonly found: 'many' };

const NONE: HeaderLookup = { found: 'none' };
const MANY: HeaderLookup = { found: 'many' };

/**
 * Finds a header by name in any case. A header sent twice (two keys differing
 * in case, or an array of several values as in `req.headersDistinct`) is
 * reported as `many`: an attacker could otherwise add a second signature
 * header and hope one of two parsers picks theirs.
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
// Visible ASCII, obs-text and horizontal whitespace; no CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Why a header cannot be sent as given, or undefined if it can. */
export function describeHeaderProblem(name: string, value: string): string | undefined {
	if (!TOKEN.test(name)) {
		return `Header name "${printable(name)}" is not a valid HTTP header name (letters, digits and - only; no spaces, colons or line breaks)`;
	}
	if (!FIELD_VALUE.test(value)) {
		return `Header "${name}" has a value with a line break or control character, which HTTP does not allow`;
	}
	return undefined;
}

function printable(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 80);
}
