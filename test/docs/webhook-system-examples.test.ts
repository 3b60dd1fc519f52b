/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * The webhook system's example workflows are wired to the inputs and outputs
 * Send Webhook has for their parameters, as n8n's editor and engine work them
 * out (n8n-workflow's NodeHelpers evaluating the node's inputs and outputs
 * expressions): Log goes to the log table, Retry to the Wait node, Endpoint
 * Events to the Filter, and the Endpoints input is read once per run. The
 * e2e suite (e2e/suites/webhook-system.e2e.test.ts) runs them in n8n.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';

interface ExampleNode extends INode {
	readonly executeOnce?: boolean;
}

interface Connection {
	readonly node: string;
	readonly type: string;
	readonly index: number;
}

interface Example {
	readonly nodes: ExampleNode[];
	readonly connections: Record<string, { main: Connection[][] }>;
	readonly settings: Record<string, unknown>;
	readonly meta: { note: string };
}

const description = new SendWebhook().description;
const nodeTypes = {
	getByName: () => ({ description }),
	getByNameAndVersion: () => ({ description }),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

function read(file: string): Example {
	return JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8')) as Example;
}

/** The node's inputs and outputs by name, as n8n evaluates them for its parameters. */
function io(example: Example, name: string): { inputs: string[]; outputs: string[] } {
	const workflow = new Workflow({
		nodes: example.nodes.filter((node) => node.name === name),
		connections: {},
		active: false,
		nodeTypes,
	});
	const node = workflow.getNode(name)!;
	const names = (list: Array<string | { displayName?: string }>) =>
		list.map((entry) => (typeof entry === 'string' ? entry : (entry.displayName ?? '')));
	return {
		inputs: names(NodeHelpers.getNodeInputs(workflow, node, description)),
		outputs: names(NodeHelpers.getNodeOutputs(workflow, node, description)),
	};
}

/** Where each named output of `from` leads: output name → [node name, its type]. */
function wiring(example: Example, from: string, outputs: string[]): Record<string, string[]> {
	const type = (name: string) => example.nodes.find((node) => node.name === name)?.type ?? '?';
	const main = example.connections[from]?.main ?? [];
	expect(main.length).toBeLessThanOrEqual(outputs.length);
	const wired: Record<string, string[]> = {};
	main.forEach((targets, index) => {
		for (const target of targets)
			(wired[outputs[index]] ??= []).push(target.node, type(target.node));
	});
	return wired;
}

/** What feeds each input of `to`: input index → the nodes connected to it. */
function feeding(example: Example, to: string): Record<number, string[]> {
	const fed: Record<number, string[]> = {};
	for (const [from, { main }] of Object.entries(example.connections))
		for (const targets of main)
			for (const target of targets) if (target.node === to) (fed[target.index] ??= []).push(from);
	return fed;
}

const node = (example: Example, name: string) =>
	example.nodes.find((candidate) => candidate.name === name)!;

describe('the webhook-system examples are wired to the outputs Send Webhook has', () => {
	it('dispatcher: Events and Endpoints in; Retry → Wait → Events, Log → log table, Endpoint Events → Filter → Update', () => {
		const example = read('webhook-system-dispatcher.json');
		const { inputs, outputs } = io(example, 'Send Webhook');
		expect(inputs).toEqual(['Events', 'Endpoints']);
		expect(outputs).toEqual(['Delivered', 'Failed', 'Retry', 'Log', 'Endpoint Events']);
		expect(wiring(example, 'Send Webhook', outputs)).toEqual({
			Retry: ['Wait to Retry', 'n8n-nodes-base.wait'],
			Log: ['Store Log Rows', 'n8n-nodes-base.dataTable'],
			'Endpoint Events': ['Disabled or Updated', 'n8n-nodes-base.filter'],
		});
		expect(feeding(example, 'Send Webhook')).toEqual({
			0: ['One Item per Event', 'Wait to Retry'],
			1: ['Endpoints'],
		});
		expect(node(example, 'Endpoints').executeOnce).toBe(true);
		expect(node(example, 'Send Webhook').executeOnce).toBeUndefined();
		expect(node(example, 'Store Log Rows').parameters).toMatchObject({
			operation: 'insert',
			dataTableId: { value: 'webhook_log' },
			columns: { mappingMode: 'autoMapInputData' },
		});
		expect(node(example, 'Wait to Retry').parameters).toMatchObject({
			amount: '={{ $json.webhookDelivery.retry.inSeconds }}',
			unit: 'seconds',
		});
		expect(example.settings.executionOrder).toBe('v1');
	});

	it('resend: log rows and endpoints in; the Log output answers', () => {
		const example = read('webhook-system-resend.json');
		const { inputs, outputs } = io(example, 'Send Webhook');
		expect(inputs).toEqual(['Events', 'Endpoints']);
		expect(outputs).toEqual(['Delivered', 'Failed', 'Log', 'Endpoint Events']);
		expect(wiring(example, 'Send Webhook', outputs)).toEqual({
			Log: ['Respond with Attempts', 'n8n-nodes-base.respondToWebhook'],
		});
		expect(feeding(example, 'Send Webhook')).toEqual({ 0: ['Asked Endpoint'], 1: ['Endpoints'] });
		expect(node(example, 'Endpoints').executeOnce).toBe(true);
	});

	it('endpoints: Reveal Endpoint Secret has one input and one output, Endpoints', () => {
		const example = read('webhook-system-endpoints.json');
		for (const name of ['Reveal Secret', 'Reveal New Secret']) {
			const { inputs, outputs } = io(example, name);
			expect(inputs).toEqual(['main']);
			expect(outputs).toEqual(['Endpoints']);
			expect(wiring(example, name, outputs).Endpoints).toHaveLength(2);
		}
		// Revealed secrets are not kept in n8n's executions.
		expect(example.settings).toMatchObject({
			saveDataSuccessExecution: 'none',
			saveManualExecutions: false,
		});
	});

	it.each([
		'webhook-system-dispatcher.json',
		'webhook-system-endpoints.json',
		'webhook-system-resend.json',
		'webhook-system-log-retention.json',
	])('%s: tables by placeholder, Header Auth on every Webhook, a note saying so', (file) => {
		const example = read(file);
		for (const candidate of example.nodes) {
			if (candidate.type === 'n8n-nodes-base.dataTable') {
				expect(candidate.typeVersion).toBe(1.1);
				expect(['webhook_endpoints', 'webhook_log']).toContain(
					(candidate.parameters.dataTableId as { value: string }).value,
				);
			}
			if (candidate.type === 'n8n-nodes-base.webhook') {
				expect(candidate.parameters.authentication).toBe('headerAuth');
				expect(candidate.credentials?.httpHeaderAuth?.name).toBe('Webhook system admin key');
			}
		}
		expect(example.meta.note).toMatch(/placeholder IDs/);
	});
});
