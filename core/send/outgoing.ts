/**
 * The headers of an outgoing call. Every name set here is either on the
 * request or refused with an error: none may vanish on the way, because a
 * signature header that vanishes is an unsigned call reported as delivered.
 */

/**
 * Names n8n's HTTP client, axios, takes for its own: it keeps per-method
 * default headers under `get`, `post`, … and `common`, merges a request's
 * headers into them in any case and deletes them, and skips `__proto__`,
 * `constructor` and `prototype`. A header so named is dropped silently, or
 * (the request's own method, or `common`) sent as `0`;
 * test/nodes/harness.test.ts shows it against a real server.
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

/** Why a header name, though a valid HTTP token, would not reach the receiver, or undefined. */
export function describeUnsendableHeaderName(name: string): string | undefined {
	if (AXIOS_OWN_NAMES.has(name.toLowerCase())) {
		return `A header cannot be named "${name}": n8n's HTTP client (axios) uses that name for itself and would drop the header without a word`;
	}
	return undefined;
}

/** A defect, or a setting that slipped through validation. */
class OutgoingHeaderError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OutgoingHeaderError';
	}
}

/**
 * The headers of one call from layers applied in order: a later layer's
 * header replaces an earlier one of the same name in any case (a user's
 * Content-Type replaces ours instead of going out twice). Names are copied
 * one by one, never with Object.assign or a spread (which lose `__proto__`),
 * and an unsendable name throws: every name given is on the result, or
 * nothing is returned.
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
