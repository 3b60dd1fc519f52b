/**
 * A signature carried in a header: the header read (present, once), its
 * signatures parsed by the scheme's format, each one the shape the algorithm
 * gives it.
 */
import { SIGNATURE_LENGTHS } from '../crypto/asymmetric';
import { mayBeJsonText } from '../http/body';
import { DIGEST_LENGTH } from '../crypto/digest';
import { decodeStrict } from '../crypto/encoding';
import { readHeader, type HeaderBag } from '../http/headers';
import { reject, type Rejection } from './rejection';
import { type Scheme, type DigestEncoding, type SignatureFormat } from '../schemes/types';

/**
 * More signatures than this in one header is not rotation but an attempt to
 * make us compute many comparisons; real senders put one to three.
 */
export const MAX_SIGNATURES_PER_HEADER = 20;

/**
 * A public-key scheme checks every signature under every key, each check
 * hashing the whole body, so far fewer of its signatures are read: Standard
 * Webhooks senders write one per active key, two during a rotation.
 */
export const MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER = 3;

type ParsedHeader = ({ readonly ok: true } & Signatures) | Rejection;

/** The signatures found, and the timestamp beside them where the format carries one. */
interface Signatures {
	readonly signatures: Buffer[];
	readonly timestamp?: string;
}

/** Where a call's signatures were found, and the id beside them, or why they could not be read. */
export type SignatureFound =
	| {
			readonly ok: true;
			/** Where the signature was, for messages: a header's name, or "the body". */
			readonly foundIn: string;
			readonly parsed: Signatures;
			readonly id?: string;
	  }
	| Rejection;

/**
 * The signature header (present, once, well-formed), the body where the
 * scheme signs JSON, and the id header. `signatureHeader` replaces the
 * scheme's header name where the receiver set one.
 */
export function readSignatureHeaders(
	scheme: Scheme,
	body: Uint8Array,
	headers: HeaderBag,
	signatureHeader: string | undefined,
): SignatureFound {
	const headerName = signatureHeader ?? scheme.signatureHeader;
	const found = readHeader(headers, headerName);
	if (found.found === 'none') return reject('missing_header', `Header ${headerName} is missing`);
	if (found.found === 'many') {
		return reject('duplicate_header', `Header ${headerName} was sent more than once`);
	}
	const parsed = parseSignatureHeader(
		headerName,
		found.value,
		scheme.signatureFormat,
		signatureShape(scheme),
	);
	if (!parsed.ok) return parsed;
	if (scheme.kind === 'hmac' && scheme.bodyFormat === 'json' && !mayBeJsonText(body)) {
		return reject(
			'malformed_body',
			`${scheme.name} signs JSON text; this body is not valid UTF-8 JSON`,
		);
	}

	// The id: signed for Standard Webhooks and Svix, informational elsewhere.
	let id: string | undefined;
	if (scheme.idHeader) {
		const idHeader = readHeader(headers, scheme.idHeader);
		if (idHeader.found === 'many') {
			return reject('duplicate_header', `Header ${scheme.idHeader} was sent more than once`);
		}
		if (idHeader.found === 'one') id = idHeader.value;
	}
	return { ok: true, foundIn: headerName, parsed, id };
}

/** What one signature must look like: its encoding and its possible lengths. */
interface SignatureShape {
	readonly encoding: DigestEncoding;
	readonly min: number;
	readonly max: number;
	/** For messages: "hex digest of 32 bytes". */
	readonly expected: string;
	/** The most signatures of the scheme's own kind one header may hold. */
	readonly most: number;
}

/** Each scheme's shape, made once: it is the same for every call. */
const shapes = new WeakMap<Scheme, SignatureShape>();

export function signatureShape(scheme: Scheme): SignatureShape {
	let shape = shapes.get(scheme);
	if (!shape) {
		shape = shapeOf(scheme);
		shapes.set(scheme, shape);
	}
	return shape;
}

function shapeOf(scheme: Scheme): SignatureShape {
	if (scheme.kind === 'hmac') {
		const length = DIGEST_LENGTH[scheme.algorithm];
		const encoding = scheme.digestEncoding;
		return {
			encoding,
			min: length,
			max: length,
			expected: `${encoding} digest of ${length} bytes`,
			most: MAX_SIGNATURES_PER_HEADER,
		};
	}
	const { min, max } = SIGNATURE_LENGTHS[scheme.algorithm];
	const encoding = scheme.signatureEncoding;
	const bytes = min === max ? `${min} bytes` : `${min} to ${max} bytes`;
	const expected = `${encoding} signature of ${bytes}`;
	return { encoding, min, max, expected, most: MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER };
}

/** One signature's bytes, or undefined when the text is not of the shape's encoding and length. */
export function decodeSignature(text: string, shape: SignatureShape): Buffer | undefined {
	const bytes = decodeStrict(text, shape.encoding);
	return bytes && bytes.length >= shape.min && bytes.length <= shape.max ? bytes : undefined;
}

/** The header's signatures, or why it is malformed. */
function parseSignatureHeader(
	header: string,
	value: string,
	format: SignatureFormat,
	shape: SignatureShape,
): ParsedHeader {
	const malformed = (what: string) => reject('malformed_header', `Header ${header} ${what}`);
	switch (format.style) {
		case 'plain': {
			// In any case (SHA256=), as senders write it; the spelling sent is checked first.
			const prefix = value.slice(0, format.prefix.length);
			if (prefix !== format.prefix && prefix.toLowerCase() !== format.prefix.toLowerCase()) {
				return malformed(`does not start with "${format.prefix}"`);
			}
			const signature = decodeSignature(value.slice(format.prefix.length).trim(), shape);
			return signature
				? { ok: true, signatures: [signature] }
				: malformed(`is not a ${shape.expected}`);
		}
		case 'versioned-list':
			return parseVersionedList(value, format, shape, malformed);
		case 'key-value':
			return parseKeyValue(value, format, shape, malformed);
	}
}

const TOO_MANY = `holds more than ${MAX_SIGNATURES_PER_HEADER} signatures`;

/** `v1,<sig> v1a,<sig> …`: the entries of the configured version; others are skipped. */
function parseVersionedList(
	value: string,
	format: Extract<SignatureFormat, { style: 'versioned-list' }>,
	shape: SignatureShape,
	malformed: (what: string) => Rejection,
): ParsedHeader {
	const entries = value.split(' ').filter((entry) => entry !== '');
	if (entries.length > MAX_SIGNATURES_PER_HEADER) return malformed(TOO_MANY);
	const ours = entries.filter((entry) => entry.startsWith(`${format.version},`));
	// Other versions (v1 beside v1a) are someone else's to check, and cost us nothing.
	if (ours.length > shape.most) {
		return malformed(`holds more than ${shape.most} ${format.version} signatures`);
	}
	const signatures: Buffer[] = [];
	for (const entry of ours) {
		const signature = decodeSignature(entry.slice(format.version.length + 1), shape);
		if (signature) signatures.push(signature);
	}
	return signatures.length > 0
		? { ok: true, signatures }
		: malformed(`holds no "${format.version},<${shape.encoding}>" signature of the right length`);
}

/** `t=<ts>,v1=<sig>,v1=<sig>`: the timestamp and the configured key's signatures. */
function parseKeyValue(
	value: string,
	format: Extract<SignatureFormat, { style: 'key-value' }>,
	shape: SignatureShape,
	malformed: (what: string) => Rejection,
): ParsedHeader {
	const pairs = value.split(format.pairSeparator);
	if (pairs.length > MAX_SIGNATURES_PER_HEADER + 2) return malformed(TOO_MANY);
	let timestamp: string | undefined;
	let ours = 0;
	const signatures: Buffer[] = [];
	for (const pair of pairs) {
		const equals = pair.indexOf('=');
		if (equals < 0) continue;
		const key = pair.slice(0, equals).trim();
		const text = pair.slice(equals + 1).trim();
		if (key === format.timestampKey) {
			if (timestamp !== undefined)
				return malformed(`holds "${format.timestampKey}=" more than once`);
			timestamp = text;
		} else if (key === format.signatureKey) {
			if (++ours > shape.most)
				return malformed(`holds more than ${shape.most} "${key}=" signatures`);
			const signature = decodeSignature(text, shape);
			if (signature) signatures.push(signature);
		}
		// Any other key (Stripe's v0, future versions) is ignored, so a
		// weaker scheme can never stand in for the one configured.
	}
	return signatures.length > 0
		? { ok: true, signatures, timestamp }
		: malformed(
				`holds no "${format.signatureKey}=<${shape.encoding}>" signature of the right length`,
			);
}
