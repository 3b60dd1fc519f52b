import type { IWebhookFunctions } from 'n8n-workflow';

import { ExpiringCache, type Scheme, type SecretSet } from '../../core';
import { credentialFor, type SchemeCredential } from '../shared/credentialData';
import { readSchemeSecrets } from '../shared/loadCredentials';

/**
 * How long production calls reuse a credential's secrets after loading them,
 * so a changed or deleted secret takes effect within this. Loading costs n8n
 * 2.x an expression sandbox per call under its default settings (see
 * docs/n8n-webhook-sandbox.md): under load, one load per trigger every 10 s.
 * Worth its risk, measured: BENCHMARKS.md, "Sandboxes per call".
 */
export const SECRET_REUSE_MS = 10_000;
/** Triggers whose secrets one n8n process keeps at most; the oldest go first. */
const MAX_KEPT_SECRET_SETS = 256;

const kept = new ExpiringCache<SecretSet>({
	ttlMs: SECRET_REUSE_MS,
	maxEntries: MAX_KEPT_SECRET_SETS,
	now: () => Date.now(),
});

/** Secret sets kept now (expired ones leave at the next get or set). Read-only, for `npm run soak`. */
export function keptSecretSetCount(): number {
	return kept.size;
}

/**
 * What the trigger verifies `scheme`'s calls with: the HMAC secrets of a
 * Webhook Signing Secret, or the public keys of a Webhook Signing Key. A
 * test run (listening in the editor) always loads them, so an edited
 * credential counts at once; a production call reuses what this process
 * loaded for the same workflow, node and credential in the last
 * SECRET_REUSE_MS.
 */
export async function verifyingSecrets(
	context: IWebhookFunctions,
	scheme: Scheme,
): Promise<SecretSet> {
	const credentialType = credentialFor(scheme);
	const key = context.getMode() === 'webhook' ? keyOf(context, credentialType) : undefined;
	const reused = key === undefined ? undefined : kept.get(key);
	if (reused) return reused;
	const read = await readSchemeSecrets(context, scheme, 'receive');
	// No credential chosen: an empty set, which verify() answers with no_secret.
	if (!read.ok) return {};
	const secrets = Object.freeze(read.secrets);
	if (key !== undefined) kept.set(key, secrets);
	return secrets;
}

/**
 * Per workflow and node as well as per credential: n8n checks on each load
 * that the workflow may use the credential, and a secret loaded for one
 * workflow must not answer for another. The type is part of the key: a node
 * switched from an HMAC scheme to a public-key one must not reuse secrets
 * as keys (credential ids are unique across types, but this costs nothing).
 */
function keyOf(context: IWebhookFunctions, credentialType: SchemeCredential): string | undefined {
	const node = context.getNode();
	const credentialId = node.credentials?.[credentialType]?.id;
	if (!credentialId) return undefined;
	return JSON.stringify([
		context.getWorkflow().id,
		node.id ?? node.name,
		credentialType,
		credentialId,
	]);
}
