/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: its keys are published test keys or made here */
/**
 * What a user building the workflow sees in the editor: a refused call in a
 * test run fails the trigger with its reason (the caller still gets the
 * 4xx; a production call refused the same way starts nothing), a refused
 * call on the Rejected output carries a hint, and a configuration that would
 * refuse every call stops listening or publishing with the reason.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { NodeOperationError, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { sign as signCall, STANDARD_WEBHOOKS } from '../../core';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import {
	signingKeyData,
	signingSecretData,
	type KeyOption,
	type SecretOption,
} from '../helpers/credentials';
import { runWebhookMethod } from '../helpers/n8n';
import { deliverTo } from './triggerHarness';

const body = '{"type":"invoice.paid","amount":4200}';
const json = { 'content-type': 'application/json' };
const github = { signatureScheme: 'github' };
const sign = (secret: string) =>
	'sha256=' + createHmac('sha256', secret).update(body).digest('hex');

describe('a test run (listening in the editor)', () => {
	it('a forged call fails the trigger with the reason; the caller gets 401', async () => {
		const outcome = await deliverTo(github, {
			mode: 'manual',
			secret: 'right',
			headers: { ...json, 'x-hub-signature-256': sign('wrong') },
			body,
		});
		expect(outcome.status).toBe(401);
		expect(outcome.started).toBe(true);
		expect(outcome.executionError).toBeInstanceOf(NodeOperationError);
		expect(outcome.executionError?.message).toBe('Call refused: signature_mismatch (401)');
		expect((outcome.executionError as NodeOperationError).description).toMatch(
			/does not match.*The caller got 401\. Outside a test run, a refused call starts no execution\./,
		);
		expect(JSON.stringify(outcome.executionError)).not.toContain('right');
	});

	it('a call the trigger cannot check (a secret the scheme cannot read) shows as refused with 500', async () => {
		// A well-formed call: one without a signature is refused before the secret is read.
		const headers = signCall(
			STANDARD_WEBHOOKS,
			{ primary: `whsec_${randomBytes(24).toString('base64')}` },
			Buffer.from(body),
			{
				timestamp: new Date(),
				id: 'msg_1',
			},
		);
		const outcome = await deliverTo(
			{ signatureScheme: 'standardWebhooks' },
			{ mode: 'manual', secret: 'plain text', headers: { ...json, ...headers }, body },
		);
		expect(outcome.status).toBe(500);
		expect(outcome.executionError?.message).toBe('Call refused: invalid_secret (500)');
	});

	it('a signed call goes through as it does in production', async () => {
		const outcome = await deliverTo(github, {
			mode: 'manual',
			secret: 'right',
			headers: { ...json, 'x-hub-signature-256': sign('right') },
			body,
		});
		expect(outcome.status).toBe(200);
		expect(outcome.executionError).toBeUndefined();
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.verified[0].json.body).toEqual({ type: 'invoice.paid', amount: 4200 });
		expect(outcome.verified[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('production', () => {
	it('a forged call starts nothing', async () => {
		const outcome = await deliverTo(github, {
			secret: 'right',
			headers: { ...json, 'x-hub-signature-256': sign('wrong') },
			body,
		});
		expect(outcome.status).toBe(401);
		expect(outcome.started).toBe(false);
	});

	it('with Output Rejected Calls, the execution says it holds a refused call', async () => {
		const outcome = await deliverTo(
			{ ...github, rejectedOutput: true },
			{ secret: 'right', headers: { ...json, 'x-hub-signature-256': sign('wrong') }, body },
		);
		expect(outcome.status).toBe(401);
		expect(outcome.executionError).toBeUndefined();
		expect(outcome.verified).toEqual([]);
		expect(outcome.rejected).toHaveLength(1);
		expect(outcome.hints).toEqual([
			{
				message: expect.stringMatching(
					/^Call refused: signature_mismatch \(401\): .*does not match.* It is on the Rejected output; the caller got 401\.$/,
				),
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('a verified call has no hint', async () => {
		const outcome = await deliverTo(
			{ ...github, rejectedOutput: true },
			{ secret: 'right', headers: { ...json, 'x-hub-signature-256': sign('right') }, body },
		);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.hints).toEqual([]);
	});
});

describe('the configuration is checked when listening starts or the workflow is published', () => {
	async function check(
		parameters: INodeParameters,
		secret: SecretOption | undefined,
		activation: 'manual' | 'activate' | 'init' = 'manual',
	): Promise<unknown> {
		const credentials: Record<string, IDataObject> = {};
		if (secret !== undefined) credentials.webhookSigningSecretApi = signingSecretData(secret);
		return await runWebhookMethod(new VerifiedWebhookTrigger(), {
			method: 'checkExists',
			mode: activation === 'manual' ? 'manual' : 'webhook',
			activation,
			parameters,
			credentials,
		});
	}

	it('a usable configuration passes', async () => {
		const whsec = `whsec_${randomBytes(24).toString('base64')}`;
		await expect(check({}, whsec)).resolves.toBe(true);
		await expect(check(github, 'any text')).resolves.toBe(true);
	});

	it('a plain secret for Standard Webhooks (the default scheme) says what the scheme needs', async () => {
		const error = await check({}, 'my-plain-secret').catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		const { message, description } = error as NodeOperationError;
		expect(message).toBe(
			'The primary secret is not valid Standard Webhooks (whsec_ + base64), which the Standard Webhooks scheme needs',
		);
		expect(description).toMatch(/whsec_ followed by base64.*Secret Format to "Text \(UTF-8\)"/);
		expect(JSON.stringify({ message, description })).not.toContain('my-plain-secret');
	});

	it('so does publishing the workflow', async () => {
		await expect(check({}, 'my-plain-secret', 'activate')).rejects.toThrow(/whsec_/);
	});

	it('no credential, or an unusable scheme setting, is refused too', async () => {
		await expect(check(github, undefined)).rejects.toThrow(
			'No Webhook Signing Secret credential is selected',
		);
		await expect(check({ signatureScheme: 'nope' }, 's')).rejects.toThrow(
			'Unknown signing scheme "nope"',
		);
	});

	it('a Generic HMAC Signature Prefix with a line break stops listening and publishing; calls get 500', async () => {
		const generic = {
			signatureScheme: 'generic',
			signatureHeader: 'X-Sig',
			genericSignedContent: '{body}',
			genericPrefix: 'sha256=\r\n',
		};
		for (const activation of ['manual', 'activate'] as const) {
			await expect(check(generic, 's', activation)).rejects.toThrow(
				'Generic HMAC: Signature Prefix cannot be sent in the X-Sig header: it has a line break or control character (U+000D) at position 8, which HTTP does not allow',
			);
		}
		const outcome = await deliverTo(generic, {
			secret: 's',
			headers: { ...json, 'x-sig': 'sha256=ab' },
			body,
		});
		expect(outcome).toMatchObject({
			status: 500,
			started: false,
			responseBody: { reason: 'verifier_error' },
		});
	});

	it('when n8n itself starts, it does not refuse to register the path: calls are refused with the reason instead', async () => {
		await expect(check({}, 'my-plain-secret', 'init')).resolves.toBe(true);
	});
});

describe('with a public-key scheme, the Webhook Signing Key is checked the same way', () => {
	// RFC 8032 section 7.1 TEST 1: a published key pair, never a real one.
	const publicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
	const whsk = `whsk_${Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex').toString('base64')}`;

	async function checkKeys(
		parameters: INodeParameters,
		keys: KeyOption | undefined,
		activation: 'manual' | 'activate' = 'manual',
	): Promise<unknown> {
		const credentials: Record<string, IDataObject> = {};
		if (keys !== undefined) credentials.webhookSigningKeyApi = signingKeyData(keys);
		return await runWebhookMethod(new VerifiedWebhookTrigger(), {
			method: 'checkExists',
			mode: activation === 'manual' ? 'manual' : 'webhook',
			activation,
			parameters,
			credentials,
		});
	}

	it('a readable public key passes, for each public-key scheme it fits', async () => {
		await expect(checkKeys({ signatureScheme: 'discord' }, publicKey)).resolves.toBe(true);
		await expect(
			checkKeys(
				{ signatureScheme: 'standardWebhooksV1a' },
				`whpk_${Buffer.from(publicKey, 'hex').toString('base64')}`,
			),
		).resolves.toBe(true);
	});

	it('a key that cannot be read stops listening and publishing with the reason, and no key material', async () => {
		for (const activation of ['manual', 'activate'] as const) {
			const error = await checkKeys({ signatureScheme: 'discord' }, whsk, activation).catch(
				(thrown: unknown) => thrown,
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			const { message, description } = error as NodeOperationError;
			expect(message).toBe(
				'Webhook Signing Key: The primary public key is a private key: paste the public key here, and keep the private key to the sender',
			);
			expect(description).toMatch(/^Discord Interactions \(Ed25519\) checks each call/);
			expect(JSON.stringify({ message, description })).not.toContain(whsk.slice(5, 20));
		}
		await expect(checkKeys({ signatureScheme: 'sendgrid' }, publicKey, 'activate')).rejects.toThrow(
			'Webhook Signing Key: The primary public key is not a DER SPKI public key (base64, as SendGrid shows it, or PEM)',
		);
	});

	it('a small-order Ed25519 key (the identity, under which 01 00…00 verifies any body) stops listening and publishing', async () => {
		const identity = `01${'00'.repeat(31)}`;
		for (const activation of ['manual', 'activate'] as const) {
			await expect(checkKeys({ signatureScheme: 'discord' }, identity, activation)).rejects.toThrow(
				'Webhook Signing Key: The primary public key is a small-order Ed25519 point, not a real public key: signatures under it can be forged (a placeholder such as all zeros?)',
			);
			await expect(
				checkKeys(
					{ signatureScheme: 'standardWebhooksV1a' },
					{ publicKey, secondaryPublicKey: `whpk_${Buffer.alloc(32).toString('base64')}` },
					activation,
				),
			).rejects.toThrow(
				'Webhook Signing Key: The secondary public key is a small-order Ed25519 point',
			);
		}
	});

	it('no key credential is refused', async () => {
		await expect(checkKeys({ signatureScheme: 'standardWebhooksV1a' }, undefined)).rejects.toThrow(
			'No Webhook Signing Key credential is selected',
		);
		await expect(
			checkKeys({ signatureScheme: 'standardWebhooksV1a' }, { publicKey: '' }),
		).rejects.toThrow('Webhook Signing Key: No public key is configured');
	});
});
