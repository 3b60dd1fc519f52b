/**
 * Form text and URL queries as they arrive: split, counted and decoded,
 * nothing trusted. Twilio signs a form's parameters (crypto/signedContent.ts)
 * and Mailgun may carry its signature in one (verify/bodySignature.ts).
 */
import type { Result } from '../result';
import { STRICT_UTF8 } from './body';

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
type RawForm = Result<
	{ readonly pairs: readonly (readonly [string, string])[] },
	'not_utf8' | 'too_many_form_parameters'
>;

/**
 * The name=value pieces of form text, counted before they are split, so a
 * body of millions of pieces is refused at the cost of one scan.
 */
export function rawFormPairs(body: Uint8Array): RawForm {
	let text: string;
	try {
		text = STRICT_UTF8.decode(body);
	} catch {
		return { ok: false, reason: 'not_utf8', detail: 'The body is not valid UTF-8 text' };
	}
	let separators = 0;
	for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) {
		// Empty pieces ("a=1&&b=2") count too: a bound on the scan, not on parameters named.
		if (++separators >= MAX_FORM_PARAMETERS) {
			return { ok: false, reason: 'too_many_form_parameters', detail: TOO_MANY_FORM_PARAMETERS };
		}
	}
	const pairs: (readonly [string, string])[] = [];
	for (const piece of text.split('&')) {
		if (piece === '') continue; // "a=1&&b=2": no parameter, as every form parser reads it
		const equals = piece.indexOf('=');
		pairs.push(equals < 0 ? [piece, ''] : [piece.slice(0, equals), piece.slice(equals + 1)]);
	}
	return { ok: true, pairs };
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
