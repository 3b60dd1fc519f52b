/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: its secrets are test values */
/**
 * The credentials' local checks, run as n8n runs them when a user saves a
 * credential: in n8n-core's CredentialTestContext, with the type's defaults.
 */
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { runCredentialTest } from '../helpers/n8n';

const node = new SendWebhook();
const signingSecret = async (data: { secret: string; secondarySecret?: string; format?: string }) =>
	await runCredentialTest(node, 'webhookSigningSecretTest', 'webhookSigningSecretApi', data);
const headerAuth = async (data: Record<string, string>) =>
	await runCredentialTest(node, 'webhookHeaderAuthTest', 'webhookHeaderAuthApi', data);

describe('Webhook Signing Secret', () => {
	it.each([
		[{ secret: 'any text at all' }, 'OK', /well-formed/],
		[{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', format: 'whsec' }, 'OK', /well-formed/],
		[{ secret: 'a1b2c3', secondarySecret: 'd4e5f6', format: 'hex' }, 'OK', /well-formed/],
		[{ secret: '' }, 'Error', /^The secret is empty$/],
		[
			{ secret: 'pasted-with-a-newline\n' },
			'Error',
			/primary secret starts or ends with whitespace/,
		],
		[
			{ secret: 'ok', secondarySecret: ' padded' },
			'Error',
			/secondary secret starts or ends with whitespace/,
		],
		[
			{ secret: 'whsec_not*base64', format: 'whsec' },
			'Error',
			/primary secret is not valid Standard Webhooks/,
		],
		[{ secret: 'abc', format: 'hex' }, 'Error', /primary secret is not valid hex/],
		[
			{ secret: 'YWJj', secondarySecret: 'no!', format: 'base64' },
			'Error',
			/secondary secret is not valid base64/,
		],
	])('%j → %s', async (data, status, message) => {
		const result = await signingSecret(data);
		expect(result.status).toBe(status);
		expect(result.message).toMatch(message);
		// A message names the slot, never the value.
		for (const value of [data.secret, (data as { secondarySecret?: string }).secondarySecret]) {
			if (value && value.trim().length > 3) expect(result.message).not.toContain(value.trim());
		}
	});
});

describe('Webhook Header Auth', () => {
	it.each([
		[{ name: 'Authorization', secretValue: 'Bearer abc' }, 'OK', /Authorization is well-formed/],
		[{ name: 'X-Api-Key', secretValue: '' }, 'Error', /value is empty/],
		[{ name: '', secretValue: 'v' }, 'Error', /name is empty/],
		[{ name: 'Bad Name', secretValue: 'v' }, 'Error', /not a valid HTTP header name/],
		[
			{ name: 'X-Api-Key', secretValue: 'v\r\nX-Injected: 1' },
			'Error',
			/line break or control character/,
		],
		[
			{ name: 'X-Api-Key', secretValue: 'Bearer tøken' },
			'Error',
			/^Header "X-Api-Key" has a value with a character outside visible ASCII/,
		],
		[{ name: '__proto__', secretValue: 'v' }, 'Error', /cannot be named "__proto__"/],
		[{ name: 'Common', secretValue: 'v' }, 'Error', /cannot be named "Common"/],
	])('%j → %s', async (data, status, message) => {
		const result = await headerAuth(data);
		expect(result.status).toBe(status);
		expect(result.message).toMatch(message);
		// The value is a secret: never in the message, not even the character at fault.
		if (data.secretValue.length > 3) expect(result.message).not.toContain(data.secretValue.trim());
		expect(result.message).not.toContain('ø');
	});
});

describe('Webhook Signing Key', () => {
	// RFC 8032 section 7.1 TEST 1 and 2: published key pairs, never real ones.
	const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
	const publicHex = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
	const otherPublic = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
	const whpk = `whpk_${Buffer.from(publicHex, 'hex').toString('base64')}`;
	const whsk = `whsk_${Buffer.from(seed, 'hex').toString('base64')}`;
	const sendgridKey =
		'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';

	const signingKey = async (
		node: SendWebhook | VerifiedWebhookTrigger,
		data: Record<string, string>,
	) => await runCredentialTest(node, 'webhookSigningKeyTest', 'webhookSigningKeyApi', data);

	it.each([
		[
			{ publicKey: publicHex },
			'OK',
			/^The keys are well-formed Ed25519 keys \(for Standard Webhooks v1a, Discord Interactions\)\.$/,
		],
		[
			{ publicKey: sendgridKey },
			'OK',
			/^The keys are well-formed ECDSA P-256 keys \(for SendGrid Event Webhook\)\.$/,
		],
		[
			{ publicKey: whpk, privateKey: whsk },
			'OK',
			/The private key belongs to the primary public key\.$/,
		],
		[
			{ publicKey: otherPublic, secondaryPublicKey: whpk, privateKey: seed },
			'OK',
			/belongs to the secondary public key/,
		],
		[{ publicKey: '' }, 'Error', /^The public key is empty$/],
		[
			{ publicKey: 'zz-not-a-key' },
			'Error',
			/^The primary public key is not hex, base64, PEM or whpk_\/whsk_ text$/,
		],
		[{ publicKey: whsk }, 'Error', /^The primary public key is a private key/],
		[
			{ publicKey: publicHex, secondaryPublicKey: sendgridKey },
			'Error',
			/^The secondary public key is an ec key on curve prime256v1; this needs an Ed25519 key$/,
		],
		[
			{ publicKey: otherPublic, privateKey: whsk },
			'Error',
			/^The private key does not belong to the public key/,
		],
		[{ publicKey: publicHex, privateKey: whpk }, 'Error', /^The private key is a public key/],
		// Small-order points: under the identity (01 00…00) the signature 01 00…00
		// verifies any body on Node 20; all zeros is what a placeholder looks like.
		[
			{ publicKey: `01${'00'.repeat(31)}` },
			'Error',
			/^The primary public key is a small-order Ed25519 point, not a real public key: signatures under it can be forged/,
		],
		[
			{ publicKey: publicHex, secondaryPublicKey: `whpk_${Buffer.alloc(32).toString('base64')}` },
			'Error',
			/^The secondary public key is a small-order Ed25519 point/,
		],
	])('%j → %s', async (data, status, message) => {
		for (const node of [new SendWebhook(), new VerifiedWebhookTrigger()]) {
			const result = await signingKey(node, data);
			expect(result.status).toBe(status);
			expect(result.message).toMatch(message);
			// The private key is never repeated, not even a piece of it.
			const privateKey = (data as { privateKey?: string }).privateKey;
			for (const secret of [privateKey, whsk, seed]) {
				if (secret) expect(result.message).not.toContain(secret.replace(/^whsk_/, '').slice(0, 12));
			}
		}
	});
});
