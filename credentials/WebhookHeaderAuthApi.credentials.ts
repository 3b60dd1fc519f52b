import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A header with a secret value added to outgoing webhook calls: an API key or
 * a bearer token, as GoodFit's "HTTP headers" option allows. The value is
 * masked and never appears in the node's output.
 */
export class WebhookHeaderAuthApi implements ICredentialType {
	name = 'webhookHeaderAuthApi';

	displayName = 'Webhook Header Auth API';

	icon: Icon = {
		light: 'file:../icons/signing-key.svg',
		dark: 'file:../icons/signing-key.dark.svg',
	};

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-signed-webhooks#secrets-and-rotation';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'name',
			type: 'string',
			required: true,
			default: 'Authorization',
			placeholder: 'Authorization',
		},
		{
			displayName: 'Header Value',
			name: 'secretValue',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'Bearer …',
			description: 'For a bearer token write "Bearer " before it',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'={{$credentials.name}}': '={{$credentials.secretValue}}',
			},
		},
	};
}
