/**
 * What Twilio signs besides the URL: the POST form parameters, or, for a
 * body that is not a form, the body's digest carried in the URL's query
 * (bodySHA256). Written to match twilio-node 6.x's webhooks.js
 * (getExpectedTwilioSignature, validateRequest, validateRequestWithBody).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import { STRICT_UTF8 } from './bodyText';
import type { RejectionReason } from './reasons';
import type { BodyHashInUrl, SchemeBase } from './schemes/types';

type RequestParts =
	| { ok: true; urls: (string | undefined)[]; form?: string }
	| { ok: false; reason: RejectionReason; detail: string };

/**
 * The URL forms and the form text a scheme's signature may cover (Twilio):
 * where the URL carries the body's digest, the body is checked against it
 * here, before any secret is used, as twilio-node's validateBody does.
 */
export function readRequestParts(
	scheme: SchemeBase,
	body: Uint8Array,
	url: string | undefined,
): RequestParts {
	const urlPart = scheme.signedContent.find((part) => part.kind === 'url');
	const urls =
		url !== undefined && urlPart?.kind === 'url' && urlPart.defaultPort === 'either'
			? defaultPortVariants(url)
			: [url];
	// Without the URL nothing can be decided: signedContent reports it missing.
	if (url === undefined || !scheme.signedContent.some((part) => part.kind === 'form')) {
		return { ok: true, urls };
	}
	const rule = scheme.bodyHash;
	const claimed = rule ? queryValues(url, rule.parameter) : [];
	if (rule && claimed.length > 0) {
		const problem = bodyHashProblem(rule, body, claimed);
		if (problem) {
			return { ok: false, reason: 'body_hash_mismatch', detail: `${rule.parameter} ${problem}` };
		}
		return { ok: true, urls, form: '' };
	}
	const form = formSignedText(body);
	if (!form.ok && form.problem === 'too_many_parameters') {
		return {
			ok: false,
			reason: 'too_many_form_parameters',
			detail: TOO_MANY_FORM_PARAMETERS,
		};
	}
	if (!form.ok) {
		return {
			ok: false,
			reason: 'malformed_body',
			detail: `${scheme.name} signs the form parameters of the body (or, for another body, a URL carrying ${rule?.parameter ?? 'its hash'}); this body is not application/x-www-form-urlencoded UTF-8 text`,
		};
	}
	return { ok: true, urls, form: form.text };
}

/**
 * Why the digest claimed in the URL does not vouch for the body; undefined
 * when it does: written exactly as the sender writes it (lowercase hex, as
 * twilio-node compares it), compared in constant time.
 */
function bodyHashProblem(
	rule: BodyHashInUrl,
	body: Uint8Array,
	claimed: readonly string[],
): string | undefined {
	if (claimed.length > 1) return `appears ${claimed.length} times in the URL`;
	const expected = Buffer.from(bodyDigest(rule, body), 'latin1');
	const given = Buffer.from(claimed[0], 'utf8');
	// The length is public (it follows from the algorithm); the contents are not compared early.
	if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
	return /^[0-9a-f]{64}$/.test(claimed[0])
		? 'in the URL is not the SHA-256 of the body received'
		: 'in the URL is not a lowercase hex SHA-256';
}

/**
 * Most parameters a form body may have for a receiver to read it before its
 * signature is checked: the limit n8n's own form parser keeps. Twilio sends a
 * few dozen; a forged body of millions would otherwise make every one be
 * decoded and sorted before any secret is used.
 */
export const MAX_FORM_PARAMETERS = 1000;

/** The refusal of a form body over that limit, in one wording for every scheme. */
export const TOO_MANY_FORM_PARAMETERS = `The form body has more than ${MAX_FORM_PARAMETERS} parameters, more than is read before a signature is checked`;

/** A form body's parameters as sent (not yet decoded), or why it is not read. */
type RawForm =
	| { readonly ok: true; readonly pairs: readonly (readonly [string, string])[] }
	| { readonly ok: false; readonly problem: 'not_utf8' | 'too_many_parameters' };

/**
 * The name=value pieces of form text, counted before they are split, so a
 * body of millions of pieces is refused at the cost of one scan.
 */
export function rawFormPairs(body: Uint8Array): RawForm {
	let text: string;
	try {
		text = STRICT_UTF8.decode(body);
	} catch {
		return { ok: false, problem: 'not_utf8' };
	}
	let separators = 0;
	for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) {
		// Empty pieces ("a=1&&b=2") count too: a bound on the scan, not on parameters named.
		if (++separators >= MAX_FORM_PARAMETERS) return { ok: false, problem: 'too_many_parameters' };
	}
	const pairs: (readonly [string, string])[] = [];
	for (const piece of text.split('&')) {
		if (piece === '') continue; // "a=1&&b=2": no parameter, as every form parser reads it
		const equals = piece.indexOf('=');
		pairs.push(equals < 0 ? [piece, ''] : [piece.slice(0, equals), piece.slice(equals + 1)]);
	}
	return { ok: true, pairs };
}

/**
 * The text a `form` part signs: the parameters of an
 * application/x-www-form-urlencoded body, sorted by name, each name then
 * value, a name's repeated values sorted and written once each. This is what
 * getExpectedTwilioSignature makes of the parameters Express parses from
 * the body. Not form text: not UTF-8, or a percent sign that does not start
 * an escape of UTF-8 bytes. Parsers differ on such bodies (querystring keeps
 * a bad escape, qs leaves the value undecoded, WHATWG writes U+FFFD, so
 * different bodies would sign the same), and Twilio never sends one.
 */
export function formSignedText(
	body: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: 'not_form' | 'too_many_parameters' } {
	const raw = rawFormPairs(body);
	if (!raw.ok) return { ok: false, problem: raw.problem === 'not_utf8' ? 'not_form' : raw.problem };
	const values = new Map<string, Set<string>>();
	for (const [rawName, rawValue] of raw.pairs) {
		const name = decodeFormComponent(rawName);
		const value = decodeFormComponent(rawValue);
		if (name === undefined || value === undefined) return { ok: false, problem: 'not_form' };
		const seen = values.get(name);
		if (seen) seen.add(value);
		else values.set(name, new Set([value]));
	}
	let signed = '';
	// JavaScript's default sort (UTF-16 code units), as twilio-node sorts.
	for (const name of [...values.keys()].sort()) {
		for (const value of [...(values.get(name) ?? [])].sort()) signed += name + value;
	}
	return { ok: true, text: signed };
}

export function decodeFormComponent(text: string): string | undefined {
	try {
		return decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		return undefined; // a bad escape, or escapes that are not UTF-8
	}
}

/**
 * The values of query parameter `name` in `url` (names decoded, as
 * URLSearchParams, which twilio-node reads bodySHA256 with, decodes them).
 */
export function queryValues(url: string, name: string): string[] {
	const hashAt = url.indexOf('#');
	const beforeFragment = hashAt < 0 ? url : url.slice(0, hashAt);
	const queryAt = beforeFragment.indexOf('?');
	if (queryAt < 0) return [];
	return new URLSearchParams(beforeFragment.slice(queryAt + 1)).getAll(name);
}

/** The body's digest as the rule writes it in the URL. */
export function bodyDigest(rule: BodyHashInUrl, body: Uint8Array | string): string {
	return createHash(rule.algorithm).update(body).digest(rule.encoding); // a string as UTF-8
}

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http://': '80', 'https://': '443' };

/**
 * The URL as given, then the same URL with its scheme's default port
 * written out where it had none, or left out where it had it: the two forms
 * twilio-node checks a signature against (splitUrl, addPort, removePort). A
 * URL with another port, or another scheme, has only its own form (twilio-node
 * also tries it with the port removed; nothing sends that way).
 */
function defaultPortVariants(url: string): string[] {
	const match = AUTHORITY.exec(url);
	if (!match) return [url];
	const [prefix, scheme, authority] = match;
	const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
	if (defaultPort === undefined) return [url];
	const userInfoEnd = authority.lastIndexOf('@') + 1;
	const hostAndPort = authority.slice(userInfoEnd);
	// A colon only starts the port after the closing bracket of an IPv6 literal.
	const colon = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
	const host = colon < 0 ? hostAndPort : hostAndPort.slice(0, colon);
	const rebuild = (port: string) =>
		scheme + authority.slice(0, userInfoEnd) + host + port + url.slice(prefix.length);
	if (colon < 0) return [url, rebuild(`:${defaultPort}`)];
	return hostAndPort.slice(colon + 1) === defaultPort ? [url, rebuild('')] : [url];
}
