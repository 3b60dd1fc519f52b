/**
 * The README's scheme table, written from the catalog itself, so the
 * documentation cannot drift from what the code signs and verifies.
 */
import {
	effectiveTolerance,
	signsTimestamp,
	type DigestEncoding,
	type PublicKeyAlgorithm,
	type PublicKeyScheme,
	type SchemeBase,
	type HmacScheme,
	type SecretEncoding,
	type SignedPart,
} from '../../core';
import { type HandshakeAnswer } from '../../core/schemes/types';
import { BODY_SIGNATURE_SCHEMES, HMAC_HEADER_SCHEMES, PUBLIC_KEY_SCHEMES } from './schemes';
import { SENDABLE_KEY_SCHEME_IDS } from '../../nodes/shared/schemeParameters';

const SECRET_READING: Record<SecretEncoding, string> = {
	text: 'text (UTF-8 bytes)',
	hex: 'hex-decoded',
	base64: 'base64-decoded',
	whsec: '`whsec_` + base64, decoded',
};

function template(parts: readonly SignedPart[]): string {
	return parts.map((part) => (part.kind === 'literal' ? part.text : `{${part.kind}}`)).join('');
}

function signedContent(scheme: SchemeBase): string {
	const text = `\`${template(scheme.signedContent)}\``;
	const url = scheme.signedContent.find((part) => part.kind === 'url');
	if (url?.kind === 'url' && url.decoded) {
		const escapes = [...url.decoded]
			.map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
			.join(' ');
		return `${text}; in \`{url}\` the escapes ${escapes} are decoded first`;
	}
	if (url?.kind === 'url' && scheme.signedContent.some((part) => part.kind === 'form')) {
		const ports = url.defaultPort === 'either' ? ', accepted with or without `:443`/`:80`' : '';
		const hash = scheme.bodyHash
			? `; a body that is not a form: \`{url}\` alone, with \`${scheme.bodyHash.parameter}=<${scheme.bodyHash.encoding} ${scheme.bodyHash.algorithm.toUpperCase()} of the body>\` in its query, checked against the body`
			: '';
		return `${text}: \`{url}\` as called${ports}; \`{form}\` = the form parameters sorted by name, each name then value (repeated values sorted, once each)${hash}`;
	}
	if ((scheme as Partial<HmacScheme>).keyOrders?.[0] === 'content-as-key') {
		return `${text}, as the HMAC **key**, with the secret as the message (as the published vector does; the documented order is accepted too)`;
	}
	if (scheme.timestamp?.in === 'body') {
		return `${text}; the timestamp is the body's \`${scheme.timestamp.field}\` field`;
	}
	return text;
}

function signatureFormat(scheme: SchemeBase, encoding: DigestEncoding): string {
	const digest = `<${encoding}>`;
	const format = scheme.signatureFormat;
	switch (format.style) {
		case 'plain':
			return `\`${format.prefix}${digest}\``;
		case 'versioned-list':
			return `\`${format.version},${digest}\`, space-separated, one per secret`;
		case 'key-value':
			return `\`${format.timestampKey}=<ts>${format.pairSeparator}${format.signatureKey}=${digest}\`, one \`${format.signatureKey}\` per secret`;
	}
}

function otherHeaders(scheme: SchemeBase): string {
	const names: string[] = [];
	const source = scheme.timestamp;
	if (source?.in === 'header') names.push(`\`${source.header}\` (${source.format})`);
	if (source?.in === 'body' && source.alsoHeader)
		names.push(`\`${source.alsoHeader}\` (unsigned copy)`);
	if (scheme.idHeader) names.push(`\`${scheme.idHeader}\``);
	if (scheme.eventHeader) names.push(`\`${scheme.eventHeader}\``);
	return names.join(', ') || '—';
}

/** The default window, and what a call without the timestamp, or with an old one, gets. */
function window(scheme: SchemeBase): string {
	if (!scheme.timestamp || !signsTimestamp(scheme)) {
		return 'none: no signed timestamp, a call of any age passes (only replay protection stops a copy)';
	}
	const seconds = effectiveTolerance(scheme, undefined);
	const refusals = 'missing: `timestamp_missing`; older or newer: `timestamp_too_old` / `_too_new`';
	if (seconds === 0) {
		return `none by default (the provider documents none, and a retry may carry the original timestamp); with a tolerance set, ${refusals}`;
	}
	return `±${seconds} s; ${refusals}`;
}

export function schemeTable(): string {
	const rows = HMAC_HEADER_SCHEMES.map((scheme) =>
		[
			`${scheme.name} (\`${scheme.id}\`)`,
			`\`${scheme.signatureHeader}\``,
			signatureFormat(scheme, scheme.digestEncoding),
			signedContent(scheme),
			`HMAC-${scheme.algorithm.toUpperCase()}`,
			SECRET_READING[scheme.secretEncoding],
			otherHeaders(scheme),
			window(scheme),
		].join(' | '),
	);
	return [
		'| Scheme (id) | Signature header | Header value | What is signed | Algorithm | Secret read as | Other headers | Replay window (default); a missing or old timestamp |',
		'|---|---|---|---|---|---|---|---|',
		...rows.map((row) => `| ${row} |`),
	].join('\n');
}

const ALGORITHM: Record<PublicKeyAlgorithm, string> = {
	ed25519: 'Ed25519 (RFC 8032)',
	'ecdsa-p256-sha256': 'ECDSA P-256 over SHA-256, DER signature',
};

/** The public-key schemes, from PUBLIC_KEY_SCHEMES; "one per secret" reads "one per key" there. */
export function publicKeySchemeTable(): string {
	const rows = PUBLIC_KEY_SCHEMES.map((scheme: PublicKeyScheme) =>
		[
			`${scheme.name} (\`${scheme.id}\`)`,
			`\`${scheme.signatureHeader}\``,
			signatureFormat(scheme, scheme.signatureEncoding).replace('one per secret', 'one per key'),
			signedContent(scheme),
			ALGORITHM[scheme.algorithm],
			otherHeaders(scheme),
			window(scheme),
			SENDABLE_KEY_SCHEME_IDS.includes(scheme.id) ? 'yes' : 'no: verify only',
		].join(' | '),
	);
	return [
		'| Scheme (id) | Signature header | Header value | What is signed | Algorithm | Other headers | Replay window (default); a missing or old timestamp | Send Webhook signs it |',
		'|---|---|---|---|---|---|---|---|',
		...rows.map((row) => `| ${row} |`),
	].join('\n');
}

function describeAnswer(answer: HandshakeAnswer): string {
	switch (answer.kind) {
		case 'fixed-json':
			return `\`application/json\`: \`${answer.json}\``;
		case 'echo':
			return `\`text/plain\`: the body's \`${answer.path.join('.')}\`, as sent`;
		case 'hmac-json': {
			const field = answer.path.join('.');
			const hmac = `HMAC-${answer.algorithm.toUpperCase()} of ${field} keyed with the secret, ${answer.encoding}`;
			const members = answer.members
				.map(({ name, value }) => `"${name}":"<${value === 'hmac' ? hmac : field}>"`)
				.join(',');
			return `\`application/json\`: \`{${members}}\``;
		}
	}
}

/** The handshakes the trigger answers itself, from the catalog. */
export function handshakeTable(): string {
	const schemes: SchemeBase[] = [...HMAC_HEADER_SCHEMES, ...PUBLIC_KEY_SCHEMES];
	const rows = schemes.flatMap((scheme) =>
		scheme.handshake
			? [
					[
						`${scheme.name} (\`${scheme.id}\`)`,
						`the JSON body's \`${scheme.handshake.match.path.join('.')}\` is \`${JSON.stringify(scheme.handshake.match.value)}\``,
						describeAnswer(scheme.handshake.answer),
					].join(' | '),
				]
			: [],
	);
	return [
		'| Scheme (id) | A verified call is a handshake when | The trigger answers 200 with |',
		'|---|---|---|',
		...rows.map((row) => `| ${row} |`),
	].join('\n');
}

/**
 * The schemes whose signature travels in the body (Mailgun), from
 * BODY_SIGNATURE_SCHEMES: where the fields are instead of a header, and the
 * token memory their missing payload signature makes mandatory.
 */
export function bodySignatureSchemeTable(): string {
	const rows = BODY_SIGNATURE_SCHEMES.map((scheme) => {
		const spec = scheme.bodySignature;
		if (!spec) throw new Error(`${scheme.id} is listed as body-signed but has no bodySignature`);
		const names = [spec.timestampField, spec.tokenField, spec.signatureField];
		const fields = names.map((name) => `\`${name}\``).join(', ');
		const alternates = spec.alternateSignatureFields.map((name) => `\`${name}\``).join(', ');
		const seconds = effectiveTolerance(scheme, undefined);
		return [
			`${scheme.name} (\`${scheme.id}\`)`,
			`JSON: the \`${spec.jsonMember}\` object's ${fields}; form: top-level fields of those names${alternates ? `; optional ${alternates}, checked like \`${spec.signatureField}\`` : ''}`,
			`\`${template(scheme.signedContent).replace('{id}', `{${spec.tokenField}}`)}\` only: \`${spec.payloadMember}\` and the rest of the body are **not** signed`,
			`HMAC-${scheme.algorithm.toUpperCase()}, ${scheme.digestEncoding}`,
			SECRET_READING[scheme.secretEncoding],
			`±${seconds} s, never off; missing: \`timestamp_missing\`; older or newer: \`timestamp_too_old\` / \`_too_new\``,
			scheme.replay === 'required'
				? `always on: a reused ${spec.tokenField} is \`replayed_id\`, kept until its timestamp leaves the window`
				: 'as set',
			`yes: \`{"${spec.jsonMember}":{…},"${spec.payloadMember}":<payload>}\`, a new ${spec.tokenLength}-hex-digit ${spec.tokenField} per attempt`,
		].join(' | ');
	});
	return [
		'| Scheme (id) | Where the signature travels | What is signed | Algorithm | Secret read as | Replay window (default) | Token memory | Send Webhook signs it |',
		'|---|---|---|---|---|---|---|---|',
		...rows.map((row) => `| ${row} |`),
	].join('\n');
}

/**
 * The README's short table: every scheme, what carries its signature, and
 * which way it works; the full tables are in docs/schemes.md.
 */
export function schemeSummaryTable(): string {
	const row = (scheme: SchemeBase, carrier: string, ways: string) =>
		`| ${scheme.name} | \`${scheme.id}\` | ${carrier} | ${ways} |`;
	const both = 'send and receive';
	return [
		'| Scheme | id | Signature in | Works |',
		'|---|---|---|---|',
		...HMAC_HEADER_SCHEMES.map((scheme) => row(scheme, `\`${scheme.signatureHeader}\``, both)),
		...BODY_SIGNATURE_SCHEMES.map((scheme) => row(scheme, 'the body', both)),
		...PUBLIC_KEY_SCHEMES.map((scheme) =>
			row(
				scheme,
				`\`${scheme.signatureHeader}\` (${scheme.algorithm})`,
				SENDABLE_KEY_SCHEME_IDS.includes(scheme.id) ? both : 'receive',
			),
		),
		'| Generic HMAC | `generic` | a header you name | send and receive |',
	].join('\n');
}
