/**
 * A signature carried in the body (Mailgun): the fields of the JSON body's
 * signature member, or of a form body. Only those fields are read, before
 * the signature is checked; the body is never parsed whole. What is signed
 * is the timestamp and the token exactly as they arrived, and nothing else.
 */
import { STRICT_UTF8 } from '../http/body';
import { rawFormPairs, TOO_MANY_FORM_PARAMETERS } from '../http/form';
import { readHeader, type HeaderBag } from '../http/headers';
import { findTopLevelMembers, parseMemberValue } from '../http/jsonMembers';
import { reject, type Rejection } from './rejection';
import { bodySignatureOf, type Scheme, type BodySignature } from '../schemes/types';
import { decodeSignature, signatureShape, type SignatureFound } from './signatureHeader';

/** Printable ASCII without the space: what a token is made of. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** Longest JSON `signature` member read, in bytes: Mailgun's, with parent-signature, is about 250. */
const MAX_SIGNATURE_MEMBER_BYTES = 4096;

/** Longest form value read for a signature field, in bytes (a token of 256 characters, each escaped). */
const MAX_FORM_FIELD_BYTES = 3 * 1024;

/** The signature, timestamp and token of a scheme that carries them in the body. */
export function readBodySignature(
	scheme: Scheme,
	body: Uint8Array,
	headers: HeaderBag,
): SignatureFound {
	const spec = bodySignatureOf(scheme) as BodySignature;
	const fields = readSignatureFields(spec, body, headers);
	if (!fields.ok) return fields;
	const { where, values } = fields;

	const token = values[spec.tokenField];
	if (token === undefined) {
		return reject('missing_body_field', `The ${spec.tokenField} field (${where}) is missing`);
	}
	if (
		typeof token !== 'string' ||
		token.length === 0 ||
		token.length > spec.maxTokenLength ||
		!VISIBLE_ASCII.test(token)
	) {
		return reject(
			'malformed_body_field',
			`The ${spec.tokenField} field (${where}) is not a string of 1 to ${spec.maxTokenLength} visible ASCII characters`,
		);
	}
	const id = token; // named from here on, so a refusal can say which call it was

	const timestamp = values[spec.timestampField];
	let timestampText: string | undefined;
	if (typeof timestamp === 'string') {
		timestampText = timestamp;
	} else if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) {
		timestampText = String(timestamp); // what a sender holding the number signs
	} else if (timestamp !== undefined) {
		return reject(
			'timestamp_malformed',
			`The ${spec.timestampField} field (${where}) is neither a string nor a whole number`,
			{ id },
		);
	}
	const signatures = readSignatures(scheme, spec, fields, id);
	if (!signatures.ok) return signatures;
	const parsed = { signatures: signatures.signatures, timestamp: timestampText };
	return { ok: true, foundIn: 'the body', parsed, id };
}

/** The signature field, and the alternate ones that are present, each an exact digest. */
function readSignatures(
	scheme: Scheme,
	spec: BodySignature,
	{ where, values }: { where: string; values: Readonly<Record<string, unknown>> },
	id: string,
): { ok: true; signatures: Buffer[] } | Rejection {
	const shape = signatureShape(scheme);
	const signatures: Buffer[] = [];
	for (const name of [spec.signatureField, ...spec.alternateSignatureFields]) {
		const value = values[name];
		if (value === undefined) {
			if (name !== spec.signatureField) continue; // only the main one is always sent
			return reject('missing_body_field', `The ${name} field (${where}) is missing`, { id });
		}
		const bytes = typeof value === 'string' ? decodeSignature(value, shape) : undefined;
		if (!bytes) {
			const detail = `The ${name} field (${where}) is not a ${shape.expected}`;
			return reject('malformed_body_field', detail, { id });
		}
		signatures.push(bytes);
	}
	return { ok: true, signatures };
}

type SignatureFields =
	| { ok: true; where: string; values: Readonly<Record<string, unknown>> }
	| Rejection;

/**
 * The fields a body signature is read from: top-level fields of a form body
 * (application/x-www-form-urlencoded), else the members of the JSON body's
 * signature member. A field sent twice is refused: which copy a reader
 * takes (first, last, a list) differs from one to another. Neither body is
 * parsed whole before the signature is checked: only these fields are read.
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
	const contentType = readHeader(headers, 'content-type');
	const isForm =
		contentType.found === 'one' &&
		/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType.value);
	return isForm ? readFormFields(body, names) : readJsonFields(spec, body, names);
}

function readFormFields(body: Uint8Array, names: readonly string[]): SignatureFields {
	const form = rawFormPairs(body);
	if (!form.ok && form.reason === 'not_utf8') return notUtf8();
	if (!form.ok) {
		return reject('too_many_form_parameters', TOO_MANY_FORM_PARAMETERS);
	}
	const where = 'in the form body';
	const longestName = 3 * Math.max(...names.map((name) => name.length));
	const values: Record<string, unknown> = {};
	for (const [rawName, rawValue] of form.pairs) {
		if (rawName.length > longestName) continue; // too long to spell a wanted name
		const name = decodeLeniently(rawName);
		if (!names.includes(name)) continue;
		if (name in values) {
			return reject(
				'duplicate_body_field',
				`The ${name} field of the form body was sent more than once`,
			);
		}
		values[name] = rawValue.length > MAX_FORM_FIELD_BYTES ? null : decodeLeniently(rawValue);
	}
	return { ok: true, where, values };
}

const notUtf8 = (): Rejection => reject('malformed_body', 'The body is not valid UTF-8 text');

/** Form decoding as URLSearchParams does it (a bad escape kept as written), for one name or value. */
function decodeLeniently(raw: string): string {
	return new URLSearchParams(`v=${raw}`).get('v') ?? '';
}

function readJsonFields(
	spec: BodySignature,
	body: Uint8Array,
	names: readonly string[],
): SignatureFields {
	// Checked whole, as the reader below decodes only the fields it reads.
	try {
		STRICT_UTF8.decode(body);
	} catch {
		return notUtf8();
	}
	const member = readSignatureMember(spec, body);
	if (!member.ok) return member;
	const fields = findTopLevelMembers(member.bytes, names);
	const what = `The JSON body's "${spec.jsonMember}" member`;
	if (!fields.ok && fields.reason === 'duplicate') {
		return reject('duplicate_body_field', `${what} has more than one ${fields.name} field`);
	}
	if (!fields.ok) return reject('malformed_body_field', `${what} is not an object`);
	const values: Record<string, unknown> = {};
	for (const [name, raw] of fields.values) {
		const parsed = parseMemberValue(raw, MAX_SIGNATURE_MEMBER_BYTES);
		values[name] = parsed.ok ? parsed.value : null; // refused below as unreadable
	}
	return { ok: true, where: `in the JSON body's "${spec.jsonMember}" object`, values };
}

/** The raw bytes of the JSON body's signature member, found without parsing the body. */
function readSignatureMember(
	spec: BodySignature,
	body: Uint8Array,
): { ok: true; bytes: Uint8Array } | Rejection {
	const found = findTopLevelMembers(body, [spec.jsonMember]);
	if (!found.ok && found.reason === 'duplicate') {
		return reject(
			'duplicate_body_field',
			`The JSON body has more than one "${spec.jsonMember}" member`,
		);
	}
	if (!found.ok) {
		return reject(
			'malformed_body',
			`The body is neither a JSON object nor a form (application/x-www-form-urlencoded), so it holds no ${spec.jsonMember} fields`,
		);
	}
	const bytes = found.values.get(spec.jsonMember);
	if (bytes === undefined) {
		return reject('missing_body_field', `The JSON body has no "${spec.jsonMember}" object`);
	}
	if (bytes.length > MAX_SIGNATURE_MEMBER_BYTES) {
		return reject(
			'malformed_body_field',
			`The JSON body's "${spec.jsonMember}" member is longer than ${MAX_SIGNATURE_MEMBER_BYTES} bytes`,
		);
	}
	return { ok: true, bytes };
}
