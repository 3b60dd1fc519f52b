/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its keys are published test keys or made here */
/**
 * Reading keys as providers hand them out: every accepted format gives the
 * same key, every wrong one a reason of its own (a small-order Ed25519
 * point too, in every form), and no message ever holds any part of a
 * private key.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import {
	checkKeySet,
	DISCORD,
	SENDGRID,
	STANDARD_WEBHOOKS_V1A,
	resolveKeyObjects,
	verify,
	type PublicKeyAlgorithm,
} from '../../core';
import { readKey, SMALL_ORDER_ED25519_Y, type KeyRole } from '../../core/crypto/keys';
import {
	decode,
	encode,
	encodedY,
	encodePoint,
	IDENTITY,
	L,
	multiply,
	P,
	samePoint,
	smallOrderEncodings,
	smallOrderPoints,
} from '../helpers/edwards25519';

// RFC 8032 section 7.1 TEST 1: a published key pair, never a real one.
const SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const seed = Buffer.from(SEED_HEX, 'hex');
const publicRaw = Buffer.from(PUBLIC_HEX, 'hex');

const ed = readKey(SEED_HEX, 'ed25519', 'private');
if (!ed.ok) throw new Error('the RFC 8032 seed must read');
const edPrivate = ed.key;
const edPublic = createPublicKey(edPrivate);
const pem = (key: KeyObject, type: 'spki' | 'pkcs8') =>
	key.export({ format: 'pem', type }).toString();
const derBase64 = (key: KeyObject, type: 'spki' | 'pkcs8') =>
	key.export({ format: 'der', type }).toString('base64');

// SendGrid's published verification key (signature-vectors.json).
const SENDGRID_KEY =
	'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const x25519 = generateKeyPairSync('x25519');

/** The raw public key a key object holds, to compare what different formats gave. */
function spki(key: KeyObject): string {
	const publicKey = key.type === 'public' ? key : createPublicKey(key);
	return publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
}

/** No 12-character run of a key's payload (its base64 or hex body) appears in `text`. */
function expectNoKeyMaterial(text: string, key: string) {
	const payload = key.replace(/-----[A-Z ]+-----|\s|^wh[sp]k_/g, '');
	for (let i = 0; i + 12 <= payload.length; i += 3) {
		expect(text).not.toContain(payload.slice(i, i + 12));
	}
}

describe('Ed25519 public keys: every format providers use reads as the same key', () => {
	it.each([
		['hex (Discord)', PUBLIC_HEX],
		['upper-case hex', PUBLIC_HEX.toUpperCase()],
		['base64 of the raw 32 bytes', publicRaw.toString('base64')],
		['base64 without padding', publicRaw.toString('base64').replace(/=+$/, '')],
		['PEM (SPKI)', pem(edPublic, 'spki')],
		['base64 DER (SPKI)', derBase64(edPublic, 'spki')],
		['whpk_ (Standard Webhooks)', `whpk_${publicRaw.toString('base64')}`],
		['with a stray line break from copying', `${PUBLIC_HEX}\n`],
	])('%s', (_name, text) => {
		const read = readKey(text, 'ed25519', 'public');
		expect(read).toMatchObject({ ok: true });
		if (read.ok) expect(spki(read.key)).toBe(spki(edPublic));
	});
});

describe('Ed25519 private keys: every format reads as the same key', () => {
	const libsodium = Buffer.concat([seed, publicRaw]); // seed then public key
	it.each([
		['hex seed', SEED_HEX],
		['base64 seed', seed.toString('base64')],
		['hex of seed and public key (libsodium)', libsodium.toString('hex')],
		['PEM (PKCS#8)', pem(edPrivate, 'pkcs8')],
		['base64 DER (PKCS#8)', derBase64(edPrivate, 'pkcs8')],
		['whsk_ with the 32-byte seed', `whsk_${seed.toString('base64')}`],
		['whsk_ with seed and public key (Svix)', `whsk_${libsodium.toString('base64')}`],
	])('%s', (_name, text) => {
		const read = readKey(text, 'ed25519', 'private');
		expect(read).toMatchObject({ ok: true });
		if (read.ok) {
			expect(read.key.type).toBe('private');
			expect(spki(read.key)).toBe(spki(edPublic));
		}
	});
});

describe('ECDSA P-256 public keys', () => {
	it.each([
		['base64 DER SPKI (SendGrid)', SENDGRID_KEY],
		[
			'PEM',
			pem(
				createPublicKey({ key: Buffer.from(SENDGRID_KEY, 'base64'), format: 'der', type: 'spki' }),
				'spki',
			),
		],
	])('%s', (_name, text) => {
		const read = readKey(text, 'ecdsa-p256-sha256', 'public');
		expect(read).toMatchObject({ ok: true });
		if (read.ok) expect(read.key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
	});
});

type Case = [
	name: string,
	text: string,
	algorithm: PublicKeyAlgorithm,
	role: KeyRole,
	problem: RegExp,
];

const randomHex = (bytes: number) => Buffer.alloc(bytes, 0xab).toString('hex');
const mismatched = Buffer.concat([seed, Buffer.alloc(32, 1)]).toString('base64');

const refused: Case[] = [
	// Ed25519, public expected
	[
		'31 bytes of hex',
		randomHex(31),
		'ed25519',
		'public',
		/is 31 bytes; an Ed25519 key is 32 raw bytes/,
	],
	[
		'33 bytes of base64',
		Buffer.alloc(33, 7).toString('base64'),
		'ed25519',
		'public',
		/is 33 bytes/,
	],
	[
		'64 bytes (a private key or a signature)',
		randomHex(64),
		'ed25519',
		'public',
		/is 64 bytes, the size of an Ed25519 private key/,
	],
	[
		'an odd number of hex digits',
		PUBLIC_HEX.slice(1),
		'ed25519',
		'public',
		/odd number of hex characters/,
	],
	[
		'neither hex nor base64',
		'not a key!',
		'ed25519',
		'public',
		/is not hex, base64, PEM or whpk_\/whsk_ text/,
	],
	[
		'URL-safe base64',
		'-_-_' + publicRaw.toString('base64url').slice(4),
		'ed25519',
		'public',
		/is not hex, base64/,
	],
	[
		'a PEM private key',
		pem(edPrivate, 'pkcs8'),
		'ed25519',
		'public',
		/is a private key: paste the public key here/,
	],
	[
		'a base64 DER private key',
		derBase64(edPrivate, 'pkcs8'),
		'ed25519',
		'public',
		/is a private key/,
	],
	[
		'a whsk_ private key',
		`whsk_${seed.toString('base64')}`,
		'ed25519',
		'public',
		/is a private key/,
	],
	[
		'a SEC1 EC private key',
		pem(p256.privateKey, 'pkcs8').replace(/PRIVATE KEY/g, 'EC PRIVATE KEY'),
		'ed25519',
		'public',
		/is a private key/,
	],
	[
		'whpk_ of 31 bytes',
		`whpk_${Buffer.alloc(31, 2).toString('base64')}`,
		'ed25519',
		'public',
		/holds 31 bytes; a whpk_ key holds the 32-byte/,
	],
	['whpk_ and not base64', 'whpk_***', 'ed25519', 'public', /is not whpk_ followed by base64/],
	[
		'damaged PEM',
		pem(edPublic, 'spki').replace(/\n[^-\n]{10}/, '\n'),
		'ed25519',
		'public',
		/PEM that cannot be read/,
	],
	[
		'a P-256 key',
		pem(p256.publicKey, 'spki'),
		'ed25519',
		'public',
		/is an ec key on curve prime256v1; this needs an Ed25519 key/,
	],
	[
		'an RSA key',
		derBase64(rsa.publicKey, 'spki'),
		'ed25519',
		'public',
		/is an rsa key; this needs an Ed25519 key/,
	],
	[
		'an X25519 key (the other curve25519 key)',
		pem(x25519.publicKey, 'spki'),
		'ed25519',
		'public',
		/is an x25519 key/,
	],
	// Ed25519, private expected
	[
		'a public key where the private one belongs',
		pem(edPublic, 'spki'),
		'ed25519',
		'private',
		/is a public key: signing needs the private key/,
	],
	[
		'whpk_ where the private key belongs',
		`whpk_${publicRaw.toString('base64')}`,
		'ed25519',
		'private',
		/is a public key/,
	],
	['base64 DER public key', derBase64(edPublic, 'spki'), 'ed25519', 'private', /is a public key/],
	[
		'whsk_ of 48 bytes',
		`whsk_${Buffer.alloc(48, 3).toString('base64')}`,
		'ed25519',
		'private',
		/holds 48 bytes; a whsk_ key holds a 32-byte seed or 64 bytes/,
	],
	[
		'whsk_ whose public half is another key',
		`whsk_${mismatched}`,
		'ed25519',
		'private',
		/seed and a public key that do not belong together/,
	],
	['an RSA private key', pem(rsa.privateKey, 'pkcs8'), 'ed25519', 'private', /is an rsa key/],
	// ECDSA P-256, public expected
	[
		'a P-384 key',
		derBase64(p384.publicKey, 'spki'),
		'ecdsa-p256-sha256',
		'public',
		/is an ec key on curve secp384r1; this needs an ECDSA P-256/,
	],
	[
		'a secp256k1 key',
		pem(k256.publicKey, 'spki'),
		'ecdsa-p256-sha256',
		'public',
		/on curve secp256k1/,
	],
	[
		'an Ed25519 key',
		derBase64(edPublic, 'spki'),
		'ecdsa-p256-sha256',
		'public',
		/is an ed25519 key; this needs an ECDSA P-256/,
	],
	['raw 32 bytes', PUBLIC_HEX, 'ecdsa-p256-sha256', 'public', /is not a DER SPKI public key/],
	[
		'SendGrid key cut short',
		SENDGRID_KEY.slice(0, 60),
		'ecdsa-p256-sha256',
		'public',
		/is not a DER SPKI public key/,
	],
	[
		'a P-256 private key',
		pem(p256.privateKey, 'pkcs8'),
		'ecdsa-p256-sha256',
		'public',
		/is a private key/,
	],
	[
		'a base64 DER P-256 private key',
		derBase64(p256.privateKey, 'pkcs8'),
		'ecdsa-p256-sha256',
		'public',
		/is a private key/,
	],
	[
		'a Standard Webhooks key',
		`whpk_${publicRaw.toString('base64')}`,
		'ecdsa-p256-sha256',
		'public',
		/is a Standard Webhooks Ed25519 key; this needs an ECDSA P-256/,
	],
];

describe('wrong keys: a reason of their own, and no key material in it', () => {
	it.each(refused)('%s', (_name, text, algorithm, role, problem) => {
		const read = readKey(text, algorithm, role);
		expect(read).toMatchObject({ ok: false });
		if (!read.ok) {
			expect(read.detail).toMatch(problem);
			expectNoKeyMaterial(read.detail, text);
		}
	});
});

describe('resolveKeyObjects and verify()', () => {
	const body = Buffer.from('{}');
	const headers = { 'x-signature-ed25519': '00'.repeat(64), 'x-signature-timestamp': '1' };

	it('names the key and its role; none configured is no_secret', () => {
		expect(
			resolveKeyObjects({ primary: PUBLIC_HEX, secondary: '!!' }, 'ed25519', 'public'),
		).toEqual({
			ok: false,
			reason: 'invalid_key',
			detail: 'The secondary public key is not hex, base64, PEM or whpk_/whsk_ text',
		});
		expect(resolveKeyObjects({ primary: ' ' }, 'ed25519', 'public')).toEqual({
			ok: false,
			reason: 'no_secret',
			detail: 'No public key is configured',
		});
		const both = resolveKeyObjects(
			{ primary: PUBLIC_HEX, secondary: SEED_HEX },
			'ed25519',
			'public',
		);
		expect(both.ok && both.keys.map((key) => key.label)).toEqual(['primary', 'secondary']);
	});

	it('refuses every call with a bad key before looking at it (invalid_key), never echoing the key', () => {
		for (const [, text, algorithm, role] of refused) {
			if (role !== 'public') continue;
			const scheme = algorithm === 'ed25519' ? DISCORD : SENDGRID;
			const result = verify(scheme, { primary: text }, body, {});
			expect(result).toMatchObject({ ok: false, reason: 'invalid_key' });
			expectNoKeyMaterial(result.detail, text);
		}
		expect(verify(DISCORD, {}, body, headers)).toMatchObject({ ok: false, reason: 'no_secret' });
	});
});

describe('small-order Ed25519 points are no public key: refused in every form (invalid_key)', () => {
	// Under such a key a signature need not come from any private key: on
	// Node 20 (OpenSSL 3.0) the identity key accepts 01 00…00 for any message.
	const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]);
	const forgedSignature = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]);
	const refusal =
		'is a small-order Ed25519 point, not a real public key: signatures under it can be forged (a placeholder such as all zeros?)';
	const encodings = smallOrderEncodings();
	const spkiDer = (raw: Buffer) =>
		Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
	const forms = (raw: Buffer): Array<[form: string, text: string]> => [
		['hex', raw.toString('hex')],
		['base64', raw.toString('base64')],
		['whpk_', `whpk_${raw.toString('base64')}`],
		['PEM SPKI', pem(createPublicKey({ key: spkiDer(raw), format: 'der', type: 'spki' }), 'spki')],
		['base64 DER SPKI', spkiDer(raw).toString('base64')],
	];

	describe('the list, proven with edwards25519 arithmetic', () => {
		it('the arithmetic is right: the base point has order L, RFC 8032 TEST 1 does not have small order', () => {
			// y = 4/5 mod p: (p + 1)·4/5 is an integer, as 5 divides p + 1.
			const base = decode(encode((4n * (P + 1n)) / 5n, 0));
			expect(base).toBeDefined();
			expect(encodePoint(base!).toString('hex')).toBe(
				'5866666666666666666666666666666666666666666666666666666666666666',
			);
			expect(samePoint(multiply(base!, L), IDENTITY)).toBe(true);
			expect(samePoint(multiply(base!, 8n), IDENTITY)).toBe(false);
			expect(samePoint(multiply(decode(publicRaw)!, 8n), IDENTITY)).toBe(false);
		});

		it('8 points have order dividing 8, under 7 y values (14 encodings with either sign bit)', () => {
			const points = smallOrderPoints();
			expect(points).toHaveLength(8);
			for (const point of points) expect(samePoint(multiply(point, 8n), IDENTITY)).toBe(true);
			const ys = new Set(encodings.map((bytes) => encodedY(bytes)));
			// 1 (the identity), p - 1 (order 2), 0 (order 4), two of order 8,
			// and the non-canonical p and p + 1 (the only y + p below 2^255).
			expect(ys.size).toBe(7);
			for (const y of [0n, 1n, P - 1n, P, P + 1n]) expect(ys.has(y)).toBe(true);
			expect(encodings).toHaveLength(14);
			// The product's list is exactly these y values: none missing, none extra.
			expect([...SMALL_ORDER_ED25519_Y].sort()).toEqual(
				[...new Set(encodings.map((bytes) => encode(encodedY(bytes), 0).toString('hex')))].sort(),
			);
			for (const bytes of encodings) {
				const point = decode(bytes);
				expect(point).toBeDefined();
				expect(samePoint(multiply(point!, 8n), IDENTITY)).toBe(true);
			}
		});
	});

	it.each(encodings.map((raw) => [raw.toString('hex'), raw]))(
		'%s, as hex, base64, whpk_, PEM and base64 DER: readKey, resolveKeyObjects and checkKeySet refuse it',
		(_hex, raw) => {
			for (const [form, text] of forms(raw)) {
				const read = readKey(text, 'ed25519', 'public');
				expect([form, read]).toEqual([form, { ok: false, reason: 'invalid_key', detail: refusal }]);
				expect(
					resolveKeyObjects(
						{ primary: publicRaw.toString('hex'), secondary: text },
						'ed25519',
						'public',
					),
				).toEqual({
					ok: false,
					reason: 'invalid_key',
					detail: `The secondary public key ${refusal}`,
				});
				expect([form, checkKeySet({ publicKey: text })]).toEqual([
					form,
					{ ok: false, reason: 'invalid_key', detail: `The primary public key ${refusal}` },
				]);
				expect(checkKeySet({ publicKey: PUBLIC_HEX, secondaryPublicKey: text })).toEqual({
					ok: false,
					reason: 'invalid_key',
					detail: `The secondary public key ${refusal}`,
				});
				expectNoKeyMaterial(refusal, text);
			}
		},
	);

	it('a real key is not refused: the RFC 8032 key and random ones read, and none has small order', () => {
		const keys = [
			publicRaw,
			...Array.from({ length: 16 }, () =>
				generateKeyPairSync('ed25519')
					.publicKey.export({ format: 'der', type: 'spki' })
					.subarray(-32),
			),
		];
		for (const raw of keys) {
			expect(samePoint(multiply(decode(raw)!, 8n), IDENTITY)).toBe(false);
			for (const [form, text] of forms(raw))
				expect([form, readKey(text, 'ed25519', 'public').ok]).toEqual([form, true]);
		}
	});

	it.each([
		['the identity', identity],
		['all zeros', Buffer.alloc(32)],
	])(
		'verify() under %s: Standard Webhooks v1a and Discord refuse 01 00…00 as invalid_key, not valid',
		(_name, key) => {
			const now = new Date('2026-01-01T00:00:00Z');
			const seconds = String(now.getTime() / 1000);
			const body = Buffer.from('{"forged":true}');
			const v1a = verify(
				STANDARD_WEBHOOKS_V1A,
				{ primary: `whpk_${key.toString('base64')}` },
				body,
				{
					'webhook-id': 'msg_forged',
					'webhook-timestamp': seconds,
					'webhook-signature': `v1a,${forgedSignature.toString('base64')}`,
				},
				{ now },
			);
			const discord = verify(
				DISCORD,
				{ primary: key.toString('hex') },
				body,
				{
					'x-signature-ed25519': forgedSignature.toString('hex'),
					'x-signature-timestamp': seconds,
				},
				{ now },
			);
			for (const result of [v1a, discord]) {
				expect(result).toEqual({
					ok: false,
					reason: 'invalid_key',
					detail: `The primary public key ${refusal}`,
				});
			}
		},
	);
});
