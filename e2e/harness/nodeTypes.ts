/**
 * Which of this package's node types a running n8n serves to its editor
 * (/types/nodes.json, as the editor loads it), signed in as the harness's owner.
 */
import { OWNER } from './n8n';

export async function servedPackageNodes(baseUrl: string): Promise<string[]> {
	const login = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: OWNER.email,
			email: OWNER.email,
			password: OWNER.password,
		}),
	});
	if (!login.ok) throw new Error(`login to ${baseUrl} answered ${login.status}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const response = await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie } });
	const types = (await response.json()) as Array<{ name: string }>;
	return types
		.map((type) => type.name)
		.filter((name) => name.startsWith('n8n-nodes-signed-webhooks.'))
		.sort();
}
