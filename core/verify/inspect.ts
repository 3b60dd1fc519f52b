import { readBodySignature } from './bodySignature';
import { signedContent, type ContentResult, type SignedChunk } from '../crypto/signedContent';
import { readRequestParts } from './requestParts';
import type { HeaderBag } from '../http/headers';
import { reject, type Rejection } from './rejection';
import { idSeparator } from './replayKey';
import { bodySignatureOf, type Scheme } from '../schemes/types';
import { readSignatureHeaders, type SignatureFound } from './signatureHeader';
import { checkTimestamp, type SignedTime } from './timeWindow';
import type { VerifyOptions } from './options';

/**
 * What can be known of a call without the secret (where its signatures
 * were, its id, its timestamp), and the content its signature must cover.
 */
export type Inspection =
	| (Extract<SignatureFound, { ok: true }> & {
			readonly stamp: SignedTime;
			readonly content: Extract<ContentResult, { ok: true }>;
			/** Every content the signature may cover, `content`'s chunks first. */
			readonly candidates: readonly (readonly SignedChunk[])[];
	  })
	| Rejection;

/**
 * The checks that need no secret, in the order a reader meets them: the
 * signature header (present, once, well-formed), the body where the scheme
 * signs JSON, the id and timestamp headers, the timestamp's window, and the
 * parts the signature covers. A call refused here never reaches an HMAC, and
 * a receiver can refuse it before loading its secret at all (see precheck).
 */
export function inspectCall(
	scheme: Scheme,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): Inspection {
	const found = bodySignatureOf(scheme)
		? readBodySignature(scheme, body, headers)
		: readSignatureHeaders(scheme, body, headers, options.signatureHeader);
	if (!found.ok) return found;
	const { foundIn, parsed, id } = found;
	const separator = id === undefined ? undefined : idSeparator(scheme);
	if (id !== undefined && separator !== undefined && id.includes(separator)) {
		return reject(
			'malformed_header',
			`Header ${scheme.idHeader ?? 'id'} holds "${separator}", which ends the id in the signed content: the same signed bytes could then be read as another id, timestamp and body`,
		);
	}

	const stamp = checkTimestamp(scheme, headers, body, parsed.timestamp, id, options);
	if (!stamp.ok) return stamp;

	const request = readRequestParts(scheme, body, options.url);
	if (!request.ok) return reject(request.reason, request.detail, { id });
	const values = {
		body,
		timestamp: stamp.text,
		id,
		method: options.method,
		url: request.urls[0],
		form: request.form,
	};
	const content = signedContent(scheme.signedContent, values);
	if (!content.ok) {
		if (content.part === 'id') {
			return reject('missing_header', `Header ${scheme.idHeader ?? 'id'} is missing`);
		}
		if (content.part === 'timestamp') {
			return reject('timestamp_missing', 'The timestamp the signature covers is missing', { id });
		}
		return reject(
			'missing_request_context',
			`${scheme.name} signs the request ${content.part}, and it was not given to the verifier`,
			{ id },
		);
	}
	// One content per form of the URL the signature may cover (Twilio: with
	// and without the default port); the URL as it arrived first.
	const candidates = [content.chunks];
	for (let i = 1; i < request.urls.length; i++) {
		const other = signedContent(scheme.signedContent, { ...values, url: request.urls[i] });
		if (other.ok) candidates.push(other.chunks);
	}
	return { ok: true, foundIn, parsed, id, stamp, content, candidates };
}
