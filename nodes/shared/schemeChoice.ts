/** The signing scheme a node's parameters choose, shared by both nodes. */
import {
	buildGenericScheme,
	describeHeaderProblem,
	findScheme,
	type Scheme,
	type DigestEncoding,
	type Failure,
	type HashAlgorithm,
	type TimestampFormat,
} from '../../core';

export interface ResolvedScheme {
	readonly scheme: Scheme;
	/** The header name in use when the scheme lets the user choose it. */
	readonly signatureHeader?: string;
}

/**
 * Reads one node parameter. Execute and webhook contexts read parameters
 * differently (per item, or per request), so each node passes its own.
 */
type ParameterReader = (name: string, fallback?: string) => unknown;

/** A setting that cannot work: `detail` says what, `description` what to do. */
export type SchemeProblem = Failure<'invalid_settings'> & { readonly description?: string };

type SchemeChoice =
	| { readonly ok: true; readonly resolved: ResolvedScheme | undefined }
	| SchemeProblem;

const problem = (detail: string, description?: string): SchemeProblem => ({
	ok: false,
	reason: 'invalid_settings',
	detail,
	...(description === undefined ? {} : { description }),
});

/**
 * The scheme the node is set to, with Generic HMAC built from its settings;
 * `resolved` is undefined for "none". A setting that cannot work says what to
 * change; each node turns that into its own kind of error.
 */
export function chooseScheme(read: ParameterReader): SchemeChoice {
	const text = (name: string): string => String(read(name, '') ?? '').trim();
	const schemeId = text('signatureScheme');
	if (schemeId === 'none') return { ok: true, resolved: undefined };

	if (schemeId === 'generic') {
		const built = buildGenericScheme({
			signatureHeader: text('signatureHeader'),
			algorithm: text('genericAlgorithm') as HashAlgorithm,
			digestEncoding: text('genericEncoding') as DigestEncoding,
			prefix: String(read('genericPrefix', '') ?? ''),
			signedContent: String(read('genericSignedContent', '') ?? ''),
			timestampHeader: text('genericTimestampHeader'),
			timestampFormat: text('genericTimestampFormat') as TimestampFormat,
			idHeader: text('genericIdHeader'),
			secretEncoding: 'text',
		});
		return built.ok
			? { ok: true, resolved: { scheme: built.scheme } }
			: problem(`Generic HMAC: ${built.detail}`);
	}

	const scheme = findScheme(schemeId);
	if (!scheme) {
		return problem(
			`Unknown signing scheme "${schemeId}"`,
			'Pick a scheme from the list; this workflow may come from a newer version of the package.',
		);
	}
	if (!scheme.signatureHeaderNamedByUser) return { ok: true, resolved: { scheme } };
	const signatureHeader = text('signatureHeader');
	const headerProblem = describeHeaderProblem(signatureHeader, '');
	return headerProblem
		? problem(headerProblem)
		: { ok: true, resolved: { scheme, signatureHeader } };
}
