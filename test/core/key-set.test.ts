/**
 * A key pair credential checked without a scheme (checkKeySet). (The
 * Discord PING is in handshake.test.ts, with the other handshakes.)
 */
import { generateKeyPairSync } from 'node:crypto';

import { checkKeySet } from '../../core';

// RFC 8032 section 7.1 TEST 1 and TEST 2: published key pairs, never real ones.
const SEED_1 = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC_1 = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const PUBLIC_2 = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
const whpk = `whpk_${Buffer.from(PUBLIC_1, 'hex').toString('base64')}`;
const whsk = `whsk_${Buffer.from(SEED_1, 'hex').toString('base64')}`;
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const p256Public = p256.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const p256Private = p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });

describe('checkKeySet', () => {
	it.each([
		['Discord hex', { publicKey: PUBLIC_1 }, 'ed25519'],
		['whpk_ with its whsk_', { publicKey: whpk, privateKey: whsk }, 'ed25519'],
		[
			'rotation: private key of the secondary',
			{ publicKey: PUBLIC_2, secondaryPublicKey: PUBLIC_1, privateKey: SEED_1 },
			'ed25519',
		],
		['SendGrid base64 DER', { publicKey: p256Public }, 'ecdsa-p256-sha256'],
		[
			'P-256 pair, PEM private key',
			{ publicKey: p256Public, privateKey: p256Private },
			'ecdsa-p256-sha256',
		],
	])('%s reads', (_name, keys, algorithm) => {
		expect(checkKeySet(keys)).toMatchObject({ ok: true, algorithm });
	});

	it('says which public key the private key belongs to', () => {
		expect(checkKeySet({ publicKey: whpk, privateKey: whsk })).toMatchObject({
			privateKeyMatches: 'primary',
		});
		expect(
			checkKeySet({ publicKey: PUBLIC_2, secondaryPublicKey: PUBLIC_1, privateKey: SEED_1 }),
		).toMatchObject({ privateKeyMatches: 'secondary' });
	});

	it.each([
		[{ publicKey: '' }, 'The public key is empty'],
		[{ publicKey: '   ' }, 'The public key is empty'],
		[
			{ publicKey: PUBLIC_1.slice(1) },
			'The primary public key has an odd number of hex characters',
		],
		[
			{ publicKey: whsk },
			'The primary public key is a private key: paste the public key here, and keep the private key to the sender',
		],
		[
			{ publicKey: p384.publicKey.export({ format: 'pem', type: 'spki' }).toString() },
			'The primary public key is an ec key on curve secp384r1; this needs an Ed25519 key or an ECDSA P-256 (prime256v1) key',
		],
		[
			{ publicKey: PUBLIC_1, secondaryPublicKey: p256Public },
			'The secondary public key is an ec key on curve prime256v1; this needs an Ed25519 key',
		],
		[
			{ publicKey: PUBLIC_1, privateKey: whpk },
			'The private key is a public key: signing needs the private key',
		],
		[
			{ publicKey: PUBLIC_2, privateKey: whsk },
			'The private key does not belong to the public key: a signature it makes does not verify with either public key',
		],
		[
			{ publicKey: p256Public, privateKey: whsk },
			'The private key is a Standard Webhooks Ed25519 key; this needs an ECDSA P-256 (prime256v1) key',
		],
	])('%j: %s', (keys, problem) => {
		const result = checkKeySet(keys);
		expect(result).toEqual({ ok: false, reason: 'invalid_key', detail: problem });
	});

	it('never repeats a private key', () => {
		for (const privateKey of [whsk, SEED_1, p256Private]) {
			const result = checkKeySet({ publicKey: PUBLIC_2, privateKey });
			expect(result.ok).toBe(false);
			const text = JSON.stringify(result);
			const body = privateKey.replace(/-----[A-Z ]+-----|\s|^whsk_/g, '');
			for (let i = 0; i + 12 <= body.length; i += 4)
				expect(text).not.toContain(body.slice(i, i + 12));
		}
	});
});
