/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it runs in Node to install and drive n8n, and its secrets are demo and test values */
/**
 * The example workflows in examples/, as the demo and the end-to-end suite
 * deploy them: credentials created and wired in by name, URLs pointed at the
 * n8n actually running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	createDataTable,
	dataTableNodeVersion,
	type DataTableColumn,
	type DataTableRef,
} from './dataTables';
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
	// 32 bytes: the webhook system derives each endpoint's secret from it.
	'Webhook system signing secret': 'whsec_ZGVtby13ZWJob29rLXN5c3RlbS1zZWNyZXQtOGM1YTQ=',
	// n8n's Header Auth on the webhook system's Webhook triggers, sent as ADMIN_KEY_HEADER.
	'Webhook system admin key': 'demo-admin-key-5e19c2',
};

/** The header the "Webhook system admin key" credential (n8n's Header Auth) checks. */
export const ADMIN_KEY_HEADER = 'X-Admin-Key';

/** A credential's data for its type, from its demo secret. */
function credentialData(type: string, secret: string): Record<string, unknown> {
	if (type === 'httpHeaderAuth') {
		return { name: ADMIN_KEY_HEADER, value: secret };
	}
	return { secret, secondarySecret: '', format: 'auto' };
}

export const EXAMPLE_FILES = [
	'receive-goodfit.json',
	'receive-smarter-launch.json',
	'receive-connectgain.json',
	'receive-vinsight.json',
	'send-signed-batches.json',
	'respond-with-node.json',
] as const;

/**
 * The webhook system's workflows (docs/webhook-system.md). Not in
 * EXAMPLE_FILES: they need their Data Tables first (createWebhookSystemTables),
 * and the webhook-system suite deploys them.
 */
export const WEBHOOK_SYSTEM_FILES = [
	'webhook-system-dispatcher.json',
	'webhook-system-endpoints.json',
	'webhook-system-log-retention.json',
	'webhook-system-resend.json',
] as const;

/**
 * The tables the webhook system's examples name, by the placeholder ID their
 * Data Table nodes hold, with the columns docs/webhook-system.md gives them.
 * The log table has every column of Send Webhook's Log output (body too, as
 * the dispatcher logs bodies): a Data Table insert that maps automatically
 * fails on a field that is not a column.
 */
export const WEBHOOK_SYSTEM_TABLES = {
	webhook_endpoints: [
		{ name: 'endpoint_id', type: 'string' },
		{ name: 'name', type: 'string' },
		{ name: 'url', type: 'string' },
		{ name: 'events', type: 'string' },
		{ name: 'active', type: 'boolean' },
		{ name: 'headers', type: 'string' },
		{ name: 'secret_version', type: 'number' },
		{ name: 'secret_rotated_at', type: 'date' },
		{ name: 'consecutive_failures', type: 'number' },
	],
	webhook_log: [
		{ name: 'delivery_id', type: 'string' },
		{ name: 'endpoint_id', type: 'string' },
		{ name: 'endpoint_name', type: 'string' },
		{ name: 'event', type: 'string' },
		{ name: 'method', type: 'string' },
		{ name: 'url', type: 'string' },
		{ name: 'records', type: 'number' },
		{ name: 'attempt', type: 'number' },
		{ name: 'status', type: 'string' },
		{ name: 'attempted_at', type: 'date' },
		{ name: 'duration_ms', type: 'number' },
		{ name: 'response_status', type: 'number' },
		{ name: 'response_excerpt', type: 'string' },
		{ name: 'error', type: 'string' },
		{ name: 'request_headers', type: 'string' },
		{ name: 'logged_at', type: 'date' },
		{ name: 'body', type: 'string' },
	],
} as const satisfies Record<string, readonly DataTableColumn[]>;

export type WebhookSystemTable = keyof typeof WEBHOOK_SYSTEM_TABLES;

/** Creates the webhook system's tables, named as their placeholders. */
export async function createWebhookSystemTables(
	n8n: N8n,
): Promise<Record<WebhookSystemTable, DataTableRef>> {
	return {
		webhook_endpoints: await createDataTable(
			n8n,
			'webhook_endpoints',
			WEBHOOK_SYSTEM_TABLES.webhook_endpoints,
		),
		webhook_log: await createDataTable(n8n, 'webhook_log', WEBHOOK_SYSTEM_TABLES.webhook_log),
	};
}

export function readExample(file: string): Example {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as Example;
}

/**
 * The example with each credential reference replaced by the id of the
 * credential of that name (created on first use) and the example base URL by
 * the running n8n's. Data Table nodes (written for 2.x, typeVersion 1.1) get
 * the running n8n's version of the node, and the placeholder table ids in
 * `tables` are replaced by real ones.
 */
export async function prepareExample(
	n8n: N8n,
	file: string,
	credentialIds: Map<string, string>,
	secrets: Readonly<Record<string, string>> = DEMO_SECRETS,
	tables: Readonly<Record<string, Pick<DataTableRef, 'id'>>> = {},
): Promise<Example> {
	const example = readExample(file);
	const text = JSON.stringify(example).split(EXAMPLE_BASE_URL).join(n8n.baseUrl);
	const prepared = JSON.parse(text) as Example;
	for (const node of prepared.nodes) {
		if (node.type === 'n8n-nodes-base.dataTable') {
			node.typeVersion = dataTableNodeVersion(n8n.version);
			const locator = node.parameters.dataTableId as { value: string };
			const table = tables[locator.value];
			if (!table) throw new Error(`${file}: no table for "${locator.value}" (${node.name})`);
			locator.value = table.id;
		}
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			let id = credentialIds.get(reference.name);
			if (!id) {
				const secret = secrets[reference.name];
				if (secret === undefined) throw new Error(`no secret for credential "${reference.name}"`);
				id = await n8n.createCredential(reference.name, type, credentialData(type, secret));
				credentialIds.set(reference.name, id);
			}
			node.credentials![type] = { id, name: reference.name };
		}
	}
	return prepared;
}

/**
 * The production webhook paths of a workflow's trigger nodes that take POST
 * (what N8n.deploy waits for). A Wait node has a webhookId too, but its
 * webhook exists only while an execution waits.
 */
export function webhookPaths(workflow: Example): string[] {
	const paths = workflow.nodes
		.filter((node) => node.webhookId !== undefined && node.type !== 'n8n-nodes-base.wait')
		.filter((node) => (node.parameters.httpMethod ?? 'POST') === 'POST')
		.map((node) => String(node.parameters.path || node.webhookId));
	return [...new Set(paths)];
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
