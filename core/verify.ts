import { createHash, timingSafeEqual } from 'node:crypto';

import { SIGNATURE_LENGTHS, signatureMatches } from './asymmetric';
import { DIGEST_LENGTH, hmacDigest, joinChunks, signedContent, type SignedChunk } from './digest';
import { decodeStrict, parseTimestamp } from './encoding';
import { bodyDigestMatches, defaultPortVariants, formSignedText, queryValues } from './form';
import { readHeader, type HeaderBag } from './headers';
import { resolveKeyObjects } from './keys';
import type { RejectionReason } from './reasons';
import { resolveKeys, type SecretLabel, type SecretSet, type SigningKey } from './secrets';
import {
	bodySignatureOf,
	isPublicKeyScheme,
	type AnySchemeDefinition,
	type BodySignature,
	type DigestEncoding,
	type KeyOrder,
	type PublicKeySchemeDefinition,
	type SchemeBase,
	type SchemeDefinition,
	type SignatureFormat,
} from './schemes/types';

/** Replay window used when neither the caller nor the scheme names one. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * More signatures than this in one header is not rotation but an attempt to
 * make us compute many comparisons; real senders put one to three.
 */
export const MAX_SIGNATURES_PER_HEADER = 20;

export interface VerifyOptions {
	/** The current time; injected so tests (and replays of old logs) are deterministic. */
	readonly now?: Date;
	/**
	 * Accepted distance, in seconds, between a signed timestamp and `now`, in
	 * both directions. `undefined` uses the scheme's documented window (or
	 * 300 s); `null` or 0 turns the check off. Unsigned timestamps are never used.
	 */
	readonly toleranceSeconds?: number | null;
	/** Replaces the scheme's signature header name (Smarter Launch, Generic HMAC). */
	readonly signatureHeader?: string;
	/** The request line, for schemes that sign it (Square, HubSpot v3). */
	readonly method?: string;
	readonly url?: string;
	/**
	 * Also name the call for replay protection (result.replayKey). receive()
	 * asks for it when replay protection is on; a plain check does not pay
	 * for encoding a digest it will not use.
	 */
	readonly replayKey?: boolean;
}

export type VerifyResult =
	| {
			readonly valid: true;
			readonly reason: 'ok';
			readonly detail: string;
			/** The secret, or for a public-key scheme the public key, that verified the call. */
			readonly matchedSecret: SecretLabel;
			/** The HMAC inputs' order; absent for a public-key scheme, which has no such choice. */
			readonly keyOrder?: KeyOrder;
			readonly timestamp?: Date;
			readonly id?: string;
			/**
			 * Names this call for replay protection, and cannot be changed without
			 * breaking the signature: the id where the signature covers it, else the
			 * digest the first configured secret gives the signed content. So an
			 * unsigned id, the spelling of the signature header (hex case, base64
			 * padding) or which of several rotation signatures is sent do not make
			 * the same call look new.
			 */
			readonly replayKey?: string;
	  }
	| {
			readonly valid: false;
			readonly reason: RejectionReason;
			/** Safe to show the caller: it names headers and limits, never a secret or a signature. */
			readonly detail: string;
			readonly timestamp?: Date;
			readonly id?: string;
	  };

export type VerifyRejection = Extract<VerifyResult, { valid: false }>;
type Rejection = VerifyRejection;

/**
 * The replay window in force, in seconds: the caller's, else the one the
 * scheme documents, else 300 s; 0 (or null) is none.
 */
export function effectiveTolerance(
	scheme: SchemeBase,
	toleranceSeconds: number | null | undefined,
): number {
	return toleranceSeconds === undefined
		? (scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
		: (toleranceSeconds ?? 0);
}

/** Whether the scheme's timestamp is covered by its signature (only such a timestamp is ever read). */
export function signsTimestamp(scheme: SchemeBase): boolean {
	const source = scheme.timestamp;
	if (!source) return false;
	const covered = source.in === 'body' ? 'body' : 'timestamp';
	return scheme.signedContent.some((part) => part.kind === covered);
}

function reject(
	reason: RejectionReason,
	detail: string,
	extra: Partial<Rejection> = {},
): Rejection {
	return { valid: false, reason, detail, ...extra };
}

/**
 * Checks a received call against a scheme. Never throws: every outcome,
 * including a broken configuration, is a result with a reason code.
 *
 * `body` must be the raw bytes received. Re-serialised JSON is not the same
 * bytes (spacing, key order, number formats, escapes) and must not be used.
 * For a public-key scheme `secrets` holds the sender's public keys (primary,
 * and secondary while the sender rotates), as the provider hands them out.
 */
export function verify(
	scheme: AnySchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): VerifyResult {
	try {
		return verifyOrReject(scheme, secrets, body, headers, options);
	} catch (error) {
		// Reached only through a defect or an impossible configuration (say, an
		// unknown hash name in a hand-built scheme); still an answer, not a crash.
		return reject('verifier_error', `Verification could not run: ${(error as Error).message}`);
	}
}

/**
 * The part of verify() that needs no secret: the rejection verify() would
 * give for a call that is missing or malformed, replayed outside its
 * window, or lacking what its signature covers; undefined when only the
 * signature can decide. For a receiver whose secret is costly to load (n8n
 * builds a sandbox to hand a trigger its credential), so that such calls are
 * refused without it. Never throws.
 */
export function precheck(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): VerifyRejection | undefined {
	try {
		const inspected = inspectCall(scheme, body, headers, options);
		return inspected.ok ? undefined : inspected.rejection;
	} catch {
		return undefined; // verify() answers it, with verifier_error
	}
}

function verifyOrReject(
	scheme: AnySchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): VerifyResult {
	if (isPublicKeyScheme(scheme))
		return verifyWithPublicKey(scheme, secrets, body, headers, options);
	const keys = resolveKeys(secrets, scheme.secretEncoding);
	if (!keys.ok) return reject(keys.reason, keys.detail);
	const inspected = inspectCall(scheme, body, headers, options);
	if (!inspected.ok) return inspected.rejection;
	const { headerName, parsed, id, stamp, content, candidates } = inspected;

	const match = findMatch(scheme, keys.keys, candidates, parsed.signatures);
	if (!match) {
		const what = scheme.bodySignature ? 'its timestamp and token' : 'the body';
		return reject('signature_mismatch', `The signature in ${headerName} does not match ${what}`, {
			id,
			timestamp: stamp.date,
		});
	}

	return {
		valid: true,
		reason: 'ok',
		detail: `Signed with the ${match.label} secret`,
		matchedSecret: match.label,
		keyOrder: match.order,
		timestamp: stamp.date,
		id,
		replayKey: !options.replayKey
			? undefined
			: id !== undefined && scheme.signedContent.some((part) => part.kind === 'id')
				? `id:${id}`
				: (scheme.keyOrders?.[0] ?? 'secret-as-key') === 'content-as-key'
					? // With the content as the HMAC key, contents that differ only in
						// trailing zero bytes are the same key (HMAC pads keys with
						// zeros), so the digest cannot tell two calls apart: their
						// content's own hash can.
						`content:${contentHash(content.chunks)}`
					: `sig:${match.canonical.toString('base64')}`,
	};
}

/**
 * The public-key counterpart of the HMAC path above: the same checks of the
 * call, then a signature check per configured key and signature.
 */
function verifyWithPublicKey(
	scheme: PublicKeySchemeDefinition,
	secrets: SecretSet,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): VerifyResult {
	const keys = resolveKeyObjects(secrets, scheme.algorithm, 'public');
	if (!keys.ok) return reject(keys.reason, keys.detail);
	const inspected = inspectCall(scheme, body, headers, options);
	if (!inspected.ok) return inspected.rejection;
	const { headerName, parsed, id, stamp, content, candidates } = inspected;

	const messages = candidates.map(joinChunks);
	const match = keys.keys.find(({ key }) =>
		messages.some((message) =>
			parsed.signatures.some((signature) =>
				signatureMatches(scheme.algorithm, key, message, signature),
			),
		),
	);
	if (!match) {
		return reject('signature_mismatch', `The signature in ${headerName} does not match the body`, {
			id,
			timestamp: stamp.date,
		});
	}
	return {
		valid: true,
		reason: 'ok',
		detail: `Signed with the private key of the ${match.label} public key`,
		matchedSecret: match.label,
		timestamp: stamp.date,
		id,
		// Never the signature: an ECDSA signature is random, and anyone can turn
		// a valid one into another valid one (s into n - s), so only the signed
		// id or the content itself names a call.
		replayKey: !options.replayKey
			? undefined
			: id !== undefined && scheme.signedContent.some((part) => part.kind === 'id')
				? `id:${id}`
				: `content:${contentHash(content.chunks)}`,
	};
}

/** What can be known of a call without the secret, and the content its signature must cover. */
type Inspection =
	| {
			readonly ok: true;
			readonly headerName: string;
			readonly parsed: Extract<ParsedHeader, { ok: true }>;
			readonly id?: string;
			readonly stamp: Extract<TimestampRead, { ok: true }>;
			readonly content: Extract<ReturnType<typeof signedContent>, { ok: true }>;
			/** Every content the signature may cover, `content`'s chunks first. */
			readonly candidates: readonly (readonly SignedChunk[])[];
	  }
	| { readonly ok: false; readonly rejection: Rejection };

/**
 * The checks that need no secret, in the order a reader meets them: the
 * signature header (present, once, well-formed), the body where the scheme
 * signs JSON, the id and timestamp headers, the timestamp's window, and the
 * parts the signature covers. A call refused here never reaches an HMAC, and
 * a receiver can refuse it before loading its secret at all (see precheck).
 */
function inspectCall(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): Inspection {
	const refused = (
		reason: RejectionReason,
		detail: string,
		extra: Partial<Rejection> = {},
	): Inspection => ({ ok: false, rejection: reject(reason, detail, extra) });
	const carried = bodySignatureOf(scheme)
		? readBodySignature(scheme, body, headers)
		: readSignatureHeaders(scheme, body, headers, options);
	if (!carried.ok) return carried;
	const { headerName, parsed, id } = carried;

	const tolerance = effectiveTolerance(scheme, options.toleranceSeconds);
	if (!Number.isFinite(tolerance) || tolerance < 0) {
		// NaN compares false with everything: left alone it would switch the
		// replay window off without anyone having asked for that.
		return refused(
			'verifier_error',
			'The timestamp tolerance must be a number of seconds, 0 or more',
		);
	}
	if (scheme.replay === 'required' && tolerance === 0) {
		return refused(
			'verifier_error',
			`${scheme.name} signs no payload, only a timestamp and a one-time token: its timestamp window cannot be off, because the window is how long a token is remembered`,
			{ id },
		);
	}
	const stamp = readTimestamp(scheme, headers, parsed.timestamp, body, tolerance > 0);
	if (!stamp.ok) return refused(stamp.reason, stamp.detail, { id });

	if (stamp.date && stamp.signed && tolerance > 0) {
		const now = (options.now ?? new Date()).getTime();
		if (Number.isNaN(now)) {
			// Like a NaN tolerance: an Invalid Date compares false with everything,
			// so left alone it would let every signed timestamp through.
			return refused('verifier_error', 'The current time is not a valid date', {
				id,
				timestamp: stamp.date,
			});
		}
		const skewSeconds = (now - stamp.date.getTime()) / 1000;
		if (skewSeconds > tolerance) {
			return refused(
				'timestamp_too_old',
				`The signed timestamp is ${Math.round(skewSeconds)} s old; at most ${tolerance} s is accepted`,
				{ id, timestamp: stamp.date },
			);
		}
		if (-skewSeconds > tolerance) {
			return refused(
				'timestamp_too_new',
				`The signed timestamp is ${Math.round(-skewSeconds)} s in the future; at most ${tolerance} s is accepted`,
				{ id, timestamp: stamp.date },
			);
		}
	}

	const request = readRequestParts(scheme, body, options.url);
	if (!request.ok) return refused(request.reason, request.detail, { id });
	const contentFor = (url: string | undefined) =>
		signedContent(scheme.signedContent, {
			body,
			timestamp: stamp.text,
			id,
			method: options.method,
			url,
			form: request.form,
		});
	const content = contentFor(request.urls[0]);
	if (!content.ok) {
		if (content.missing === 'id') {
			return refused('missing_header', `Header ${scheme.idHeader ?? 'id'} is missing`);
		}
		if (content.missing === 'timestamp') {
			return refused('timestamp_missing', 'The timestamp the signature covers is missing', { id });
		}
		return refused(
			'missing_request_context',
			`${scheme.name} signs the request ${content.missing}, and it was not given to the verifier`,
			{ id },
		);
	}
	return {
		ok: true,
		headerName,
		parsed,
		id,
		stamp,
		content,
		// One content per form of the URL the signature may cover (Twilio: with
		// and without the default port); the URL as it arrived first.
		candidates:
			request.urls.length === 1
				? [content.chunks]
				: [
						content.chunks,
						...request.urls.slice(1).flatMap((url) => {
							const other = contentFor(url);
							return other.ok ? [other.chunks] : [];
						}),
					],
	};
}

type RequestParts =
	| { ok: true; urls: (string | undefined)[]; form?: string }
	| { ok: false; reason: RejectionReason; detail: string };

/**
 * The URL forms and the form text a scheme's signature may cover (Twilio):
 * where the URL carries the body's digest, the body is checked against it
 * here, before any secret is used, as twilio-node's validateBody does (in
 * constant time, the digest written exactly as the sender writes it).
 */
function readRequestParts(
	scheme: SchemeBase,
	body: Uint8Array,
	url: string | undefined,
): RequestParts {
	const urlPart = scheme.signedContent.find((part) => part.kind === 'url');
	const urls =
		url !== undefined && urlPart?.kind === 'url' && urlPart.defaultPort === 'either'
			? defaultPortVariants(url)
			: [url];
	if (!scheme.signedContent.some((part) => part.kind === 'form')) return { ok: true, urls };
	// Without the URL nothing can be decided: signedContent reports it missing.
	if (url === undefined) return { ok: true, urls };
	const rule = scheme.bodyHash;
	const claimed = rule ? queryValues(url, rule.parameter) : [];
	if (rule && claimed.length > 0) {
		const problem =
			claimed.length > 1
				? `appears ${claimed.length} times in the URL`
				: !bodyDigestMatches(rule, body, claimed[0])
					? /^[0-9a-f]{64}$/.test(claimed[0])
						? 'in the URL is not the SHA-256 of the body received'
						: 'in the URL is not a lowercase hex SHA-256'
					: undefined;
		if (problem) {
			return { ok: false, reason: 'body_hash_mismatch', detail: `${rule.parameter} ${problem}` };
		}
		return { ok: true, urls, form: '' };
	}
	const form = formSignedText(body);
	if (form === undefined) {
		return {
			ok: false,
			reason: 'malformed_body',
			detail: `${scheme.name} signs the form parameters of the body (or, for another body, a URL carrying ${rule?.parameter ?? 'its hash'}); this body is not application/x-www-form-urlencoded UTF-8 text`,
		};
	}
	return { ok: true, urls, form };
}

/** Where a call's signatures were found, and the id beside them, or why they could not be read. */
type Carried =
	| {
			readonly ok: true;
			/** Where the signature was, for messages: a header's name, or "the body". */
			readonly headerName: string;
			readonly parsed: Extract<ParsedHeader, { ok: true }>;
			readonly id?: string;
	  }
	| { readonly ok: false; readonly rejection: Rejection };

function refusal(reason: RejectionReason, detail: string, extra: Partial<Rejection> = {}): Carried {
	return { ok: false, rejection: reject(reason, detail, extra) };
}

/**
 * The signature header (present, once, well-formed), the body where the
 * scheme signs JSON, and the id header.
 */
function readSignatureHeaders(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions,
): Carried {
	const headerName = options.signatureHeader ?? scheme.signatureHeader;
	const signatureHeader = readHeader(headers, headerName);
	if (signatureHeader.found === 'none')
		return refusal('missing_header', `Header ${headerName} is missing`);
	if (signatureHeader.found === 'many') {
		return refusal('duplicate_header', `Header ${headerName} was sent more than once`);
	}
	const parsed = parseSignatureHeader(
		signatureHeader.value,
		scheme.signatureFormat,
		signatureShape(scheme),
	);
	if (!parsed.ok) return refusal('malformed_header', `Header ${headerName} ${parsed.problem}`);
	if (!isPublicKeyScheme(scheme) && scheme.bodyFormat === 'json' && !isJsonText(body)) {
		return refusal(
			'malformed_body',
			`${scheme.name} signs JSON text; this body is not valid UTF-8 JSON`,
		);
	}

	// The id: signed for Standard Webhooks and Svix, informational elsewhere.
	let id: string | undefined;
	if (scheme.idHeader) {
		const idHeader = readHeader(headers, scheme.idHeader);
		if (idHeader.found === 'many') {
			return refusal('duplicate_header', `Header ${scheme.idHeader} was sent more than once`);
		}
		if (idHeader.found === 'one') id = idHeader.value;
	}
	return { ok: true, headerName, parsed, id };
}

/**
 * The signature, timestamp and token of a scheme that carries them in the
 * body (Mailgun): the fields of the JSON body's signature member, or of a
 * form body. The body is parsed only to read them; what is signed is the
 * timestamp and the token exactly as they arrived, and nothing else.
 */
function readBodySignature(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
): Carried {
	const spec = bodySignatureOf(scheme) as BodySignature;
	const fields = readSignatureFields(spec, body, headers);
	if (!fields.ok) return refusal(fields.reason, fields.detail);
	const where = fields.where;
	const { values } = fields;

	const token = values[spec.tokenField];
	if (token === undefined) {
		return refusal('missing_body_field', `The ${spec.tokenField} field (${where}) is missing`);
	}
	if (
		typeof token !== 'string' ||
		token.length === 0 ||
		token.length > spec.maxTokenLength ||
		!VISIBLE_ASCII.test(token)
	) {
		return refusal(
			'malformed_body_field',
			`The ${spec.tokenField} field (${where}) is not a string of 1 to ${spec.maxTokenLength} visible ASCII characters`,
		);
	}
	// Named from here on, so a refusal can say which call it was.
	const id = token;

	const timestamp = values[spec.timestampField];
	let timestampText: string | undefined;
	if (typeof timestamp === 'string') timestampText = timestamp;
	else if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0)
		timestampText = String(timestamp); // what a sender holding the number signs
	else if (timestamp !== undefined) {
		return refusal(
			'timestamp_malformed',
			`The ${spec.timestampField} field (${where}) is neither a string nor a whole number`,
			{ id },
		);
	}

	const shape = signatureShape(scheme);
	const signatures: Buffer[] = [];
	for (const name of [spec.signatureField, ...spec.alternateSignatureFields]) {
		const value = values[name];
		if (value === undefined) {
			if (name !== spec.signatureField) continue; // only the main one is always sent
			return refusal('missing_body_field', `The ${name} field (${where}) is missing`, { id });
		}
		const bytes = typeof value === 'string' ? decodeStrict(value, shape.encoding) : undefined;
		if (!bytes || bytes.length < shape.min || bytes.length > shape.max) {
			return refusal(
				'malformed_body_field',
				`The ${name} field (${where}) is not a ${shape.expected}`,
				{ id },
			);
		}
		signatures.push(bytes);
	}
	return {
		ok: true,
		headerName: 'the body',
		parsed: { ok: true, signatures, timestamp: timestampText },
		id,
	};
}

/** Printable ASCII without the space: what a token is made of. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

type SignatureFields =
	| { ok: true; where: string; values: Readonly<Record<string, unknown>> }
	| { ok: false; reason: RejectionReason; detail: string };

/**
 * The fields a body signature is read from: top-level fields of a form body
 * (application/x-www-form-urlencoded), else the members of the JSON body's
 * signature member. A form field sent twice is refused: which copy a reader
 * takes (first, last, a list) differs from one to another.
 */
function readSignatureFields(
	spec: BodySignature,
	body: Uint8Array,
	headers: HeaderBag,
): SignatureFields {
	const names = [
		spec.timestampField,
		spec.tokenField,
		spec.signatureField,
		...spec.alternateSignatureFields,
	];
	let text: string;
	try {
		text = STRICT_UTF8.decode(body);
	} catch {
		return { ok: false, reason: 'malformed_body', detail: 'The body is not valid UTF-8 text' };
	}
	const contentType = readHeader(headers, 'content-type');
	if (
		contentType.found === 'one' &&
		/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType.value)
	) {
		const form = new URLSearchParams(text);
		const values: Record<string, unknown> = {};
		for (const name of names) {
			const all = form.getAll(name);
			if (all.length > 1) {
				return {
					ok: false,
					reason: 'duplicate_body_field',
					detail: `The ${name} field of the form body was sent more than once`,
				};
			}
			if (all.length === 1) values[name] = all[0];
		}
		return { ok: true, where: 'in the form body', values };
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return {
			ok: false,
			reason: 'malformed_body',
			detail: `The body is neither JSON nor a form (application/x-www-form-urlencoded), so it holds no ${spec.jsonMember} fields`,
		};
	}
	const member = isRecord(parsed) ? ownValue(parsed, spec.jsonMember) : undefined;
	if (member === undefined) {
		return {
			ok: false,
			reason: 'missing_body_field',
			detail: `The JSON body has no "${spec.jsonMember}" object`,
		};
	}
	if (!isRecord(member)) {
		return {
			ok: false,
			reason: 'malformed_body_field',
			detail: `The JSON body's "${spec.jsonMember}" member is not an object`,
		};
	}
	const values: Record<string, unknown> = {};
	for (const name of names) values[name] = ownValue(member, name);
	return { ok: true, where: `in the JSON body's "${spec.jsonMember}" object`, values };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own member only: `__proto__` or `constructor` must never be read from the prototype. */
function ownValue(record: Record<string, unknown>, name: string): unknown {
	return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

const DEFAULT_KEY_ORDERS: readonly KeyOrder[] = ['secret-as-key'];

function contentHash(chunks: readonly SignedChunk[]): string {
	const hash = createHash('sha256');
	for (const chunk of chunks) {
		if (typeof chunk === 'string') hash.update(chunk, 'utf8');
		else hash.update(chunk);
	}
	return hash.digest('base64');
}

function findMatch(
	scheme: SchemeDefinition,
	keys: readonly SigningKey[],
	contents: readonly (readonly SignedChunk[])[],
	signatures: readonly Buffer[],
): { label: SecretLabel; order: KeyOrder; canonical: Buffer } | undefined {
	// The first digest computed (first content, first order, first secret):
	// the same for a given call whichever signature in the header matched.
	let canonical: Buffer | undefined;
	for (const chunks of contents) {
		for (const order of scheme.keyOrders ?? DEFAULT_KEY_ORDERS) {
			for (const { label, key } of keys) {
				const expected = hmacDigest(scheme.algorithm, key, chunks, order);
				canonical ??= expected;
				for (const candidate of signatures) {
					// Lengths are public (they follow from the algorithm); contents are
					// compared in constant time.
					if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
						return { label, order, canonical };
					}
				}
			}
		}
	}
	return undefined;
}

type ParsedHeader =
	| { ok: true; signatures: Buffer[]; timestamp?: string }
	| { ok: false; problem: string };

/** What one signature in the header must look like: its encoding and its possible lengths. */
interface SignatureShape {
	readonly encoding: DigestEncoding;
	readonly min: number;
	readonly max: number;
	/** For messages: "hex digest of 32 bytes". */
	readonly expected: string;
}

function signatureShape(scheme: AnySchemeDefinition): SignatureShape {
	if (!isPublicKeyScheme(scheme)) {
		const length = DIGEST_LENGTH[scheme.algorithm];
		const encoding = scheme.digestEncoding;
		return {
			encoding,
			min: length,
			max: length,
			expected: `${encoding} digest of ${length} bytes`,
		};
	}
	const { min, max } = SIGNATURE_LENGTHS[scheme.algorithm];
	const encoding = scheme.signatureEncoding;
	const bytes = min === max ? `${min} bytes` : `${min} to ${max} bytes`;
	return { encoding, min, max, expected: `${encoding} signature of ${bytes}` };
}

function parseSignatureHeader(
	value: string,
	format: SignatureFormat,
	shape: SignatureShape,
): ParsedHeader {
	const { encoding, expected } = shape;
	const decode = (text: string): Buffer | undefined => {
		const bytes = decodeStrict(text, encoding);
		return bytes && bytes.length >= shape.min && bytes.length <= shape.max ? bytes : undefined;
	};

	switch (format.style) {
		case 'plain': {
			const prefix = value.slice(0, format.prefix.length);
			if (prefix.toLowerCase() !== format.prefix.toLowerCase()) {
				return { ok: false, problem: `does not start with "${format.prefix}"` };
			}
			const signature = decode(value.slice(format.prefix.length).trim());
			return signature
				? { ok: true, signatures: [signature] }
				: { ok: false, problem: `is not a ${expected}` };
		}
		case 'versioned-list': {
			const entries = value.split(' ').filter((entry) => entry !== '');
			if (entries.length > MAX_SIGNATURES_PER_HEADER) {
				return { ok: false, problem: `holds more than ${MAX_SIGNATURES_PER_HEADER} signatures` };
			}
			const signatures: Buffer[] = [];
			for (const entry of entries) {
				const comma = entry.indexOf(',');
				// Other versions (v1a, v2) are someone else's to check: skip them.
				if (comma < 0 || entry.slice(0, comma) !== format.version) continue;
				const signature = decode(entry.slice(comma + 1));
				if (signature) signatures.push(signature);
			}
			return signatures.length > 0
				? { ok: true, signatures }
				: {
						ok: false,
						problem: `holds no "${format.version},<${encoding}>" signature of the right length`,
					};
		}
		case 'key-value': {
			const pairs = value.split(format.pairSeparator);
			if (pairs.length > MAX_SIGNATURES_PER_HEADER + 2) {
				return { ok: false, problem: `holds more than ${MAX_SIGNATURES_PER_HEADER} signatures` };
			}
			const signatures: Buffer[] = [];
			let timestamp: string | undefined;
			for (const pair of pairs) {
				const equals = pair.indexOf('=');
				if (equals < 0) continue;
				const key = pair.slice(0, equals).trim();
				const text = pair.slice(equals + 1).trim();
				if (key === format.timestampKey) {
					if (timestamp !== undefined) {
						return { ok: false, problem: `holds "${format.timestampKey}=" more than once` };
					}
					timestamp = text;
				} else if (key === format.signatureKey) {
					const signature = decode(text);
					if (signature) signatures.push(signature);
				}
				// Any other key (Stripe's v0, future versions) is ignored, so a
				// weaker scheme can never stand in for the one configured.
			}
			if (signatures.length === 0) {
				return {
					ok: false,
					problem: `holds no "${format.signatureKey}=<${encoding}>" signature of the right length`,
				};
			}
			return { ok: true, signatures, timestamp };
		}
	}
}

type TimestampRead =
	| { ok: true; text?: string; date?: Date; signed: boolean }
	| { ok: false; reason: RejectionReason; detail: string };

/**
 * Reads the timestamp a scheme carries. Only a timestamp covered by the
 * signature counts: an unsigned one (a Generic HMAC header left out of the
 * signed content) could be rewritten by anyone, so it is never read at all.
 */
function readTimestamp(
	scheme: SchemeBase,
	headers: HeaderBag,
	fromSignatureHeader: string | undefined,
	body: Uint8Array,
	toleranceActive: boolean,
): TimestampRead {
	const source = scheme.timestamp;
	if (!source || !signsTimestamp(scheme)) return { ok: true, signed: false };
	let text: string | undefined;
	let where: string;
	switch (source.in) {
		case 'header': {
			where = `header ${source.header}`;
			const found = readHeader(headers, source.header);
			if (found.found === 'many') {
				return {
					ok: false,
					reason: 'duplicate_header',
					detail: `Header ${source.header} was sent more than once`,
				};
			}
			if (found.found === 'one') text = found.value;
			break;
		}
		case 'signature-header':
			where = 'the signature header';
			text = fromSignatureHeader;
			break;
		case 'body-signature':
			where = 'the timestamp field beside the signature in the body';
			text = fromSignatureHeader;
			break;
		case 'body':
			where = `body field "${source.field}"`;
			// Parsing the body only reads a field; the signature is still checked
			// on the raw bytes. Skipped when no window is enforced.
			if (!toleranceActive) return { ok: true, signed: true };
			text = readBodyField(body, source.field);
			break;
	}
	if (text === undefined || text === '') {
		return {
			ok: false,
			reason: 'timestamp_missing',
			detail: `The timestamp (${where}) is missing`,
		};
	}
	const date = parseTimestamp(text, source.format);
	if (!date) {
		return {
			ok: false,
			reason: 'timestamp_malformed',
			detail: `The timestamp (${where}) is not in ${source.format} format`,
		};
	}
	return { ok: true, text, date, signed: true };
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether the bytes are valid UTF-8 holding one JSON value. JSON text can
 * hold no raw NUL or other control byte outside whitespace, so zero bytes
 * appended to a body, or a digest's raw bytes, never pass.
 */
function isJsonText(body: Uint8Array): boolean {
	try {
		JSON.parse(STRICT_UTF8.decode(body));
		return true;
	} catch {
		return false;
	}
}

function readBodyField(body: Uint8Array, field: string): string | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(
			Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
		);
	} catch {
		return undefined; // not JSON: the field is simply absent
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
	const value = (parsed as Record<string, unknown>)[field];
	if (typeof value === 'number' && Number.isInteger(value)) return String(value);
	return typeof value === 'string' ? value : undefined;
}
