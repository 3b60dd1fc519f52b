/**
 * The sending side of the queue-mode suites: Webhook (POST {records}) →
 * Split Out → Send Webhook (GoodFit, batches of 200), its Retry output
 * through a Wait node back into it; 450 records, the second batch refused
 * once by the receiver; and what the receiver got.
 */
import { randomUUID } from 'node:crypto';

import { EVERY_EXECUTION_SAVED, N8n, sleep, type Execution } from './n8n';
import type { QueueCluster } from './queue';

/**
 * What these helpers use of a receiver (test/helpers/receiver.ts's, which
 * this folder cannot import: npm run dev and the demo build e2e/ alone).
 */
export interface Receiver {
	readonly url: string;
	readonly calls: ReadonlyArray<{
		readonly url: string;
		readonly body: Buffer;
		readonly headers: Readonly<Record<string, string | string[] | undefined>>;
	}>;
	answer(script: (call: { readonly url: string; readonly body: Buffer }) => Answer): void;
}

type Answer = { readonly status: number; readonly body?: string };

/** A node of a workflow to deploy; `extra` holds its settings, credentials, webhookId. */
export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: object,
	extra = {},
) {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

export interface SenderWorkflow {
	readonly name: string;
	readonly retryMode: 'inNode' | 'waitNode';
	/** Send Webhook's Retry Delays, in seconds. */
	readonly retryDelays: string;
	readonly receiver: Receiver;
	/** The id of a GoodFit credential (webhookSigningSecretApi). */
	readonly credential: string;
}

/** Deploys the sender; the receiver gets its calls at `/<name>`. */
export async function deploySender(cluster: QueueCluster, sender: SenderWorkflow) {
	const senderPath = `queue-send-${sender.name}`;
	const id = await cluster.main.deploy(
		{
			name: `queue sender ${sender.name}`,
			nodes: [
				node(
					'Start',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path: senderPath, responseMode: 'onReceived', options: {} },
					{ webhookId: randomUUID() },
				),
				node('Records', 'n8n-nodes-base.splitOut', 1, {
					fieldToSplitOut: 'body.records',
					include: 'noOtherFields',
					options: {},
				}),
				node(
					'Send Webhook',
					'n8n-nodes-signed-webhooks.sendWebhook',
					1,
					{
						url: `${sender.receiver.url}/${sender.name}`,
						signatureScheme: 'goodfit',
						batching: 'batch',
						batchSize: 200,
						options: { retryMode: sender.retryMode, retryDelays: sender.retryDelays },
					},
					{
						credentials: {
							webhookSigningSecretApi: { id: sender.credential, name: 'GoodFit shared key' },
						},
					},
				),
				node('Wait for the retry', 'n8n-nodes-base.wait', 1.1, {
					resume: 'timeInterval',
					amount: '={{ $json.webhookDelivery.retry.inSeconds }}',
					unit: 'seconds',
				}),
			],
			connections: {
				Start: { main: [[{ node: 'Records', type: 'main', index: 0 }]] },
				Records: { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
				'Send Webhook': {
					main: [[], [], [{ node: 'Wait for the retry', type: 'main', index: 0 }]],
				},
				'Wait for the retry': { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
			},
			settings: EVERY_EXECUTION_SAVED,
		},
		[],
	);
	for (const webhook of cluster.webhooks) await webhook.waitForWebhook(senderPath);
	return { id, senderPath };
}

/** Waits until `done` holds for the workflow's only execution, and returns it. */
export async function executionWhen(
	main: () => N8n,
	id: string,
	done: (execution: Execution) => boolean,
	timeoutMs: number,
): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [execution] = await main().executions(id, true);
		if (execution && done(execution)) return execution;
		if (Date.now() > deadline) {
			throw new Error(
				`execution of ${id} is ${execution?.status ?? 'missing'} after ${timeoutMs / 1000} s`,
			);
		}
		await sleep(1000);
	}
}

/**
 * Posts records 0..449 to the sender through the load balancer; the receiver
 * answers 503 to the first call that carries record 200 (the second batch),
 * once. Resolves when that 503 was given: the retry is then pending.
 */
export async function sendRecords(
	cluster: QueueCluster,
	sender: { senderPath: string; name: string; receiver: Receiver; run: string },
): Promise<void> {
	let failedOnce = false;
	sender.receiver.answer((call) => {
		if (!call.url.endsWith(`/${sender.name}`)) return { status: 200, body: '{}' };
		const records = JSON.parse(call.body.toString()) as Array<{ n: number }>;
		if (!failedOnce && records[0]?.n === 200) {
			failedOnce = true;
			return { status: 503 };
		}
		return { status: 200, body: '{}' };
	});
	const records = Array.from({ length: 450 }, (_, n) => ({ n, run: sender.run }));
	const started = await fetch(`${cluster.url}/webhook/${sender.senderPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ records }),
	});
	if (started.status !== 200) throw new Error(`the sender answered ${started.status}`);
	const deadline = Date.now() + 60_000;
	while (!failedOnce) {
		if (Date.now() > deadline) throw new Error('the second batch never arrived');
		await sleep(200);
	}
}

/** What the receiver got for this sender: the calls, their delivery ids, each call's first record. */
export function deliveredRecords(receiver: Receiver, name: string) {
	const calls = receiver.calls.filter((call) => call.url.endsWith(`/${name}`));
	const ids = calls.map((call) => String(call.headers['webhook-id']));
	const firstRecords = calls.map(
		(call) => (JSON.parse(call.body.toString()) as Array<{ n: number }>)[0].n,
	);
	return { calls, ids, firstRecords };
}
