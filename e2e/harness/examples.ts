/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it runs in Node to install and drive n8n, and its secrets are demo and test values */
/**
 * The example workflows in examples/, as the demo and the end-to-end suite
 * deploy them: credentials created and wired in by name, URLs pointed at the
 * n8n actually running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8n, WorkflowJson } from './n8n';
import { REPO_ROOT } from './package';

interface ExampleNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

interface Example extends WorkflowJson {
	readonly nodes: ExampleNode[];
}

/** The URL the examples are written for: n8n's default, as the demo runs it. */
export const EXAMPLE_BASE_URL = 'http://127.0.0.1:5678';

/** Demo secrets: test values, shown to the person running the demo, never real ones. */
export const DEMO_SECRETS: Readonly<Record<string, string>> = {
	'GoodFit shared key': 'demo-goodfit-shared-key-2f7c',
	'Smarter Launch webhook key': 'demo-smarter-launch-key-81b0',
	'ConnectGain webhook secret': 'demo-connectgain-secret-4d2e',
	'Vinsight webhook secret': '584af7dfa7f130fa3dbe15f5a805bae4',
	'GitHub webhook secret': 'demo-github-secret-93ac',
};

export const EXAMPLE_FILES = [
	'receive-goodfit.json',
	'receive-smarter-launch.json',
	'receive-connectgain.json',
	'receive-vinsight.json',
	'send-signed-batches.json',
	'respond-with-node.json',
] as const;

export function readExample(file: string): Example {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Example;
}

/**
 * The example with each credential reference replaced by the id of the
 * credential of that name (created on first use) and the example base URL by
 * the running n8n's.
 */
export async function prepareExample(
	n8n: N8n,
	file: string,
	credentialIds: Map<string, string>,
	secrets: Readonly<Record<string, string>> = DEMO_SECRETS,
): Promise<Example> {
	const example = readExample(file);
	const text = JSON.stringify(example).split(EXAMPLE_BASE_URL).join(n8n.baseUrl);
	const prepared = JSON.parse(text) as Example;
	for (const node of prepared.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			let id = credentialIds.get(reference.name);
			if (!id) {
				const secret = secrets[reference.name];
				if (secret === undefined) throw new Error(`no secret for credential "${reference.name}"`);
				id = await n8n.createCredential(reference.name, type, {
					secret,
					secondarySecret: '',
					format: 'auto',
				});
				credentialIds.set(reference.name, id);
			}
			node.credentials![type] = { id, name: reference.name };
		}
	}
	return prepared;
}

/** The production webhook paths of a workflow's trigger nodes. */
export function webhookPaths(workflow: Example): string[] {
	return workflow.nodes
		.filter((node) => node.webhookId !== undefined)
		.map((node) => String(node.parameters.path || node.webhookId));
}

/** Deploys every example; returns workflow ids by file name. */
export async function deployExamples(n8n: N8n): Promise<Map<string, string>> {
	const credentialIds = new Map<string, string>();
	const ids = new Map<string, string>();
	for (const file of EXAMPLE_FILES) {
		const workflow = await prepareExample(n8n, file, credentialIds);
		ids.set(file, await n8n.deploy(workflow, webhookPaths(workflow)));
	}
	return ids;
}
