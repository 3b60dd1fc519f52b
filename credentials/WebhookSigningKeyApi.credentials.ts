import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The key pair of a public-key signing scheme (Standard Webhooks v1a,
 * Discord, SendGrid). A receiver needs only the sender's public key, which
 * is not a secret, so it is shown in the clear; the private key, needed only
 * to send, is masked. Checked locally by the nodes' credential test: each
 * key must read, and a private key must sign what the public key verifies.
 */
export class WebhookSigningKeyApi implements ICredentialType {
	name = 'webhookSigningKeyApi';

	displayName = 'Webhook Signing Key API';

	icon: Icon = {
		light: 'file:../icons/signing-key.svg',
		dark: 'file:../icons/signing-key.dark.svg',
	};

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-signed-webhooks#public-key-schemes';

	properties: INodeProperties[] = [
		{
			displayName: 'Public Key',
			name: 'publicKey',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			placeholder: 'whpk_…, hex, base64 or -----BEGIN PUBLIC KEY-----',
			description:
				"The sender's public key, exactly as it shows it: Discord's hex Application Public Key, SendGrid's base64 verification key, a Standard Webhooks whpk_… key, or PEM. Public: it can verify signatures, never make them.",
		},
		{
			displayName: 'Secondary Public Key',
			name: 'secondaryPublicKey',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description:
				'Only while the sender rotates its key: the other public key still in use. The trigger accepts calls signed by either.',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsk_…, PEM (PKCS#8), or the hex or base64 seed',
			description:
				'Only for sending (Send Webhook, Standard Webhooks v1a): the private key of the public key above. Leave empty on a receiver. <a href="https://www.npmjs.com/package/n8n-nodes-signed-webhooks#public-key-schemes">Make a new pair</a> with one command.',
		},
	];
}
