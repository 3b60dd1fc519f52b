import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret(s) of a signed webhook. Two slots so a secret can be
 * rotated without a window where calls fail; both are masked in the editor.
 * Checked locally (present, no stray whitespace, decodes in its format) by the
 * nodes' credential test: there is no remote service to ask.
 */
export class WebhookSigningSecretApi implements ICredentialType {
	name = 'webhookSigningSecretApi';

	displayName = 'Webhook Signing Secret API';

	icon: Icon = {
		light: 'file:../icons/signing-key.svg',
		dark: 'file:../icons/signing-key.dark.svg',
	};

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-signed-webhooks#secrets-and-rotation';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The shared signing secret, exactly as the other system shows it (for Standard Webhooks and Svix, the whole whsec_… string). Choosing one yourself? <a href="https://www.npmjs.com/package/n8n-nodes-signed-webhooks#secrets-and-rotation">Make a random one</a>.',
		},
		{
			displayName: 'Secondary Secret',
			name: 'secondarySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only while rotating: the other secret still in use. The trigger accepts calls signed with either; Send Webhook adds a second signature where the scheme has room for one.',
		},
		{
			displayName: 'Secret Format',
			name: 'format',
			type: 'options',
			options: [
				{
					name: 'As the Signing Scheme Expects',
					value: 'auto',
					description:
						'Standard Webhooks and Svix: whsec_ + base64; every other built-in scheme: text',
				},
				{ name: 'Text (UTF-8)', value: 'text' },
				{ name: 'Hex', value: 'hex' },
				{ name: 'Base64', value: 'base64' },
				{ name: 'Standard Webhooks (Whsec_ + Base64)', value: 'whsec' },
			],
			default: 'auto',
			description: 'How the secret text becomes the HMAC key',
		},
	];
}
