/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * Known-answer tests: every published (or official-library) vector in
 * test/fixtures/signature-vectors.json that one of our schemes covers must
 * reproduce byte for byte on sign, and verify.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { findScheme, sign, verify, type HmacScheme } from '../../core';

interface Vector {
	secret: string;
	payload: string | Record<string, unknown>;
	timestamp: number | null;
	id: string | null;
	method?: string;
	url?: string;
	expected_header_values: Record<string, string>;
	provenance: string;
	body_bytes_hex?: string;
	source?: string;
}
interface ReferenceScheme {
	scheme: string;
	vectors: Vector[];
}

const fixturePath = join(__dirname, '..', 'fixtures', 'signature-vectors.json');
const reference = JSON.parse(readFileSync(fixturePath, 'utf8')) as ReferenceScheme[];

/** Reference scheme name → our scheme id. */
const COVERED: Record<string, string> = {
	'standard-webhooks': 'standardWebhooks',
	svix: 'svix',
	stripe: 'stripe',
	github: 'github',
	shopify: 'shopify',
	slack: 'slack',
	zoom: 'zoom',
	linear: 'linear',
	'paddle-billing': 'paddle',
	square: 'square',
	hubspot: 'hubspotV3',
	vinsight: 'vinsight',
	twilio: 'twilio',
};

/**
 * Vectors this file does not run, with why. Anything in the fixture that is
 * neither covered nor listed here fails the coverage test below.
 */
const NOT_COVERED: Record<string, string> = {
	'sendgrid-event-webhook': 'public-key scheme: run in public-key-schemes.test.ts',
	'discord-interactions': 'public-key scheme: run in public-key-schemes.test.ts',
};

/**
 * The body bytes: the payload text, or, where the reference gives the
 * parameters (Twilio's form posts), those parameters as the
 * application/x-www-form-urlencoded body that carries them (a list is a
 * name sent once per value).
 */
function bodyOf(payload: Vector['payload']): Buffer {
	if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
	const form = new URLSearchParams();
	for (const [name, value] of Object.entries(payload)) {
		for (const each of Array.isArray(value) ? value : [value]) form.append(name, String(each));
	}
	return Buffer.from(form.toString(), 'utf8');
}

/**
 * The URL the vector's signature was made over. twilio-php's
 * testValidateAddsPortHttps signs the URL with :443 written out and checks
 * it against the URL without: verify is given the URL without, as the
 * reference does, and sign the one Twilio signed.
 */
function signedUrlOf(vector: Vector): string | undefined {
	if (vector.url === undefined || !/AddsPortHttps/.test(vector.source ?? '')) return vector.url;
	return vector.url.replace(/^(https:\/\/[^/?#:]+)/, '$1:443');
}

function timestampOf(scheme: HmacScheme, vector: Vector): Date | undefined {
	if (vector.timestamp === null) return undefined;
	const ms = scheme.timestamp?.format === 'unix-ms' ? vector.timestamp : vector.timestamp * 1000;
	return new Date(ms);
}

function schemeFor(name: string): HmacScheme {
	const scheme = findScheme(COVERED[name]);
	if (scheme?.kind !== 'hmac') throw new Error(`no HMAC scheme ${COVERED[name]}`);
	return scheme;
}

/** The vector's signature header value(s) our scheme produces (others are metadata). */
function headerOf(scheme: HmacScheme, expected: Record<string, string>): string | undefined {
	const key = Object.keys(expected).find(
		(name) => name.toLowerCase() === scheme.signatureHeader.toLowerCase(),
	);
	return key === undefined ? undefined : expected[key];
}

/** HubSpot v1/v2 are plain SHA-256 of secret + content, not HMAC: only v3 is ours. */
function isOurs(schemeName: string, vector: Vector): boolean {
	if (schemeName !== 'hubspot') return true;
	return 'X-HubSpot-Signature-v3' in vector.expected_header_values;
}

const cases = reference.flatMap((entry) =>
	entry.scheme in COVERED
		? entry.vectors
				.filter((vector) => isOurs(entry.scheme, vector))
				.map((vector, index) => ({
					name: `${entry.scheme} #${index + 1} (${vector.provenance})`,
					entry,
					vector,
				}))
		: [],
);

describe('known-answer vectors', () => {
	it('covers every HMAC scheme with vectors in the reference file', () => {
		const withVectors = reference
			.filter((entry) => entry.vectors.length > 0)
			.map((entry) => entry.scheme);
		const unaccounted = withVectors.filter((name) => !(name in COVERED) && !(name in NOT_COVERED));
		expect(unaccounted).toEqual([]);
		expect(cases.length).toBeGreaterThanOrEqual(14);
	});

	it('is the same file as ../shared/reference (when that folder is present)', () => {
		const shared = join(
			__dirname,
			'..',
			'..',
			'..',
			'shared',
			'reference',
			'signature-vectors.json',
		);
		if (!existsSync(shared)) return; // a clone outside the team's workspace has only the copy
		expect(readFileSync(fixturePath)).toEqual(readFileSync(shared));
	});

	describe.each(cases)('$name', ({ entry, vector }) => {
		const scheme = schemeFor(entry.scheme);
		const body = bodyOf(vector.payload);
		const expected = headerOf(scheme, vector.expected_header_values);
		const timestamp = timestampOf(scheme, vector);
		const context = { method: vector.method, url: vector.url };

		if (vector.body_bytes_hex) {
			it('uses the exact body bytes the reference names', () => {
				expect(body.toString('hex')).toBe(vector.body_bytes_hex);
			});
		}

		it('verifies', () => {
			const headers = { ...vector.expected_header_values };
			if (vector.id && scheme.idHeader && !(scheme.idHeader in headers))
				headers[scheme.idHeader] = vector.id;
			const result = verify(scheme, { primary: vector.secret }, body, headers, {
				...context,
				now: timestamp ? new Date(timestamp.getTime() + 1000) : new Date(),
			});
			expect(result).toMatchObject({ ok: true, matchedSecret: 'primary' });
		});

		// A vector holding decoy signatures (rotation lists, Stripe's v0) proves
		// verify; sign only ever writes real ones.
		const hasDecoys = expected !== undefined && /bogus|=0{64}|[,;]v0=/.test(expected);
		if (!hasDecoys) {
			it('signs byte for byte', () => {
				const headers = sign(scheme, { primary: vector.secret }, body, {
					...context,
					url: signedUrlOf(vector),
					timestamp,
					id: vector.id ?? undefined,
				});
				expect(headers[scheme.signatureHeader]).toBe(expected);
				for (const [name, value] of Object.entries(headers)) {
					const published = Object.entries(vector.expected_header_values).find(
						([key]) => key.toLowerCase() === name.toLowerCase(),
					);
					if (published) expect(value).toBe(published[1]);
				}
			});
		}
	});
});
