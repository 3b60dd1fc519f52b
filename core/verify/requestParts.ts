/**
 * The parts of a request a scheme's signature may cover besides the body
 * (Twilio): the forms of its URL, and its form text, or the body's digest
 * carried in the URL's query (bodySHA256), checked before any secret is used.
 * Written to match twilio-node 6.x's webhooks.js (validateRequest,
 * validateRequestWithBody).
 */
import { timingSafeEqual } from 'node:crypto';

import { bodyDigest, formSignedText } from '../crypto/signedContent';
import { queryValues, TOO_MANY_FORM_PARAMETERS } from '../http/form';
import type { BodyHashInUrl, SchemeBase } from '../schemes/types';
import type { RejectionReason } from './reasons';

type RequestParts =
	| { ok: true; urls: readonly (string | undefined)[]; form?: string }
	| { ok: false; reason: RejectionReason; detail: string };

/** A call without a URL: one form of it, unknown. */
const NO_URL: RequestParts = Object.freeze({ ok: true, urls: Object.freeze([undefined]) });

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
	// Without the URL nothing can be decided: signedContent reports it missing.
	if (url === undefined) return NO_URL;
	const urlPart = scheme.signedContent.find((part) => part.kind === 'url');
	const urls =
		urlPart?.kind === 'url' && urlPart.defaultPort === 'either' ? defaultPortVariants(url) : [url];
	if (!scheme.signedContent.some((part) => part.kind === 'form')) return { ok: true, urls };
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
	if (!form.ok && form.reason === 'too_many_form_parameters') {
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
