/** Key helpers shared by the public-key node tests. */
import { generateKeyPairSync } from 'node:crypto';

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
