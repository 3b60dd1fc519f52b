/**
 * The headers of an outgoing call. Every name set here is either on the
 * request or refused with an error: none may vanish on the way, because a
 * signature header that vanishes is an unsigned call reported as delivered.
 */

/**
 * Names n8n's HTTP client, axios, takes for its own. It keeps per-method
 * default headers under `get`, `post`, … and `common`, merges a request's
 * headers into them without regard to case, then deletes them; and it skips
 * `__proto__`, `constructor` and `prototype` when it merges. A header so
 * named is dropped without an error, or (named after the request's own
 * method, or `common`) sent under the name `0`. test/nodes/harness.test.ts
 * shows it against a real server. Refused in any case, as axios merges them.
 */
const AXIOS_OWN_NAMES: ReadonlySet<string> = new Set([
	'__proto__',
	'constructor',
	'prototype',
	'common',
	'delete',
	'get',
	'head',
	'patch',
	'post',
	'put',
	'query',
]);

/**
 * Why a header name cannot be sent at all, whatever its value, or undefined
 * if it can. Each of these is a valid HTTP token that would not reach the
 * receiver as named: a signature header so named would leave the call unsigned.
 */
export function describeUnsendableHeaderName(name: string): string | undefined {
	if (AXIOS_OWN_NAMES.has(name.toLowerCase())) {
		return `A header cannot be named "${name}": n8n's HTTP client (axios) uses that name for itself and would drop the header without a word`;
	}
	return undefined;
}

/** A header that could not be set on an outgoing call: a defect or a setting that slipped through. */
export class OutgoingHeaderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OutgoingHeaderError';
	}
}

/**
 * The headers of one call, from layers applied in order: a later layer's
 * header replaces an earlier one of the same name in any case (a user's
 * Content-Type replaces ours instead of going out twice). Names are copied
 * one by one as own properties, never with Object.assign or a spread (which
 * lose `__proto__`), and a name that cannot be sent throws: every name given
 * is on the result, or nothing is returned.
 */
export function outgoingHeaders(
	...layers: ReadonlyArray<Readonly<Record<string, string>>>
): Record<string, string> {
	const byLowerName = new Map<string, { name: string; value: string }>();
	for (const layer of layers) {
		for (const name of Object.keys(layer)) {
			const problem = describeUnsendableHeaderName(name);
			if (problem) throw new OutgoingHeaderError(problem);
			const lower = name.toLowerCase();
			// Deleted first, so the replacing spelling takes the place of the last one set.
			byLowerName.delete(lower);
			byLowerName.set(lower, { name, value: layer[name] });
		}
	}
	const headers: Record<string, string> = {};
	for (const { name, value } of byLowerName.values()) headers[name] = value;
	// The promise above, checked: every header set is an own, enumerable name.
	if (Object.keys(headers).length !== byLowerName.size) {
		throw new OutgoingHeaderError('A header was lost while the request was built');
	}
	return headers;
}
