/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: RFC 8032 publishes this pair; it guards nothing */
/** Key helpers shared by the public-key node tests. */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A fresh Ed25519 pair in Standard Webhooks' whsk_/whpk_ form. */
export function standardWebhooksPair(): { whsk: string; whpk: string } {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
	const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
	return { whsk: `whsk_${seed.toString('base64')}`, whpk: `whpk_${raw.toString('base64')}` };
}

/** Nothing of a key's payload (any 12 characters of its base64, hex or PEM body) appears in `text`. */
export function expectNoKeyMaterial(text: string, key: string): void {
	const payload = key.replace(/-----[A-Z ]+-----|\s|^wh[sp]k_/g, '');
	for (let i = 0; i + 12 <= payload.length; i += 3) {
		expect(text).not.toContain(payload.slice(i, i + 12));
	}
}

/**
 * RFC 8032 section 7.1 TEST 1: a published Ed25519 pair (also the Discord
 * vector's key in signature-vectors.json), never a real one.
 */
export const RFC8032_TEST1 = {
	seedHex: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
	publicKeyHex: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
} as const;

/** An Ed25519 private key from its 32-byte seed: PKCS#8 is a fixed prefix, then the seed. */
export function ed25519FromSeed(seed: Buffer): KeyObject {
	return createPrivateKey({
		key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
		format: 'der',
		type: 'pkcs8',
	});
}
