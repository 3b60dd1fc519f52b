/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node to drive a real n8n */
/**
 * One event to many endpoints, in real n8n: Send Webhook with Send To:
 * Endpoints (events on one input, endpoint rows from a Code node on the
 * other), against the same calls made by n8n's HTTP Request node from the
 * events × endpoints pairs a Code node writes out (unsigned: it cannot sign,
 * nor derive a secret per endpoint). Two shapes: 1 event × 100 endpoints and
 * 1,000 events × 10 endpoints. Interleaved rounds; nothing asserts on time.
 *
 * Memory per endpoint: what one endpoint, read and given its derived secret,
 * holds while a run lasts, measured in this process.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { endpointSecretSet, readEndpoint } from '../core';
import type { N8n } from '../e2e/harness/n8n';
import { node, startBenchN8n, type N8nSetup } from './n8nInstance';
import { createWhsecCredential, runOnce, startCounter } from './send';
import { interleave, spread, type Spread } from './stats';
import { makeRecord } from './workload';

export interface FanOutShape {
	readonly events: number;
	readonly endpoints: number;
}

export interface FanOutRow {
	readonly shape: FanOutShape;
	readonly name: string;
	readonly requests: number;
	readonly deliveriesPerSecondInNode: Spread;
	readonly deliveriesPerSecondEndToEnd: Spread;
}

export interface FanOutResult {
	readonly rows: readonly FanOutRow[];
	/** Bytes one endpoint holds (its record and derived secrets), in the core. */
	readonly bytesPerEndpoint: number;
	readonly n8nVersion: string;
	readonly nodeVersion: string;
}

export const FAN_OUT_SHAPES: readonly FanOutShape[] = [
	{ events: 1, endpoints: 100 },
	{ events: 1000, endpoints: 10 },
];

/** A Code node's JavaScript: `count` events of ~1 KB, of two types. */
function eventsSource(): string {
	return [
		`const makeRecord = ${makeRecord.toString()};`,
		'const { events } = $input.first().json.body;',
		"return Array.from({ length: events }, (_, i) => ({ json: { ...makeRecord(i), type: i % 2 ? 'deal.created' : 'contact.updated' } }));",
	].join('\n');
}

/** A Code node's JavaScript: `count` endpoint rows, each subscribed to every event. */
function endpointsSource(url: string): string {
	return [
		'const { endpoints } = $input.first().json.body;',
		`return Array.from({ length: endpoints }, (_, i) => ({ json: { endpoint_id: 'ep_' + i, url: '${url}/ep_' + i, events: '*', active: true } }));`,
	].join('\n');
}

/** A Code node's JavaScript: the events × endpoints pairs, one item per call to make. */
function pairsSource(url: string): string {
	return [
		`const makeRecord = ${makeRecord.toString()};`,
		'const { events, endpoints } = $input.first().json.body;',
		'const pairs = [];',
		"for (let i = 0; i < events; i++) { const event = { ...makeRecord(i), type: i % 2 ? 'deal.created' : 'contact.updated' };",
		`  for (let e = 0; e < endpoints; e++) pairs.push({ json: { url: '${url}/ep_' + e, event } }); }`,
		'return pairs;',
	].join('\n');
}

function start(path: string) {
	return node(
		'Start',
		'n8n-nodes-base.webhook',
		2.1,
		{ httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} },
		0,
		{ webhookId: randomUUID() },
	);
}

function sendWebhookWorkflow(path: string, url: string, credentialId: string) {
	const to = (name: string, index = 0) => ({ node: name, type: 'main', index });
	return {
		name: `bench fan-out: ${path}`,
		nodes: [
			start(path),
			node('Events', 'n8n-nodes-base.code', 2, { jsCode: eventsSource() }, 220),
			node('Endpoints', 'n8n-nodes-base.code', 2, { jsCode: endpointsSource(url) }, 220),
			node(
				'Send',
				'n8n-nodes-signed-webhooks.sendWebhook',
				1,
				{
					destination: 'endpoints',
					signatureScheme: 'standardWebhooks',
					eventName: '={{ $json.type }}',
					options: {},
				},
				440,
				{ credentials: { webhookSigningSecretApi: { id: credentialId, name: 'bench whsec' } } },
			),
		],
		connections: {
			Start: { main: [[to('Events'), to('Endpoints')]] },
			Events: { main: [[to('Send', 0)]] },
			Endpoints: { main: [[to('Send', 1)]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function httpRequestWorkflow(path: string, url: string) {
	const to = (name: string) => ({ node: name, type: 'main', index: 0 });
	return {
		name: `bench fan-out: ${path}`,
		nodes: [
			start(path),
			node('Pairs', 'n8n-nodes-base.code', 2, { jsCode: pairsSource(url) }, 220),
			node(
				'Send',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					method: 'POST',
					url: '={{ $json.url }}',
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json.event) }}',
					options: {},
				},
				440,
			),
		],
		connections: { Start: { main: [[to('Pairs')]] }, Pairs: { main: [[to('Send')]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** runOnce posts {count}; these workflows read {events, endpoints}. */
async function runShape(n8n: N8n, id: string, path: string, shape: FanOutShape) {
	const body = JSON.stringify(shape);
	return await runOnce(n8n, id, path, 0, body);
}

export async function benchFanOut(options: {
	setup: N8nSetup;
	rounds: number;
	shapes?: readonly FanOutShape[];
	onProgress?: (line: string) => void;
}): Promise<FanOutResult> {
	const shapes = options.shapes ?? FAN_OUT_SHAPES;
	const { n8n, nodeVersion } = await startBenchN8n(options.setup);
	const receiver = await startCounter();
	try {
		const { credentialId } = await createWhsecCredential(n8n);
		const senders = [
			{ name: 'Send Webhook, Send To: Endpoints', workflow: sendWebhookWorkflow },
			{
				name: 'HTTP Request node (unsigned), one item per pair',
				workflow: (path: string, url: string) => httpRequestWorkflow(path, url),
			},
		];
		const deployed = new Map<string, { id: string; path: string }>();
		for (const [index, sender] of senders.entries()) {
			const path = `bench-fan-out-${index}`;
			const id = await n8n.deploy(sender.workflow(path, receiver.url, credentialId), [path]);
			deployed.set(sender.name, { id, path });
			await runShape(n8n, id, path, { events: 2, endpoints: 2 }); // warm-up, untimed
		}
		const keys = shapes.flatMap((shape) =>
			senders.map((sender) => JSON.stringify([shape, sender.name])),
		);
		const measured = await interleave(
			keys,
			options.rounds,
			async (key) => {
				const [shape, name] = JSON.parse(key) as [FanOutShape, string];
				const { id, path } = deployed.get(name)!;
				const before = receiver.requests;
				const timing = await runShape(n8n, id, path, shape);
				return { ...timing, requests: receiver.requests - before };
			},
			(round) => options.onProgress?.(`fan-out: round ${round + 1}/${options.rounds} done`),
		);
		const rows = keys.map((key): FanOutRow => {
			const [shape, name] = JSON.parse(key) as [FanOutShape, string];
			const runs = measured.get(key) ?? [];
			const perSecond = (ms: number) => ((shape.events * shape.endpoints) / ms) * 1000;
			return {
				shape,
				name,
				requests: runs[0]?.requests ?? 0,
				deliveriesPerSecondInNode: spread(runs.map((run) => perSecond(run.nodeMs))),
				deliveriesPerSecondEndToEnd: spread(runs.map((run) => perSecond(run.endToEndMs))),
			};
		});
		return { rows, bytesPerEndpoint: bytesPerEndpoint(), n8nVersion: n8n.version, nodeVersion };
	} finally {
		await receiver.close();
		await n8n.stop();
	}
}

/**
 * Heap held by 10,000 endpoints as the node keeps them during a run (the
 * record read, its derived secrets), divided out: garbage collected before
 * and after, so only what the endpoints hold is counted.
 */
function bytesPerEndpoint(count = 10_000): number {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	const master = { primary: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
	gc();
	const before = process.memoryUsage().heapUsed;
	const held: unknown[] = [];
	for (let i = 0; i < count; i++) {
		const read = readEndpoint({
			endpoint_id: `ep_${i}`,
			url: `http://127.0.0.1:9/ep_${i}`,
			events: 'deal.*, contact.created',
		});
		if (!read.ok) throw new Error(read.detail);
		const secrets = endpointSecretSet(master, 'whsec', read.endpoint, {
			overlapMs: 0,
			now: new Date(),
		});
		held.push([read.endpoint, secrets]);
	}
	gc();
	const bytes = (process.memoryUsage().heapUsed - before) / count;
	return held.length === count ? bytes : NaN;
}
