/**
 * A signature carried in the body (Mailgun): the fields of the JSON body's
 * signature member, or of a form body. The body is parsed only to read
 * them; what is signed is the timestamp and the token exactly as they
 * arrived, and nothing else.
 */
import { isRecord, ownValue, STRICT_UTF8 } from './bodyText';
import { readHeader, type HeaderBag } from './headers';
import { refuse, type Refused } from './rejection';
import { bodySignatureOf, type AnySchemeDefinition, type BodySignature } from './schemes/types';
import { decodeSignature, signatureShape, type Carried } from './signatureHeader';

/** Printable ASCII without the space: what a token is made of. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** The signature, timestamp and token of a scheme that carries them in the body. */
export function readBodySignature(
	scheme: AnySchemeDefinition,
	body: Uint8Array,
	headers: HeaderBag,
): Carried {
	const spec = bodySignatureOf(scheme) as BodySignature;
	const fields = readSignatureFields(spec, body, headers);
	if (!fields.ok) return fields;
	const { where, values } = fields;

	const token = values[spec.tokenField];
	if (token === undefined) {
		return refuse('missing_body_field', `The ${spec.tokenField} field (${where}) is missing`);
	}
	if (
		typeof token !== 'string' ||
		token.length === 0 ||
		token.length > spec.maxTokenLength ||
		!VISIBLE_ASCII.test(token)
	) {
		return refuse(
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
		return refuse(
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
			return refuse('missing_body_field', `The ${name} field (${where}) is missing`, { id });
		}
		const bytes = typeof value === 'string' ? decodeSignature(value, shape) : undefined;
		if (!bytes) {
			return refuse(
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
		parsed: { signatures, timestamp: timestampText },
		id,
	};
}

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
): { ok: true; where: string; values: Readonly<Record<string, unknown>> } | Refused {
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
		return refuse('malformed_body', 'The body is not valid UTF-8 text');
	}
	const values: Record<string, unknown> = {};
	const contentType = readHeader(headers, 'content-type');
	if (
		contentType.found === 'one' &&
		/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType.value)
	) {
		const form = new URLSearchParams(text);
		for (const name of names) {
			const all = form.getAll(name);
			if (all.length > 1) {
				return refuse(
					'duplicate_body_field',
					`The ${name} field of the form body was sent more than once`,
				);
			}
			if (all.length === 1) values[name] = all[0];
		}
		return { ok: true, where: 'in the form body', values };
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return refuse(
			'malformed_body',
			`The body is neither JSON nor a form (application/x-www-form-urlencoded), so it holds no ${spec.jsonMember} fields`,
		);
	}
	const member = isRecord(parsed) ? ownValue(parsed, spec.jsonMember) : undefined;
	if (member === undefined) {
		return refuse('missing_body_field', `The JSON body has no "${spec.jsonMember}" object`);
	}
	if (!isRecord(member)) {
		return refuse(
			'malformed_body_field',
			`The JSON body's "${spec.jsonMember}" member is not an object`,
		);
	}
	for (const name of names) values[name] = ownValue(member, name);
	return { ok: true, where: `in the JSON body's "${spec.jsonMember}" object`, values };
}
