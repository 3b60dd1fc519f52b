/**
 * A production call reuses the secrets this process loaded for the same
 * workflow, node and credential in the last 10 s (loading them costs n8n 2.x
 * a sandbox per call), so an edited or deleted secret takes effect within
 * 10 s; a test run always loads them.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';

import { sign, STANDARD_WEBHOOKS_V1A } from '../../core';

import { SECRET_REUSE_MS } from '../../nodes/VerifiedWebhookTrigger/secrets';
import { deliverTo, type IncomingOptions } from './triggerHarness';

const body = '{"event":"order.paid","id":7}';
const github = { signatureScheme: 'github' };
const signedWith = (secret: string) => ({
	'content-type': 'application/json',
	'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex'),
});

async function statusOf(signer: string, options: IncomingOptions): Promise<number> {
	return (await deliverTo(github, { body, headers: signedWith(signer), ...options })).status;
}

let now = Date.parse('2026-11-26T08:00:00Z');
beforeEach(() => {
	jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => {
	jest.restoreAllMocks();
});

describe('secrets of a production call', () => {
	it('an edited secret takes effect within 10 s, and not before the 10 s are over', async () => {
		const credential = { credentialId: 'edited-in-place', workflowId: 'wf-edit' };
		expect(await statusOf('old', { ...credential, secret: 'old' })).toBe(200);
		// The user saves a new secret in the same credential.
		now += SECRET_REUSE_MS - 1;
		expect(await statusOf('old', { ...credential, secret: 'new' })).toBe(200);
		expect(await statusOf('new', { ...credential, secret: 'new' })).toBe(401);
		now += 1;
		expect(await statusOf('old', { ...credential, secret: 'new' })).toBe(401);
		expect(await statusOf('new', { ...credential, secret: 'new' })).toBe(200);
	});

	it('are loaded again 10 s after the last load, however many calls came in between', async () => {
		const credential = { credentialId: 'busy', workflowId: 'wf-busy' };
		expect(await statusOf('a', { ...credential, secret: 'a' })).toBe(200);
		for (let i = 0; i < 5; i++) {
			now += 2_500;
			const expected = i < 3 ? 200 : 401;
			expect(await statusOf('a', { ...credential, secret: 'b' })).toBe(expected);
		}
	});

	it('are not shared between workflows that use the same credential', async () => {
		const credentialId = 'shared-credential';
		expect(await statusOf('a', { credentialId, workflowId: 'wf-one', secret: 'a' })).toBe(200);
		// Another workflow: n8n decides on its own load whether it may use the credential.
		expect(await statusOf('a', { credentialId, workflowId: 'wf-two', secret: 'b' })).toBe(401);
		expect(await statusOf('b', { credentialId, workflowId: 'wf-two', secret: 'b' })).toBe(200);
	});

	it('a forged call also reuses them: it is refused without a new load', async () => {
		const credential = { credentialId: 'forged', workflowId: 'wf-forged' };
		expect(await statusOf('right', { ...credential, secret: 'right' })).toBe(200);
		// Were the credential loaded, "forger" would now be the secret.
		expect(await statusOf('forger', { ...credential, secret: 'forger' })).toBe(401);
	});
});

describe('secrets of a test run (listening in the editor)', () => {
	it('are loaded for every call, so an edit counts at once', async () => {
		const credential = { credentialId: 'test-run', workflowId: 'wf-test', mode: 'manual' as const };
		expect(await statusOf('old', { ...credential, secret: 'old' })).toBe(200);
		expect(await statusOf('new', { ...credential, secret: 'new' })).toBe(200);
		expect(await statusOf('old', { ...credential, secret: 'new' })).toBe(401);
	});
});

describe('public keys of a Webhook Signing Key credential', () => {
	const pair = () => {
		const { publicKey, privateKey } = generateKeyPairSync('ed25519');
		return {
			whsk: `whsk_${privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64')}`,
			whpk: `whpk_${publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')}`,
		};
	};
	const a = pair();
	const b = pair();
	async function keyStatus(signer: string, publicKey: string): Promise<number> {
		const headers = {
			'content-type': 'application/json',
			...sign(STANDARD_WEBHOOKS_V1A, { primary: signer }, body, {
				timestamp: new Date(now),
				id: 'msg_reuse',
			}),
		};
		return (
			await deliverTo(
				{ signatureScheme: 'standardWebhooksV1a', toleranceSeconds: 0 },
				{ body, headers, keys: publicKey, credentialId: 'key-edited', workflowId: 'wf-keys' },
			)
		).status;
	}

	it('are reused for 10 s like secrets, then loaded again', async () => {
		expect(await keyStatus(a.whsk, a.whpk)).toBe(200);
		// The user replaces the public key in the same credential.
		now += SECRET_REUSE_MS - 1;
		expect(await keyStatus(a.whsk, b.whpk)).toBe(200);
		expect(await keyStatus(b.whsk, b.whpk)).toBe(401);
		now += 1;
		expect(await keyStatus(a.whsk, b.whpk)).toBe(401);
		expect(await keyStatus(b.whsk, b.whpk)).toBe(200);
	});
});
