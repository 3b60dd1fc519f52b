/**
 * A secret per endpoint, derived from the credential's master secret and
 * never stored: the endpoint's id and secret version give it again on every
 * run, so no table holds a secret to leak, and one endpoint's secret, once
 * revealed to its owner, tells nothing of another's or of the master.
 */
import { hkdfSync } from 'node:crypto';

import { resolveKeys, type SecretSet } from '../crypto/secrets';
import type { Failure } from '../result';
import type { SecretEncoding } from '../schemes/types';
import { describeIdProblem } from './deliveryId';
import { MAX_ENDPOINT_ID_LENGTH, MAX_SECRET_VERSION, type Endpoint } from './endpoints';

/**
 * HKDF-SHA256 (RFC 5869), fixed here and nowhere else: changing any of these
 * changes every endpoint's secret. The salt names this package and purpose,
 * so the master yields these bytes for nothing else it may be used for
 * (domain separation). The info puts the version first: it is digits only,
 * so `${version}:${id}` splits one way even though an id may hold ":".
 */
const DERIVATION = {
	hash: 'sha256',
	salt: Buffer.from('n8n-nodes-signed-webhooks endpoint secret', 'utf8'),
	info: (version: number, endpointId: string) => Buffer.from(`${version}:${endpointId}`, 'utf8'),
	length: 32,
} as const;

export type EndpointSecretFailure = Failure<'no_secret' | 'invalid_secret' | 'invalid_endpoint'>;

export type EndpointSecretResult =
	| { readonly ok: true; readonly secret: string }
	| EndpointSecretFailure;

export type EndpointSecretSetResult =
	| { readonly ok: true; readonly secrets: SecretSet }
	| EndpointSecretFailure
	| Failure<'invalid_rotation'>;

/**
 * The secret of version `version` of endpoint `endpointId`, written as the
 * scheme reads a secret (`master.encoding`, else `schemeEncoding`): `whsec_`
 * and base64, base64, hex, or for text 64 lowercase hex characters, whose
 * UTF-8 text is the key on both sides. The master key is the primary secret
 * as the scheme reads it; the secondary plays no part.
 */
export function deriveEndpointSecret(
	master: SecretSet,
	schemeEncoding: SecretEncoding,
	endpointId: string,
	version: number,
): EndpointSecretResult {
	const idProblem = describeIdProblem(endpointId, MAX_ENDPOINT_ID_LENGTH);
	if (idProblem) return failure('invalid_endpoint', `The endpoint id ${idProblem}`);
	if (!Number.isSafeInteger(version) || version < 1 || version > MAX_SECRET_VERSION) {
		return failure(
			'invalid_endpoint',
			`The secret version must be a whole number from 1 to ${MAX_SECRET_VERSION}`,
		);
	}
	if (master.primary === undefined || master.primary === '') {
		return failure(
			'no_secret',
			"No master secret is configured: the credential's primary secret derives each endpoint's",
		);
	}
	const resolved = resolveKeys(
		{ primary: master.primary, encoding: master.encoding },
		schemeEncoding,
	);
	if (!resolved.ok) return resolved;
	const { key } = resolved.keys[0];
	const ikm = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
	const bytes = Buffer.from(
		hkdfSync(
			DERIVATION.hash,
			ikm,
			DERIVATION.salt,
			DERIVATION.info(version, endpointId),
			DERIVATION.length,
		),
	);
	return { ok: true, secret: written(bytes, master.encoding ?? schemeEncoding) };
}

function written(bytes: Buffer, encoding: SecretEncoding): string {
	switch (encoding) {
		case 'whsec':
			return `whsec_${bytes.toString('base64')}`;
		case 'base64':
			return bytes.toString('base64');
		case 'hex':
		case 'text':
			return bytes.toString('hex');
	}
}

/**
 * The secrets to sign an endpoint's calls with: its current version's, and
 * while a rotation's overlap lasts (from `secretRotatedAt`, `overlapMs`
 * long) the version before's as the secondary, so a receiver still holding
 * the old secret accepts the call too (sign() signs with both where the
 * scheme carries several signatures). Without `secretRotatedAt` the
 * rotation is taken as long past. The set keeps `master.encoding`.
 */
export function endpointSecretSet(
	master: SecretSet,
	schemeEncoding: SecretEncoding,
	endpoint: Pick<Endpoint, 'id' | 'secretVersion' | 'secretRotatedAt'>,
	rotation: { readonly overlapMs: number; readonly now: Date },
): EndpointSecretSetResult {
	if (!Number.isFinite(rotation.overlapMs) || rotation.overlapMs < 0) {
		return failure('invalid_rotation', 'The rotation overlap must be a number of ms, 0 or more');
	}
	const { id, secretVersion, secretRotatedAt } = endpoint;
	const primary = deriveEndpointSecret(master, schemeEncoding, id, secretVersion);
	if (!primary.ok) return primary;
	const encoding = master.encoding === undefined ? {} : { encoding: master.encoding };
	const overlapping =
		secretVersion > 1 &&
		secretRotatedAt !== undefined &&
		rotation.now.getTime() < secretRotatedAt.getTime() + rotation.overlapMs;
	if (!overlapping) return { ok: true, secrets: { primary: primary.secret, ...encoding } };
	const secondary = deriveEndpointSecret(master, schemeEncoding, id, secretVersion - 1);
	if (!secondary.ok) return secondary;
	return {
		ok: true,
		secrets: { primary: primary.secret, secondary: secondary.secret, ...encoding },
	};
}

function failure<Reason extends string>(reason: Reason, detail: string): Failure<Reason> {
	return { ok: false, reason, detail };
}
