/**
 * fast-check generators shared by the core's property tests
 * (core.fuzz, tamper.fuzz and public-key.fuzz tests): schemes, secrets, bodies, header
 * bags and clocks, both well-formed (to sign and verify) and hostile (to feed
 * verify() and receive() garbage).
 */
import { createHmac } from 'node:crypto';

import fc from 'fast-check';

import {
	TWILIO,
	bodyWriter,
	buildGenericScheme,
	idSeparator,
	type DigestEncoding,
	type GenericHmacSettings,
	type HashAlgorithm,
	type HeaderBag,
	type HeaderValue,
	type KeyOrder,
	type HmacScheme,
	type SecretEncoding,
	type SecretSet,
	type SignatureFormat,
	type SignedPart,
	type TimestampFormat,
	type TimestampSource,
} from '../../core';
import { decodeSecret } from '../../core/crypto/secrets';
import { HMAC_HEADER_SCHEMES } from '../helpers/schemes';

export const ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256', 'sha512'];
export const DIGEST_ENCODINGS: readonly DigestEncoding[] = ['hex', 'base64'];
export const SECRET_ENCODINGS: readonly SecretEncoding[] = ['text', 'hex', 'base64', 'whsec'];
export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['unix-seconds', 'unix-ms', 'iso8601'];
export const DIGEST_BYTES: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

const HEX_DIGITS = [...'0123456789abcdefABCDEF'];
export const BASE64_ALPHABET = [
	...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
];

// ---- Small pieces -----------------------------------------------------------

const ascii = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });

/** A valid HTTP header name (RFC 9110 token). */
export const tokenName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/);

export const hexString = (minLength: number, maxLength: number) =>
	fc.string({ unit: fc.constantFrom(...HEX_DIGITS), minLength, maxLength });

export const bytes = (minLength: number, maxLength: number) =>
	fc.uint8Array({ minLength, maxLength }).map((array) => Buffer.from(array));

/** Digest-sized bytes (and off-by-some sizes) written every way a header might carry them. */
const digestText: fc.Arbitrary<string> = fc
	.tuple(
		fc.oneof(
			fc.constantFrom(20, 32, 64),
			fc.constantFrom(19, 21, 31, 33, 63, 65),
			fc.integer({ min: 0, max: 100 }),
		),
		fc.integer({ min: 0, max: 5 }),
	)
	.chain(([length, style]) =>
		bytes(length, length).map((digest) => {
			switch (style) {
				case 0:
					return digest.toString('hex');
				case 1:
					return digest.toString('hex').toUpperCase();
				case 2:
					return digest.toString('base64');
				case 3:
					return digest.toString('base64').replace(/=+$/, '');
				case 4:
					return digest.toString('base64url');
				default:
					return `${digest.toString('base64')}\r\n`;
			}
		}),
	);

/** Timestamps as they appear on the wire, and as they should not. */
export const timestampText: fc.Arbitrary<string> = fc.oneof(
	fc.integer({ min: 1_500_000_000, max: 2_100_000_000 }).map(String),
	fc.integer({ min: -1_000_000, max: Number.MAX_SAFE_INTEGER }).map(String),
	fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
	fc.date({ noInvalidDate: true }).map((date) => String(date.getTime())),
	fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
	fc.constantFrom(
		'',
		' ',
		'0',
		'NaN',
		'Infinity',
		'1e9',
		'0x10',
		'-1',
		'+1700000000',
		' 1700000000',
		'1700000000 ',
		'1700000000.5',
		'١٧٠٠٠٠٠٠٠٠', // Arabic-Indic digits: \d must not match them
		'2024-01-15T10:30:00Z',
		'2024-13-45T99:99:99Z',
		'9999999999999999',
		'99999999999999999',
	),
);

/** Strings with nothing in common with a signature: any unicode, control characters, CR/LF. */
const junkText: fc.Arbitrary<string> = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 60 }),
	fc.string({ unit: 'binary-ascii', maxLength: 60 }),
	fc.string({ unit: 'grapheme', maxLength: 30 }),
	fc
		.tuple(ascii(20), fc.constantFrom('\r\n', '\n', '\r', '\0', '\u2028', '\uFEFF'), ascii(20))
		.map((parts) => parts.join('')),
	// Lone surrogates: not valid UTF-16, still a JS string a header bag could hold.
	fc.constantFrom('\uD800', '\uDFFF', 'a\uD800b', '\uDC00\uD800'),
);

/** One `<version>,<digest>` entry of a Standard Webhooks header, usually v1. */
const versionedEntry = fc
	.tuple(fc.constantFrom('v1', 'v1', 'v1a', 'v2', 'V1', ''), digestText)
	.map(([version, digest]) => `${version},${digest}`);

/** `t=…,v1=…` pairs, Stripe's and Paddle's shape, with the keys and separators varied. */
const keyValueHeader = fc
	.tuple(
		fc.constantFrom(',', ';', ', ', ' ; '),
		fc.array(
			fc.oneof(
				fc.tuple(fc.constantFrom('t', 'ts'), timestampText),
				fc.tuple(fc.constantFrom('v1', 'h1', 'v0', 'V1', ' v1 ', ''), digestText),
			),
			{ maxLength: 6 },
		),
	)
	.map(([separator, pairs]) => pairs.map(([key, value]) => `${key}=${value}`).join(separator));

/** Values that look almost like a valid signature header of some scheme. */
const almostValidSignature: fc.Arbitrary<string> = fc.oneof(
	fc.array(versionedEntry, { minLength: 1, maxLength: 4 }).map((entries) => entries.join(' ')),
	keyValueHeader,
	fc
		.tuple(fc.constantFrom('sha256=', 'sha1=', 'sha512=', 'v0=', 'SHA256=', '', ' '), digestText)
		.map(([prefix, digest]) => prefix + digest),
	digestText,
);

/** A header value repeated into something very long (and past the signature-count limits). */
const longText: fc.Arbitrary<string> = fc
	.tuple(
		fc.oneof(almostValidSignature, fc.constantFrom('a', ' ', ',', 'v1,', 't=1,')),
		fc.integer({ min: 20, max: 400 }),
		fc.constantFrom(' ', ',', ';', ''),
	)
	.map(([piece, times, separator]) => Array.from({ length: times }, () => piece).join(separator));

export const headerText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: almostValidSignature },
	{ weight: 2, arbitrary: timestampText },
	{ weight: 3, arbitrary: junkText },
	{ weight: 1, arbitrary: longText },
);

export const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
	{ weight: 6, arbitrary: headerText },
	{ weight: 1, arbitrary: fc.constant(undefined) },
	{ weight: 2, arbitrary: fc.array(headerText, { maxLength: 3 }) },
);

/** Every header name any scheme reads, plus the two receive() looks at. */
const KNOWN_HEADER_NAMES: readonly string[] = [
	...new Set(
		HMAC_HEADER_SCHEMES.flatMap((scheme) => [
			scheme.signatureHeader,
			scheme.idHeader,
			scheme.eventHeader,
			scheme.timestamp?.in === 'header' ? scheme.timestamp.header : undefined,
			scheme.timestamp?.in === 'body' ? scheme.timestamp.alsoHeader : undefined,
		]).filter((name): name is string => name !== undefined),
	),
	'X-Timestamp',
	'X-Id',
	'content-type',
	'content-encoding',
];

export const headerName: fc.Arbitrary<string> = fc.oneof(
	{ weight: 6, arbitrary: fc.mixedCase(fc.constantFrom(...KNOWN_HEADER_NAMES)) },
	{ weight: 1, arbitrary: tokenName },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
	{
		weight: 1,
		// Names that mean something to a plain object, and a non-ASCII letter
		// (the Kelvin sign) that lowercases to an ASCII one.
		arbitrary: fc.constantFrom(
			'__proto__',
			'constructor',
			'toString',
			'',
			'x-hub-signature-\u212A',
		),
	},
);

export const headerBag: fc.Arbitrary<HeaderBag> = fc
	.array(fc.tuple(headerName, headerValue), { maxLength: 8 })
	.map((entries) => Object.fromEntries(entries));

// ---- Bodies -----------------------------------------------------------------

/**
 * The body as a view into a larger buffer: the bytes around it are a JSON
 * object, so code that read `body.buffer` without its offset would notice.
 */
function asView(body: Buffer): Uint8Array {
	const before = Buffer.from('{"timestamp":"2024-01-15T10:30:00Z","webhookTimestamp":1}');
	const backing = Buffer.concat([before, body, before]);
	return new Uint8Array(backing.buffer, backing.byteOffset + before.length, body.length);
}

const jsonWithTimestampField = fc
	.record(
		{
			webhookTimestamp: fc.oneof(
				fc.integer(),
				fc.double(),
				timestampText,
				fc.constant(null),
				fc.array(fc.integer(), { maxLength: 2 }),
			),
			timestamp: fc.oneof(timestampText, fc.integer(), fc.boolean(), fc.constant({})),
			data: fc.jsonValue({ maxDepth: 2 }),
		},
		{ requiredKeys: [] },
	)
	.map((value) => JSON.stringify(value));

export const hostileBody: fc.Arbitrary<Uint8Array> = fc
	.tuple(
		fc.oneof(
			bytes(0, 512),
			fc.constant(Buffer.alloc(0)),
			fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
			jsonWithTimestampField.map((text) => Buffer.from(text)),
			fc.string({ unit: 'grapheme', maxLength: 100 }).map((text) => Buffer.from(text)),
			fc.constantFrom('null', '[]', '"x"', '{', '{"timestamp":', '\uFEFF{}').map(Buffer.from),
		),
		fc.boolean(),
	)
	.map(([body, view]) => (view ? asView(body) : body));

// ---- Secrets ----------------------------------------------------------------

/** A secret that `encoding` reads as a non-empty key. */
export function validSecret(encoding: SecretEncoding): fc.Arbitrary<string> {
	const key = bytes(1, 80);
	switch (encoding) {
		case 'text':
			return fc.oneof(
				fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
				fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 60 }),
				key.map((k) => `whsec_${k.toString('base64')}`),
			);
		case 'hex':
			return fc.tuple(key, fc.boolean()).map(([k, upper]) => {
				const text = k.toString('hex');
				return upper ? text.toUpperCase() : text;
			});
		case 'base64':
			return fc
				.tuple(key, fc.boolean())
				.map(([k, padded]) =>
					padded ? k.toString('base64') : k.toString('base64').replace(/=+$/, ''),
				);
		case 'whsec':
			return fc
				.tuple(key, fc.boolean())
				.map(([k, prefixed]) => (prefixed ? 'whsec_' : '') + k.toString('base64'));
	}
}

/** Secret text of any kind: valid in some encoding or none, empty, padded with whitespace. */
const anySecretText: fc.Arbitrary<string | undefined> = fc.oneof(
	fc.constant(undefined),
	fc.constant(''),
	fc.constantFrom(...SECRET_ENCODINGS).chain(validSecret),
	junkText,
	fc.constantFrom('whsec_', 'whsec_***', '0g', 'abc', '=', ' ', ' secret\n'),
);

export const anySecretSet: fc.Arbitrary<SecretSet> = fc.record(
	{
		primary: anySecretText,
		secondary: anySecretText,
		encoding: fc.constantFrom(...SECRET_ENCODINGS),
	},
	{ requiredKeys: [] },
);

/**
 * Whether two secrets give the same HMAC under `algorithm`. Not only equal
 * bytes: HMAC pads a short key with zeros and hashes a long one, so `ab` and
 * `ab\0`, or a long key and its hash, are the same key. Such pairs are
 * HMAC's, not ours; properties that need two different secrets skip them.
 */
export function sameHmacKey(
	algorithm: HashAlgorithm,
	encoding: SecretEncoding,
	a: string,
	b: string,
): boolean {
	const keyA = decodeSecret(a, encoding);
	const keyB = decodeSecret(b, encoding);
	if (!keyA || !keyB) return false;
	const probe = (key: Buffer | string) => createHmac(algorithm, key).update('probe').digest('hex');
	return probe(keyA) === probe(keyB);
}

// ---- Schemes ----------------------------------------------------------------

const placeholders = fc.constantFrom('{timestamp}', '{id}', '{method}', '{url}');
/** Template literals: printable ASCII, no braces (a brace would make a placeholder or an error). */
const literal = fc
	.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 })
	.map((text) => text.replace(/[{}]/g, '|'));

/** A signed-content template with `{body}` exactly once, as the builder requires. */
const template = fc
	.tuple(
		fc.array(fc.oneof(placeholders, literal), { maxLength: 4 }),
		fc.array(fc.oneof(placeholders, literal), { maxLength: 4 }),
	)
	.map(([before, after]) => [...before, '{body}', ...after].join(''));

/**
 * Header names for generic schemes come from a small pool on purpose: so the
 * signature, timestamp and id headers sometimes collide.
 */
const genericHeaderName = fc.oneof(
	fc.constantFrom('X-Signature', 'X-Timestamp', 'X-Id', 'x-signature', 'X-TIMESTAMP'),
	tokenName,
);

/** Generic HMAC settings the builder accepts. */
export const genericScheme: fc.Arbitrary<HmacScheme> = fc
	.record({
		signatureHeader: genericHeaderName,
		algorithm: fc.constantFrom(...ALGORITHMS),
		digestEncoding: fc.constantFrom(...DIGEST_ENCODINGS),
		// Printable ASCII, as a header value must be; the empty prefix often.
		prefix: fc.oneof(fc.constant(''), fc.constantFrom('sha256=', 'v0=', 'SHA1='), ascii(8)),
		signedContent: template,
		timestampHeader: fc.option(genericHeaderName, { nil: undefined }),
		timestampFormat: fc.option(fc.constantFrom(...TIMESTAMP_FORMATS), { nil: undefined }),
		idHeader: fc.option(genericHeaderName, { nil: undefined }),
		secretEncoding: fc.constantFrom(...SECRET_ENCODINGS),
		toleranceSeconds: fc.option(fc.integer({ min: 0, max: 86_400 }), { nil: undefined }),
	})
	.map((settings: GenericHmacSettings) => {
		// A template that names {timestamp} or {id} needs that header: supply one
		// where the draw left it out, so most draws build.
		const needs = (placeholder: string) => settings.signedContent.includes(placeholder);
		return buildGenericScheme({
			...settings,
			timestampHeader:
				settings.timestampHeader ?? (needs('{timestamp}') ? 'X-Timestamp' : undefined),
			idHeader: settings.idHeader ?? (needs('{id}') ? 'X-Id' : undefined),
		});
	})
	.filter((built) => built.ok)
	.map((built) => (built.ok ? built.scheme : HMAC_HEADER_SCHEMES[0]));

/**
 * Every built-in scheme but Twilio, and Generic HMAC in any configuration the
 * builder accepts. Twilio covers the body through the URL (bodySHA256) or
 * as decoded form parameters, where `+` and `%20` are the same space, so
 * the properties below (any changed body byte is a signature mismatch, the
 * same URL carries any body) are not Twilio's: test/core/twilio.test.ts
 * runs Twilio's own.
 */
export const signableScheme: fc.Arbitrary<HmacScheme> = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...HMAC_HEADER_SCHEMES.filter((s) => s !== TWILIO)) },
	{ weight: 1, arbitrary: genericScheme },
);

const signedPart: fc.Arbitrary<SignedPart> = fc.oneof(
	fc.constantFrom<SignedPart>(
		{ kind: 'body' },
		{ kind: 'timestamp' },
		{ kind: 'id' },
		{ kind: 'method' },
		{ kind: 'url' },
	),
	fc.string({ maxLength: 4 }).map((text): SignedPart => ({ kind: 'literal', text })),
);

const signatureFormat: fc.Arbitrary<SignatureFormat> = fc.oneof(
	fc.string({ maxLength: 8 }).map((prefix): SignatureFormat => ({ style: 'plain', prefix })),
	fc
		.constantFrom('v1', 'v1a', '', ' ', ',')
		.map((version): SignatureFormat => ({ style: 'versioned-list', version })),
	fc
		.record({
			pairSeparator: fc.constantFrom(',', ';', '', ' ', '='),
			timestampKey: fc.constantFrom('t', 'ts', '', 'v1'),
			signatureKey: fc.constantFrom('v1', 'h1', '', 't'),
		})
		.map((pairs): SignatureFormat => ({ style: 'key-value', ...pairs })),
);

const timestampSource: fc.Arbitrary<TimestampSource> = fc.oneof(
	fc
		.record({ header: headerName, format: fc.constantFrom(...TIMESTAMP_FORMATS) })
		.map((source): TimestampSource => ({ in: 'header', ...source })),
	fc
		.constantFrom(...TIMESTAMP_FORMATS)
		.map((format): TimestampSource => ({ in: 'signature-header', format })),
	fc
		.record({
			field: fc.constantFrom('timestamp', 'webhookTimestamp', '__proto__', ''),
			format: fc.constantFrom(...TIMESTAMP_FORMATS),
			alsoHeader: fc.option(headerName, { nil: undefined }),
		})
		.map((source): TimestampSource => ({ in: 'body', ...source })),
);

/**
 * Scheme definitions written by hand, in shapes the catalog and the builder
 * never produce: key-value with base64, no body part or two, an empty list of
 * key orders, odd separators, tolerances that are not numbers of seconds.
 */
export const handBuiltScheme: fc.Arbitrary<HmacScheme> = fc.record(
	{
		kind: fc.constant('hmac' as const),
		id: fc.constant('handBuilt'),
		name: fc.constant('Hand-built'),
		description: fc.constant('a scheme definition written by hand'),
		signatureHeader: headerName,
		algorithm: fc.constantFrom(...ALGORITHMS),
		digestEncoding: fc.constantFrom(...DIGEST_ENCODINGS),
		signatureFormat,
		secretEncoding: fc.constantFrom(...SECRET_ENCODINGS),
		signedContent: fc.array(signedPart, { maxLength: 5 }),
		timestamp: timestampSource,
		idHeader: headerName,
		eventHeader: headerName,
		keyOrders: fc.array(fc.constantFrom<KeyOrder>('secret-as-key', 'content-as-key'), {
			maxLength: 2,
		}),
		toleranceSeconds: fc.double(),
	},
	{
		requiredKeys: [
			'kind',
			'id',
			'name',
			'description',
			'signatureHeader',
			'algorithm',
			'digestEncoding',
			'signatureFormat',
			'secretEncoding',
			'signedContent',
		],
	},
);

// ---- Clocks -----------------------------------------------------------------

/** Any Date, an Invalid Date included. */
export const anyDate = fc.date({ noInvalidDate: false });

/** Tolerances, in the shape VerifyOptions takes them, including ones that are not numbers of seconds. */
export const anyTolerance: fc.Arbitrary<number | null | undefined> = fc.oneof(
	fc.constant(undefined),
	fc.constant(null),
	fc.constantFrom(0, -0, 1, 300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
	fc.double(),
	fc.integer({ min: -1_000_000, max: 1_000_000 }),
);

/**
 * The time a signature is made. 1970 to 9999: before 1970 a Unix timestamp
 * is negative, which no provider sends (and verify refuses as malformed);
 * after 9999 an ISO 8601 date needs a six-digit year, which the format
 * (and every provider) excludes.
 */
export const signingTime = fc.oneof(
	fc.date({
		min: new Date('2020-01-01T00:00:00Z'),
		max: new Date('2040-01-01T00:00:00Z'),
		noInvalidDate: true,
	}),
	fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
);

// ---- Signing inputs -----------------------------------------------------------

/** The moment a signed timestamp stands for, once written in `format` (seconds drop the ms). */
export function signedMoment(at: Date, format: TimestampFormat): number {
	return format === 'unix-seconds' ? Math.floor(at.getTime() / 1000) * 1000 : at.getTime();
}

/** Whether the scheme's signature covers a timestamp, and so enforces a window. */
export function signsTimestamp(scheme: HmacScheme): boolean {
	const source = scheme.timestamp;
	if (!source) return false;
	const covered = source.in === 'body' ? 'body' : 'timestamp';
	return scheme.signedContent.some((part) => part.kind === covered);
}

export function signsPart(scheme: HmacScheme, kind: SignedPart['kind']): boolean {
	return scheme.signedContent.some((part) => part.kind === kind);
}

/**
 * A body for `scheme` signed at `at`. Schemes that carry their timestamp in
 * the JSON body get it there, written by the core's own body writer (as the
 * Send Webhook node does); the rest get any bytes or any text.
 */
export function signableBody(scheme: HmacScheme, at: Date): fc.Arbitrary<Buffer> {
	if (scheme.timestamp?.in === 'body') {
		return fc
			.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
			.map((record) => {
				const writer = bodyWriter(record, scheme);
				if (!writer.ok) throw new Error(writer.detail);
				return Buffer.from(writer.write(at));
			});
	}
	const json = fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text));
	// Vinsight's senders send JSON text, and its receiver refuses anything else.
	if (scheme.bodyFormat === 'json') return json;
	return fc.oneof(
		bytes(0, 1024),
		fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => Buffer.from(text)),
		json,
	);
}

/** Header-safe printable ASCII: what an id, method or URL can be on the wire. */
export const wireText = (minLength: number, maxLength: number) =>
	fc.string({ unit: 'grapheme-ascii', minLength, maxLength });

/** Everything one sign → verify needs, drawn consistently for one scheme. */
export interface SignedCase {
	readonly scheme: HmacScheme;
	/** The secret encoding in force: the scheme's, or the credential's override. */
	readonly encoding: SecretEncoding;
	readonly override?: SecretEncoding;
	readonly primary: string;
	readonly secondary: string;
	readonly body: Buffer;
	readonly at: Date;
	readonly id: string;
	readonly method: string;
	readonly url: string;
	/** Passed to sign and verify for schemes whose header name is a setting; undefined otherwise. */
	readonly signatureHeader?: string;
}

export const signedCase: fc.Arbitrary<SignedCase> = fc
	.tuple(
		signableScheme,
		fc.option(fc.constantFrom(...SECRET_ENCODINGS), { nil: undefined, freq: 4 }),
		signingTime,
	)
	.chain(([scheme, override, at]) => {
		const encoding = override ?? scheme.secretEncoding;
		return fc.record({
			scheme: fc.constant(scheme),
			encoding: fc.constant(encoding),
			override: fc.constant(override),
			primary: validSecret(encoding),
			secondary: validSecret(encoding),
			body: signableBody(scheme, at),
			at: fc.constant(at),
			// Never the character that ends a signed id: the sender refuses such an
			// id (describeDeliveryIdProblem) and verify() does too (replayKey.ts).
			id: wireText(1, 40).filter((id) => !id.includes(idSeparator(scheme) ?? '\u0000')),
			method: fc.constantFrom('POST', 'PUT', 'post', 'PATCH'),
			url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
			// An override that names one of the scheme's other headers would make
			// sign() write two values into one header. The node never does that: it
			// overrides only Smarter Launch's header, which has no others, and the
			// Generic HMAC builder refuses such a collision in its own settings.
			signatureHeader: fc.option(
				tokenName.filter((name) => !otherHeaders(scheme).includes(name.toLowerCase())),
				{ nil: undefined, freq: 3 },
			),
		});
	});

/** The scheme's headers other than the signature header, lower-cased. */
function otherHeaders(scheme: HmacScheme): string[] {
	const source = scheme.timestamp;
	return [
		scheme.idHeader,
		scheme.eventHeader,
		source?.in === 'header' ? source.header : undefined,
		source?.in === 'body' ? source.alsoHeader : undefined,
	].flatMap((name) => (name === undefined ? [] : [name.toLowerCase()]));
}

/**
 * Why replacing `value[position]` with `replacement` leaves a signature header
 * that means exactly what it meant, or undefined when it changes the meaning.
 * `digestStart` is where the (single, last) digest or signature begins in the
 * header; `encoding` is how it is written.
 *
 * These are spellings, not forgeries: each decodes to the same digest bytes,
 * so accepting them gives a forger nothing they did not already hold (a
 * valid signature for this very content). The property checks that verify()
 * accepts exactly these and refuses every other single-byte change.
 */
export function harmlessEdit(
	format: SignatureFormat,
	encoding: DigestEncoding,
	value: string,
	digestStart: number,
	position: number,
	replacement: string,
): string | undefined {
	const original = value[position];
	if (format.style === 'plain' && position < format.prefix.length) {
		// The prefix is a label, not signed data, and is matched in any case
		// (providers document `sha256=` and some proxies rewrite case).
		const prefix = replaceAt(value, position, replacement).slice(0, format.prefix.length);
		return prefix.toLowerCase() === format.prefix.toLowerCase()
			? 'prefix in another case'
			: undefined;
	}
	if (position < digestStart) return undefined;
	const digest = value.slice(digestStart);
	const index = position - digestStart;
	if (encoding === 'hex') {
		// Hex digits mean the same in either case.
		return replacement.toLowerCase() === original.toLowerCase()
			? 'hex digit in another case'
			: undefined;
	}
	const data = digest.replace(/=+$/, '');
	if (index < data.length) {
		// The last base64 character of a digest whose length is not a multiple
		// of 3 carries 2 or 4 bits beyond the digest; decoders ignore them
		// (RFC 4648 §3.5 lets them), so characters that differ only there
		// decode to the same bytes.
		if (index !== data.length - 1 || !BASE64_ALPHABET.includes(replacement)) return undefined;
		const spare = data.length % 4 === 2 ? 4 : data.length % 4 === 3 ? 2 : 0;
		const significant = (char: string) => BASE64_ALPHABET.indexOf(char) >> spare;
		return significant(replacement) === significant(original) ? 'spare base64 bits' : undefined;
	}
	// Padding is optional. A single `=` replaced by whitespace the format
	// discards (list entries are split on spaces; plain and key-value values
	// are trimmed) is the same digest, unpadded. With `==`, one `=` left over
	// is not valid base64.
	const padding = digest.length - data.length;
	const discarded =
		format.style === 'versioned-list' ? replacement === ' ' : replacement.trim() === '';
	return padding === 1 && discarded ? 'base64 padding dropped' : undefined;
}

/** Where the digest begins in a header signed with one secret (the digest is always last). */
export function digestStart(format: SignatureFormat, value: string): number {
	switch (format.style) {
		case 'plain':
			return format.prefix.length;
		case 'versioned-list':
			return format.version.length + 1;
		case 'key-value': {
			const marker = `${format.pairSeparator}${format.signatureKey}=`;
			return value.lastIndexOf(marker) + marker.length;
		}
	}
}

export function replaceAt(text: string, position: number, replacement: string): string {
	return text.slice(0, position) + replacement + text.slice(position + 1);
}
