import type { Failure, Result } from '../result';
import {
	describeHeaderProblem,
	describeHeaderValueFault,
	findHeaderValueFault,
} from '../http/headers';
import type {
	DigestEncoding,
	HashAlgorithm,
	HmacScheme,
	SecretEncoding,
	SignedPart,
	TimestampFormat,
} from './types';

/** What a user sets for a scheme we do not ship: every choice real systems make. */
export interface GenericHmacSettings {
	readonly signatureHeader: string;
	readonly algorithm: HashAlgorithm;
	readonly digestEncoding: DigestEncoding;
	/** Written before the digest, e.g. `sha256=`; may be empty. */
	readonly prefix: string;
	/**
	 * The signed content as a template: `{body}`, `{timestamp}`, `{id}`,
	 * `{method}` and `{url}` stand for those values, anything else is literal.
	 * Examples: `{body}`, `{timestamp}.{body}`, `v0:{timestamp}:{body}`.
	 */
	readonly signedContent: string;
	readonly timestampHeader?: string;
	readonly timestampFormat?: TimestampFormat;
	readonly idHeader?: string;
	readonly secretEncoding: SecretEncoding;
}

export type GenericSchemeResult = Result<{ scheme: HmacScheme }, 'invalid_settings'>;

const PLACEHOLDER = /\{(body|timestamp|id|method|url)\}/g;

type GenericResult<Value extends object> = Result<Value, 'invalid_settings'>;

const invalid = (detail: string): Failure<'invalid_settings'> => ({
	ok: false,
	reason: 'invalid_settings',
	detail,
});

/** Parses a signed-content template into parts, or says why it cannot be used. */
function parseSignedContent(template: string): GenericResult<{ parts: SignedPart[] }> {
	const parts: SignedPart[] = [];
	let last = 0;
	for (const match of template.matchAll(PLACEHOLDER)) {
		const index = match.index ?? 0;
		if (index > last) parts.push({ kind: 'literal', text: template.slice(last, index) });
		parts.push({ kind: match[1] as Exclude<SignedPart['kind'], 'literal'> });
		last = index + match[0].length;
	}
	if (last < template.length) parts.push({ kind: 'literal', text: template.slice(last) });

	const stray = parts.find((part) => part.kind === 'literal' && /[{}]/.test(part.text));
	if (stray) {
		return invalid(
			'The signed content template has an unknown placeholder; use {body}, {timestamp}, {id}, {method} or {url}',
		);
	}
	const bodies = parts.filter((part) => part.kind === 'body').length;
	if (bodies !== 1) {
		// A signature that does not cover the body proves nothing about it.
		return invalid('The signed content template must contain {body} exactly once');
	}
	return { ok: true, parts };
}

/** Why the header names, or the prefix written before the digest, cannot be sent as they are. */
function describeHeadersProblem(
	names: readonly string[],
	signatureHeader: string,
	prefix: string,
): string | undefined {
	for (const name of names) {
		const problem = describeHeaderProblem(name, '');
		if (problem) return problem;
	}
	// Such a prefix does not arrive as written: n8n's HTTP client (axios) drops
	// control characters without a word, and a receiver reads others its own way.
	const fault = findHeaderValueFault(prefix);
	if (fault) {
		return `Signature Prefix cannot be sent in the ${signatureHeader} header: ${describeHeaderValueFault(fault)}`;
	}
	// HTTP drops whitespace at the start of a value, on the way and on arrival.
	return /^[ \t]/.test(prefix)
		? `Signature Prefix starts with a space or tab, which HTTP drops from the start of the ${signatureHeader} header: no header could arrive with it`
		: undefined;
}

export function buildGenericScheme(settings: GenericHmacSettings): GenericSchemeResult {
	const signatureHeader = settings.signatureHeader.trim();
	if (signatureHeader === '') return invalid('Set the signature header name');
	const timestampHeader = settings.timestampHeader?.trim() || undefined;
	const idHeader = settings.idHeader?.trim() || undefined;
	const headerNames = [signatureHeader, timestampHeader, idHeader].filter(
		(name): name is string => name !== undefined,
	);
	const headerProblem = describeHeadersProblem(headerNames, signatureHeader, settings.prefix);
	if (headerProblem) return invalid(headerProblem);

	const parsed = parseSignedContent(settings.signedContent);
	if (!parsed.ok) return parsed;
	const uses = (kind: SignedPart['kind']) => parsed.parts.some((part) => part.kind === kind);
	if (uses('timestamp') && !timestampHeader) {
		return invalid('The signed content uses {timestamp}: set the timestamp header name');
	}
	if (uses('id') && !idHeader) {
		return invalid('The signed content uses {id}: set the id header name');
	}
	// Header names are case-insensitive, and one header carries one value: a
	// timestamp or id header that is also another of the three is sent twice
	// (or overwritten), so no call signed this way could ever verify.
	if (new Set(headerNames.map((name) => name.toLowerCase())).size !== headerNames.length) {
		return invalid('The signature, timestamp and id headers must be different headers');
	}

	return {
		ok: true,
		scheme: {
			kind: 'hmac',
			id: 'generic',
			name: 'Generic HMAC',
			description: `${signatureHeader}: ${settings.prefix}<${settings.digestEncoding}> HMAC-${settings.algorithm.toUpperCase()} of ${settings.signedContent}`,
			signatureHeader,
			algorithm: settings.algorithm,
			digestEncoding: settings.digestEncoding,
			signatureFormat: { style: 'plain', prefix: settings.prefix },
			secretEncoding: settings.secretEncoding,
			signedContent: parsed.parts,
			timestamp: timestampHeader
				? {
						in: 'header',
						header: timestampHeader,
						format: settings.timestampFormat ?? 'unix-seconds',
					}
				: undefined,
			idHeader,
		},
	};
}
