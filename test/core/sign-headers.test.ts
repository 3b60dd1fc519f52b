import { headersSignSets, sign, withBodyHash, type Scheme, type SignOptions } from '../../core';
import { RFC8032_TEST1 } from '../helpers/keys';
import {
	BODY_SIGNATURE_SCHEMES,
	GENERIC_VARIANTS,
	HMAC_HEADER_SCHEMES,
	PUBLIC_KEY_SCHEMES,
	REQUEST_LINE,
	bodyFor,
	generic,
	randomBody,
	randomSecret,
} from '../helpers/schemes';
import { seeded } from '../helpers/seeded';

const at = new Date('2026-11-22T12:00:00.000Z');
// Which headers are set does not depend on the values: any fixed seed will do.
const random = seeded(17);

/**
 * Every scheme a workflow can send: the HMAC catalog, Generic HMAC (with an
 * id header, and every other option), and the Ed25519 public-key schemes
 * (ECDSA is only verified).
 */
const SENDABLE: readonly Scheme[] = [
	...HMAC_HEADER_SCHEMES,
	...GENERIC_VARIANTS,
	generic({
		signedContent: '{id}.{timestamp}.{method} {url}.{body}',
		timestampHeader: 'X-Sent-At',
		timestampFormat: 'unix-seconds',
		idHeader: 'X-Delivery',
	}),
	...PUBLIC_KEY_SCHEMES.filter((scheme) => scheme.algorithm === 'ed25519'),
];

function signedHeaderNames(scheme: Scheme, signatureHeader?: string): string[] {
	const [secrets, body] =
		scheme.kind === 'public-key'
			? [{ primary: RFC8032_TEST1.seedHex }, Buffer.from('{"records":[]}')]
			: [
					{
						primary: randomSecret(scheme.secretEncoding, random),
						secondary: randomSecret(scheme.secretEncoding, random),
					},
					bodyFor(scheme, at, randomBody(random)),
				];
	const options: SignOptions = {
		timestamp: at,
		id: 'msg_headers',
		event: 'test.event',
		method: REQUEST_LINE.method,
		url: withBodyHash(scheme, REQUEST_LINE.url, body),
		signatureHeader,
	};
	return Object.keys(sign(scheme, secrets, body, options));
}

const lowerSorted = (names: readonly string[]): string[] =>
	[...new Set(names.map((name) => name.toLowerCase()))].sort();

describe('headersSignSets: the headers sign() sets, so a sender can keep user headers off them', () => {
	it('covers every sendable scheme', () => {
		expect(SENDABLE.length).toBeGreaterThan(HMAC_HEADER_SCHEMES.length + 1);
	});

	it.each(SENDABLE.map((scheme) => [scheme.name, scheme] as const))(
		'%s: the same names as sign() given every option',
		(_name, scheme) => {
			expect(lowerSorted(headersSignSets(scheme))).toEqual(lowerSorted(signedHeaderNames(scheme)));
		},
	);

	it.each(SENDABLE.map((scheme) => [scheme.name, scheme] as const))(
		'%s: with the signature header renamed, the same names as sign()',
		(_name, scheme) => {
			const names = headersSignSets(scheme, 'X-Renamed-Signature');
			expect(names).toContain('X-Renamed-Signature');
			expect(lowerSorted(names)).toEqual(
				lowerSorted(signedHeaderNames(scheme, 'X-Renamed-Signature')),
			);
		},
	);

	it.each(BODY_SIGNATURE_SCHEMES.map((scheme) => [scheme.name, scheme] as const))(
		'%s: none, since its signature travels in the body (sign() refuses it)',
		(_name, scheme) => {
			expect(headersSignSets(scheme)).toEqual([]);
			expect(() => sign(scheme, { primary: 'a-secret' }, '{}', { timestamp: at })).toThrow(
				/use signBody\(\)/,
			);
		},
	);
});
