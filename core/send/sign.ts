import { randomBytes } from 'node:crypto';

import { signMessage } from '../crypto/asymmetric';
import { hmacDigest } from '../crypto/digest';
import {
	bodyDigest,
	formSignedText,
	joinChunks,
	signedContent,
	type SignedChunk,
} from '../crypto/signedContent';
import { formatTimestamp } from '../crypto/encoding';
import { MAX_FORM_PARAMETERS, queryValues } from '../http/form';
import { resolveKeyObjects } from '../crypto/keys';
import { resolveKeys, type SecretSet } from '../crypto/secrets';
import {
	bodySignatureOf,
	type Scheme,
	type PublicKeyScheme,
	type HmacScheme,
	type SignatureFormat,
} from '../schemes/types';

export interface SignOptions {
	/** The moment of this attempt. */
	readonly timestamp?: Date;
	/** The delivery id, the same on every attempt; schemes that sign an id need it. */
	readonly id?: string;
	/** Event name, sent in the scheme's event header where it has one. */
	readonly event?: string;
	/**
	 * For schemes that sign the request line (Square, HubSpot v3, Twilio).
	 * Twilio: for a body that is not a form, the URL withBodyHash() gives.
	 */
	readonly method?: string;
	readonly url?: string;
	/** Replaces the scheme's signature header name (Smarter Launch, Generic HMAC). */
	readonly signatureHeader?: string;
}

/** A configuration mistake on the sending side; the message never holds a secret. */
export class SigningError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SigningError';
	}
}

/**
 * The headers that sign `body`, the exact bytes (or string) that will be sent.
 *
 * With a secondary secret, schemes that carry several signatures in one
 * header (Standard Webhooks, Svix, Stripe, Paddle, Calendly) get one per
 * secret, so receivers on either side of a rotation accept the call. Schemes
 * with room for one signature are signed with the primary secret.
 *
 * For an Ed25519 scheme `secrets` holds private keys instead, used the same
 * way (Standard Webhooks v1a: one `v1a,` entry per key).
 *
 * Throws SigningError, before anything is sent, for what the caller must fix:
 * no usable secret or key, a part the scheme signs that is missing.
 */
export function sign(
	scheme: Scheme,
	secrets: SecretSet,
	body: Uint8Array | string,
	options: SignOptions = {},
): Record<string, string> {
	if (bodySignatureOf(scheme)) {
		// No header can sign such a call: an empty result would send it unsigned.
		throw new SigningError(`${scheme.name} signatures travel in the body: use signBody()`);
	}
	const signer =
		scheme.kind === 'public-key' ? keySigner(scheme, secrets) : hmacSigner(scheme, secrets);
	const headers: Record<string, string> = {};
	const timestampText = setCallHeaders(headers, scheme, options);
	const content = signedContent(scheme.signedContent, {
		body,
		timestamp: timestampText,
		id: options.id,
		method: options.method,
		url: options.url,
		form: formToSign(scheme, body, options.url),
	});
	if (!content.ok) throw new SigningError(`${scheme.name} signatures need the ${content.part}`);

	const format = scheme.signatureFormat;
	const digests = signer(content.chunks, format.style === 'plain');
	setHeader(
		headers,
		options.signatureHeader ?? scheme.signatureHeader,
		signatureValue(format, digests, timestampText),
	);
	return headers;
}

/**
 * Sets the headers that travel beside the signature (timestamp, id, event)
 * and gives the timestamp as signed, where the scheme signs one.
 */
function setCallHeaders(
	headers: Record<string, string>,
	scheme: Scheme,
	options: SignOptions,
): string | undefined {
	const source = scheme.timestamp;
	let timestampText: string | undefined;
	if (source && source.in !== 'body') {
		if (!options.timestamp) throw new SigningError(`${scheme.name} signatures need a timestamp`);
		timestampText = formatTimestamp(options.timestamp, source.format);
		if (source.in === 'header') setHeader(headers, source.header, timestampText);
	}
	if (source?.in === 'body' && source.alsoHeader && options.timestamp) {
		setHeader(headers, source.alsoHeader, formatTimestamp(options.timestamp, source.format));
	}
	if (scheme.idHeader && options.id !== undefined) setHeader(headers, scheme.idHeader, options.id);
	if (scheme.eventHeader && options.event !== undefined) {
		setHeader(headers, scheme.eventHeader, options.event);
	}
	return timestampText;
}

/** The signature header's value, in the scheme's format. */
function signatureValue(
	format: SignatureFormat,
	digests: readonly string[],
	timestampText: string | undefined,
): string {
	switch (format.style) {
		case 'plain':
			return format.prefix + digests[0];
		case 'versioned-list':
			return digests.map((digest) => `${format.version},${digest}`).join(' ');
		case 'key-value':
			return [
				`${format.timestampKey}=${timestampText ?? ''}`,
				...digests.map((digest) => `${format.signatureKey}=${digest}`),
			].join(format.pairSeparator);
	}
}

/**
 * The names of the headers sign() sets for `scheme` when given every option;
 * none for a scheme whose signature travels in the body (Mailgun). A sender
 * keeps its user's own headers off these names.
 */
export function headersSignSets(scheme: Scheme, signatureHeader?: string): string[] {
	if (bodySignatureOf(scheme)) return [];
	const names = [signatureHeader ?? scheme.signatureHeader];
	const timestampSource = scheme.timestamp;
	if (timestampSource?.in === 'header') names.push(timestampSource.header);
	if (timestampSource?.in === 'body' && timestampSource.alsoHeader) {
		names.push(timestampSource.alsoHeader);
	}
	if (scheme.idHeader) names.push(scheme.idHeader);
	if (scheme.eventHeader) names.push(scheme.eventHeader);
	return names;
}

interface BodySignOptions {
	readonly timestamp: Date;
	/** The one-time token; a fresh random one when absent (tests pass their own). */
	readonly token?: string;
}

/**
 * The whole body of a call under a scheme that carries its signature in the
 * body (Mailgun): `{"signature":{"timestamp","token","signature"},
 * "event-data":<payload>}`, where the signature is the primary secret's
 * HMAC of timestamp + token and `payloadJson` (JSON text, as bodyWriter
 * writes it) is placed as it is. Each attempt gets a new token, so no two
 * attempts are the same call to a receiver's token memory. Throws
 * SigningError where no secret can sign.
 */
export function signBody(
	scheme: Scheme,
	secrets: SecretSet,
	payloadJson: string,
	options: BodySignOptions,
): string {
	const spec = bodySignatureOf(scheme);
	if (!spec || scheme.kind === 'public-key') {
		throw new SigningError(`${scheme.name} signatures travel in headers: use sign()`);
	}
	const timestamp = formatTimestamp(options.timestamp, scheme.timestamp?.format ?? 'unix-seconds');
	const token =
		options.token ??
		randomBytes(Math.ceil(spec.tokenLength / 2))
			.toString('hex')
			.slice(0, spec.tokenLength);
	const content = signedContent(scheme.signedContent, { body: '', timestamp, id: token });
	if (!content.ok) throw new SigningError(`${scheme.name} signatures need the ${content.part}`);
	const [signature] = hmacSigner(scheme, secrets)(content.chunks, true);
	const fields = JSON.stringify({
		[spec.timestampField]: timestamp,
		[spec.tokenField]: token,
		[spec.signatureField]: signature,
	});
	return `{${JSON.stringify(spec.jsonMember)}:${fields},${JSON.stringify(spec.payloadMember)}:${payloadJson}}`;
}

/**
 * What a `form` part signs (Twilio): nothing where the URL carries the
 * body's hash (checked, so a signature never vouches for another body), else
 * the body's form parameters. Undefined where the scheme has no form part,
 * or the URL is missing (signedContent then says so).
 */
function formToSign(
	scheme: Scheme,
	body: Uint8Array | string,
	url: string | undefined,
): string | undefined {
	if (url === undefined || !scheme.signedContent.some((part) => part.kind === 'form')) {
		return undefined;
	}
	const rule = scheme.bodyHash;
	const claimed = rule ? queryValues(url, rule.parameter) : [];
	if (rule && claimed.length > 0) {
		if (claimed.length > 1 || claimed[0] !== bodyDigest(rule, body)) {
			throw new SigningError(
				`The URL's ${rule.parameter} must be given once, and be the body's digest: build the URL with withBodyHash()`,
			);
		}
		return '';
	}
	const form = formSignedText(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
	if (!form.ok && form.reason === 'too_many_form_parameters') {
		throw new SigningError(
			`The form body has more than ${MAX_FORM_PARAMETERS} parameters, which no receiver of this package reads`,
		);
	}
	if (!form.ok) {
		throw new SigningError(
			`${scheme.name} signs a form body (application/x-www-form-urlencoded text)${rule ? `, or another body through ${rule.parameter} in the URL: build the URL with withBodyHash()` : ''}`,
		);
	}
	return form.text;
}

/**
 * The URL to send `body` to under `scheme`: for a scheme that carries the
 * body's hash in the URL (Twilio's bodySHA256), the URL with that parameter
 * added at the end of its query, as Twilio writes it; otherwise `url` as it
 * is. A fragment is dropped: it is never sent, so it cannot be signed.
 * Throws SigningError for a URL that already carries the parameter.
 */
export function withBodyHash(scheme: Scheme, url: string, body: Uint8Array | string): string {
	const rule = scheme.bodyHash;
	if (!rule) return url;
	const hashAt = url.indexOf('#');
	const base = hashAt < 0 ? url : url.slice(0, hashAt);
	if (queryValues(base, rule.parameter).length > 0) {
		throw new SigningError(
			`The URL already has a ${rule.parameter} query parameter: remove it, it is added for each body sent`,
		);
	}
	const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
	return `${base}${separator}${rule.parameter}=${bodyDigest(rule, body)}`;
}

/**
 * Encoded signatures of the content, one per configured key, or only the
 * primary's where the header has room for one.
 */
type Signer = (chunks: readonly SignedChunk[], primaryOnly: boolean) => string[];

function hmacSigner(scheme: HmacScheme, secrets: SecretSet): Signer {
	const resolved = resolveKeys(secrets, scheme.secretEncoding);
	if (!resolved.ok) throw new SigningError(resolved.detail);
	const { algorithm, digestEncoding, keyOrders } = scheme;
	return (chunks, primaryOnly) => {
		const count = primaryOnly ? 1 : resolved.keys.length;
		const digests: string[] = [];
		for (let i = 0; i < count; i++) {
			const { key } = resolved.keys[i];
			digests.push(hmacDigest(algorithm, key, chunks, keyOrders?.[0], digestEncoding));
		}
		return digests;
	};
}

function keySigner(scheme: PublicKeyScheme, secrets: SecretSet): Signer {
	// Only Ed25519 is sent. The one ECDSA provider, SendGrid, signs its own
	// calls with its own key, so no workflow sends as SendGrid; and random
	// ECDSA signatures leave no known answer to prove a sender against.
	if (scheme.algorithm !== 'ed25519') {
		throw new SigningError(`${scheme.name} signatures can only be verified, not sent`);
	}
	const resolved = resolveKeyObjects(secrets, scheme.algorithm, 'private');
	if (!resolved.ok) throw new SigningError(resolved.detail);
	return (chunks, primaryOnly) => {
		const message = joinChunks(chunks);
		return resolved.keys
			.slice(0, primaryOnly ? 1 : undefined)
			.map(({ key }) =>
				signMessage(scheme.algorithm, key, message).toString(scheme.signatureEncoding),
			);
	};
}

/**
 * Sets a header as an own property. Plain assignment of a header named
 * __proto__ (a valid HTTP token) would set the object's prototype instead,
 * and the call would go out without it: unsigned.
 */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
	if (name === '__proto__') {
		Object.defineProperty(headers, name, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	} else {
		headers[name] = value;
	}
}
