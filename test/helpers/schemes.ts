import {
	SCHEMES,
	buildGenericScheme,
	type GenericHmacSettings,
	type HmacScheme,
	type PublicKeyScheme,
	type SecretEncoding,
} from '../../core';
import type { Seeded } from './seeded';

/**
 * Views of the catalog the tests walk: the HMAC schemes whose signature is
 * in a header (what most header tests mean by "every scheme"), Mailgun's
 * kind (the signature in the body), and the public-key schemes.
 */
export const HMAC_HEADER_SCHEMES: readonly HmacScheme[] = SCHEMES.filter(
	(scheme): scheme is HmacScheme => scheme.kind === 'hmac' && !scheme.bodySignature,
);
export const BODY_SIGNATURE_SCHEMES: readonly HmacScheme[] = SCHEMES.filter(
	(scheme): scheme is HmacScheme => scheme.kind === 'hmac' && scheme.bodySignature !== undefined,
);
export const PUBLIC_KEY_SCHEMES: readonly PublicKeyScheme[] = SCHEMES.filter(
	(scheme): scheme is PublicKeyScheme => scheme.kind === 'public-key',
);

/** A random secret written the way `encoding` expects. */
export function randomSecret(encoding: SecretEncoding, random: Seeded): string {
	const bytes = random.bytes(random.int(16, 48));
	switch (encoding) {
		case 'text':
			return bytes.toString('base64url');
		case 'hex':
			return bytes.toString('hex');
		case 'base64':
			return bytes.toString('base64');
		case 'whsec':
			return `whsec_${bytes.toString('base64')}`;
	}
}

/** Random bytes, sometimes JSON-looking, sometimes not UTF-8 at all. */
export function randomBody(random: Seeded): Buffer {
	const kind = random.int(0, 3);
	if (kind === 0)
		return Buffer.from(JSON.stringify({ id: random.int(0, 1e9), note: 'café ✓ \u2028', n: 1.0 }));
	if (kind === 1) return random.bytes(random.int(1, 2048));
	return Buffer.from(
		`{"records":[${Array.from({ length: random.int(1, 20) }, (_, i) => `{"i":${i}}`).join(',')}]}`,
	);
}

export function generic(settings: Partial<GenericHmacSettings>): HmacScheme {
	const built = buildGenericScheme({
		signatureHeader: 'X-Signature',
		algorithm: 'sha256',
		digestEncoding: 'hex',
		prefix: '',
		signedContent: '{body}',
		secretEncoding: 'text',
		...settings,
	});
	if (!built.ok) throw new Error(built.detail);
	return built.scheme;
}

/** Generic HMAC configurations that exercise every option. */
export const GENERIC_VARIANTS: readonly HmacScheme[] = [
	generic({}),
	generic({ algorithm: 'sha1', digestEncoding: 'base64', prefix: 'sha1=' }),
	generic({ algorithm: 'sha512', secretEncoding: 'hex', prefix: 'sha512=' }),
	generic({
		signedContent: '{id}.{timestamp}.{body}',
		timestampHeader: 'X-Timestamp',
		timestampFormat: 'unix-ms',
		idHeader: 'X-Id',
		secretEncoding: 'base64',
	}),
	generic({
		signedContent: '{timestamp}|{method} {url}|{body}',
		timestampHeader: 'X-Sent-At',
		timestampFormat: 'iso8601',
	}),
];

export const ALL_SCHEMES: readonly HmacScheme[] = [...HMAC_HEADER_SCHEMES, ...GENERIC_VARIANTS];

export function signsTimestamp(scheme: HmacScheme): boolean {
	const source = scheme.timestamp;
	if (!source) return false;
	return scheme.signedContent.some(
		(part) => part.kind === (source.in === 'body' ? 'body' : 'timestamp'),
	);
}

/** The body a scheme needs: schemes that carry their timestamp in the JSON body get it there. */
export function bodyFor(scheme: HmacScheme, at: Date, base: Buffer): Buffer {
	const source = scheme.timestamp;
	if (scheme.bodyFormat === 'json' && source?.in !== 'body') {
		return Buffer.from(JSON.stringify({ data: base.toString('base64') }));
	}
	if (source?.in !== 'body') return base;
	const value =
		source.format === 'unix-ms'
			? at.getTime()
			: source.format === 'iso8601'
				? at.toISOString()
				: Math.floor(at.getTime() / 1000);
	return Buffer.from(JSON.stringify({ [source.field]: value, data: base.toString('base64') }));
}

export const REQUEST_LINE = { method: 'POST', url: 'https://example.test/hooks/in?x=1' };
