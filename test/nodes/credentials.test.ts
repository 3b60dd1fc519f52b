/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: its secrets are test values */
/**
 * The credentials' local checks, run as n8n runs them when a user saves a
 * credential: in n8n-core's CredentialTestContext, with the type's defaults.
 */
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
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
