/**
 * Why verify() said no. Stable strings: they appear in the trigger's
 * "Rejected" output and in users' IF nodes, so never rename one.
 */
export const REJECTION_REASONS = [
	/** The configuration holds no secret (or no key): nothing can be verified, so nothing is accepted. */
	'no_secret',
	/** A configured secret does not decode in its format (e.g. not valid base64). */
	'invalid_secret',
	/** A configured key is unreadable, the wrong length, type or curve, or private where public belongs. */
	'invalid_key',
	/** The scheme signs the URL or method and the caller did not pass it. */
	'missing_request_context',
	'missing_header',
	'duplicate_header',
	/** Present but unreadable: wrong prefix, not hex/base64, wrong digest length, bad syntax. */
	'malformed_header',
	/** A body the scheme's sender cannot have sent (Vinsight signs JSON text only). */
	'malformed_body',
	/** A signature field of a scheme that carries it in the body (Mailgun) is absent. */
	'missing_body_field',
	/** Such a field sent twice (a form body with two `signature` fields). */
	'duplicate_body_field',
	/** Such a field unreadable: not a string, empty, too long, not a hex digest. */
	'malformed_body_field',
	/**
	 * A form body with more parameters than are read before a signature is
	 * checked (MAX_FORM_PARAMETERS, n8n's own form parser's limit). Answered 413.
	 */
	'too_many_form_parameters',
	'timestamp_missing',
	'timestamp_malformed',
	'timestamp_too_old',
	'timestamp_too_new',
	'signature_mismatch',
	/**
	 * The body is not the one the signed URL names by its hash (Twilio's
	 * bodySHA256): another or a malformed digest, or the parameter twice.
	 */
	'body_hash_mismatch',
	/** Verification could not run at all: a defect or an impossible hand-built scheme. */
	'verifier_error',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Reasons that point at our own configuration rather than at the caller. */
export function isConfigurationProblem(reason: RejectionReason): boolean {
	return (
		reason === 'no_secret' ||
		reason === 'invalid_secret' ||
		reason === 'invalid_key' ||
		reason === 'missing_request_context' ||
		reason === 'verifier_error'
	);
}
