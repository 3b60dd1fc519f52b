/**
 * Cross-checks of the public-key schemes against the providers' own
 * libraries (dev dependencies only): discord-interactions' verifyKey and
 * @sendgrid/eventwebhook's verifySignature accept what verifies here, refuse
 * what does not, and the reverse.
 */
import { generateKeyPairSync, sign as nodeSign, webcrypto } from 'node:crypto';

import { EventWebhook } from '@sendgrid/eventwebhook';
import { verifyKey } from 'discord-interactions';

import { DISCORD, SENDGRID, sign, verify } from '../../core';
import { timedTextVectors } from '../helpers/vectors';

const payloads = [
	'{"type":1,"id":"1234567890","application_id":"1234567890","token":"test"}',
	'{\n  "pretty": "printed",\n  "unicode": "Grüße ✓ \u2028"\n}',
	JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ sg_event_id: `e${i}`, event: 'open' }))),
];

/** The text with one byte in the middle changed. */
function tamper(text: string): string {
	const bytes = Buffer.from(text);
	bytes[Math.floor(bytes.length / 2)] ^= 0x01;
	return bytes.toString('latin1');
}

const vectorOf = (name: string) => timedTextVectors(name)[0];

describe('discord-interactions verifyKey', () => {
	const pair = generateKeyPairSync('ed25519');
	// As the Developer Portal shows it: the raw public key in hex.
	const publicHex = pair.publicKey
		.export({ format: 'der', type: 'spki' })
		.subarray(-32)
		.toString('hex');
	const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

	it.each(payloads)('accepts what we sign, and refuses it tampered (%#)', async (payload) => {
		const now = new Date();
		const headers = sign(DISCORD, { primary: privatePem }, payload, { timestamp: now });
		const signature = headers['X-Signature-Ed25519'];
		const timestamp = headers['X-Signature-Timestamp'];
		await expect(verifyKey(payload, signature, timestamp, publicHex)).resolves.toBe(true);
		await expect(verifyKey(tamper(payload), signature, timestamp, publicHex)).resolves.toBe(false);
		await expect(
			verifyKey(payload, signature, String(Number(timestamp) + 1), publicHex),
		).resolves.toBe(false);
	});

	it.each(payloads)(
		'we accept what WebCrypto Ed25519 (what verifyKey is built on) signs (%#)',
		async (payload) => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			const key = await webcrypto.subtle.importKey(
				'pkcs8',
				pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
				{ name: 'Ed25519' },
				false,
				['sign'],
			);
			const message = Buffer.from(timestamp + payload);
			const signature = Buffer.from(
				await webcrypto.subtle.sign({ name: 'Ed25519' }, key, message),
			).toString('hex');
			await expect(verifyKey(payload, signature, timestamp, publicHex)).resolves.toBe(true);
			const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
			expect(verify(DISCORD, { primary: publicHex }, Buffer.from(payload), headers)).toMatchObject({
				ok: true,
			});
			expect(
				verify(DISCORD, { primary: publicHex }, Buffer.from(tamper(payload), 'latin1'), headers),
			).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		},
	);

	it('agrees on the published vector, upper-case hex included', async () => {
		const vector = vectorOf('discord-interactions');
		const signature = vector.expected_header_values['X-Signature-Ed25519'];
		const timestamp = String(vector.timestamp);
		const now = new Date((vector.timestamp + 1) * 1000);
		for (const spelling of [signature, signature.toUpperCase()]) {
			await expect(verifyKey(vector.payload, spelling, timestamp, vector.secret)).resolves.toBe(
				true,
			);
			const headers = { 'x-signature-ed25519': spelling, 'x-signature-timestamp': timestamp };
			expect(
				verify(DISCORD, { primary: vector.secret }, Buffer.from(vector.payload), headers, { now }),
			).toMatchObject({ ok: true });
		}
	});
});

describe('@sendgrid/eventwebhook verifySignature', () => {
	const library = new EventWebhook();
	const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	// As SendGrid's Mail Settings show it: base64 DER SubjectPublicKeyInfo.
	const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
	const theirKey = library.convertPublicKeyToECDSA(publicKey);

	it.each(payloads)(
		'both accept an ECDSA P-256 signature made with node:crypto, and both refuse it tampered (%#)',
		(payload) => {
			const timestamp = String(Math.floor(Date.now() / 1000));
			// ECDSA is randomised: every signature here is new, so a few are tried.
			for (let attempt = 0; attempt < 3; attempt++) {
				const signature = nodeSign(
					'sha256',
					Buffer.from(timestamp + payload),
					pair.privateKey,
				).toString('base64');
				const headers = {
					'X-Twilio-Email-Event-Webhook-Signature': signature,
					'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
				};
				expect(library.verifySignature(theirKey, payload, signature, timestamp)).toBe(true);
				expect(
					verify(SENDGRID, { primary: publicKey }, Buffer.from(payload), headers),
				).toMatchObject({ ok: true });

				const tampered = tamper(payload);
				expect(library.verifySignature(theirKey, tampered, signature, timestamp)).toBe(false);
				expect(
					verify(SENDGRID, { primary: publicKey }, Buffer.from(tampered, 'latin1'), headers),
				).toMatchObject({ ok: false, reason: 'signature_mismatch' });
			}
		},
	);

	it('both accept the published vector, and both refuse it signed for another timestamp', () => {
		const vector = vectorOf('sendgrid-event-webhook');
		const key = library.convertPublicKeyToECDSA(vector.secret);
		const signature = vector.expected_header_values['X-Twilio-Email-Event-Webhook-Signature'];
		const headers = vector.expected_header_values;
		const body = Buffer.from(vector.payload);
		expect(library.verifySignature(key, vector.payload, signature, String(vector.timestamp))).toBe(
			true,
		);
		expect(verify(SENDGRID, { primary: vector.secret }, body, headers)).toMatchObject({
			ok: true,
		});
		const later = String(vector.timestamp + 1);
		expect(library.verifySignature(key, vector.payload, signature, later)).toBe(false);
		expect(
			verify(SENDGRID, { primary: vector.secret }, body, {
				...headers,
				'X-Twilio-Email-Event-Webhook-Timestamp': later,
			}),
		).toMatchObject({ ok: false, reason: 'signature_mismatch' });
	});
});
