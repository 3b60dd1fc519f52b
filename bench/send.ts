/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node to drive a real n8n */
/**
 * Sending in real n8n: N records of ~1 KB, made by a Code node, delivered to
 * a loopback keep-alive receiver by
 * - Send Webhook, one request per item, Standard Webhooks signing;
 * - Send Webhook, batches of 200;
 * - n8n's HTTP Request node, one request per item (unsigned: it cannot sign);
 * - a plain node:http keep-alive loop signing the same bytes (outside n8n).
 * All one request at a time, as each is configured by default; then Send
 * Webhook and the loop again with 10 in flight. Interleaved rounds.
 *
 * "In the node" is the sending node's own execution time in n8n's run data;
 * "end to end" is the webhook call that starts the workflow, answered when
 * its last node finishes.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { sleep, type Execution, type N8n } from '../e2e/harness/n8n';
import { chain, memoryOf, node, startBenchN8n, type N8nSetup } from './n8nInstance';
import { interleave, spread, type Spread } from './stats';
import { codeNodeSource, recordBytes } from './workload';

export interface SendRow {
	readonly name: string;
	readonly concurrency: number;
	readonly requests: number;
	/** Items per second over the sending node's own time (the loop: its sends). */
	readonly itemsPerSecondInNode: Spread;
	/** Items per second from the triggering call to the workflow's end (n/a for the loop). */
	readonly itemsPerSecondEndToEnd?: Spread;
}

export interface SendResult {
	readonly items: number;
	readonly recordBytes: number;
	readonly rows: readonly SendRow[];
	readonly n8nVersion: string;
	readonly nodeVersion: string;
}

export interface MemoryResult {
	readonly items: number;
	readonly inputBytes: number;
	/** Runs per workflow; absent in results from before rounds were taken. */
	readonly rounds?: number;
	/**
	 * Send Webhook's growth less Edit Fields' in the same round, ÷ the input,
	 * one per round: pairing within a round cancels the machine's drift
	 * between rounds. Absent in results from before it was kept.
	 */
	readonly shares?: readonly number[];
	/** Each workflow's growth in bytes, round by round (absent in older results). */
	readonly growths?: Readonly<Record<string, readonly number[]>>;
	readonly rows: ReadonlyArray<{
		readonly name: string;
		readonly idleRss: number;
		readonly peakRss: number;
		readonly seconds: number;
	}>;
}

const execFileAsync = promisify(execFile);

export interface Counter {
	readonly url: string;
	requests: number;
	bytes: number;
	close(): Promise<void>;
}

/** A keep-alive receiver that counts what arrives and answers 200 at once. */
export async function startCounter(): Promise<Counter> {
	const counter = { requests: 0, bytes: 0 } as Counter & { requests: number; bytes: number };
	const server: Server = createServer((req, res) => {
		req.on('data', (chunk: Buffer) => (counter.bytes += chunk.length));
		req.on('end', () => {
			counter.requests += 1;
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
			res.end('{"ok":true}');
		});
	});
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(counter, {
		url: `http://127.0.0.1:${port}/hook`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	});
}

interface Sender {
	readonly name: string;
	readonly concurrency: number;
	/** The sending node, or undefined for the plain loop. */
	readonly node?: Record<string, unknown>;
}

function senders(url: string, credentialId: string): Sender[] {
	const credentials = { webhookSigningSecretApi: { id: credentialId, name: 'bench whsec' } };
	const sendWebhook = (batching: Record<string, unknown>, concurrency: number) =>
		node(
			'Send',
			'n8n-nodes-signed-webhooks.sendWebhook',
			1,
			{
				url,
				signatureScheme: 'standardWebhooks',
				...batching,
				options: concurrency > 1 ? { concurrency } : {},
			},
			440,
			{ credentials },
		);
	return [
		{
			name: 'Send Webhook, batch 1',
			concurrency: 1,
			node: sendWebhook({ batching: 'perItem' }, 1),
		},
		{
			name: 'Send Webhook, batch 200',
			concurrency: 1,
			node: sendWebhook({ batching: 'batch', batchSize: 200 }, 1),
		},
		{
			name: 'HTTP Request node (unsigned), one per item',
			concurrency: 1,
			node: node(
				'Send',
				'n8n-nodes-base.httpRequest',
				4.2,
				{
					method: 'POST',
					url,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
				440,
			),
		},
		{ name: 'plain node:http keep-alive loop', concurrency: 1 },
		{
			name: 'Send Webhook, batch 1',
			concurrency: 10,
			node: sendWebhook({ batching: 'perItem' }, 10),
		},
		{ name: 'plain node:http keep-alive loop', concurrency: 10 },
	];
}

function sendWorkflow(path: string, sender: Record<string, unknown>, webhookId: string) {
	return {
		name: `bench send: ${path}`,
		nodes: [
			node(
				'Start',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} },
				0,
				{ webhookId },
			),
			node('Records', 'n8n-nodes-base.code', 2, { jsCode: codeNodeSource() }, 220),
			sender,
		],
		connections: chain('Start', 'Records', 'Send'),
	};
}

/** A Standard Webhooks secret, and the credential that holds it in n8n. */
export async function createWhsecCredential(
	n8n: N8n,
): Promise<{ whsec: string; credentialId: string }> {
	const whsec = `whsec_${randomBytes(32).toString('base64')}`;
	const credentialId = await n8n.createCredential('bench whsec', 'webhookSigningSecretApi', {
		secret: whsec,
		secondarySecret: '',
		format: 'auto',
	});
	return { whsec, credentialId };
}

/** Runs the workflow once; returns its end-to-end and in-node milliseconds. */
export async function runOnce(
	n8n: N8n,
	workflowId: string,
	path: string,
	items: number,
	body = JSON.stringify({ count: items }),
): Promise<{ endToEndMs: number; nodeMs: number }> {
	const start = process.hrtime.bigint();
	const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body,
	});
	await response.text();
	const endToEndMs = Number(process.hrtime.bigint() - start) / 1e6;
	if (!response.ok) throw new Error(`${path}: the workflow answered ${response.status}`);
	// The public API lists the newest execution first.
	const page = await n8n.api<{ data: Execution[] }>(
		'GET',
		`/executions?workflowId=${workflowId}&includeData=true&limit=1`,
	);
	const runs = page.data[0]?.data?.resultData.runData.Send as
		| Array<{ executionTime?: number }>
		| undefined;
	const nodeMs = runs?.[0]?.executionTime;
	if (nodeMs === undefined) throw new Error(`${path}: no run data for the sending node`);
	return { endToEndMs, nodeMs };
}

export async function benchSend(options: {
	setup: N8nSetup;
	rounds: number;
	items: number;
	onProgress?: (line: string) => void;
}): Promise<SendResult> {
	const { n8n, installed, nodeVersion } = await startBenchN8n(options.setup);
	const receiver = await startCounter();
	try {
		const { whsec, credentialId } = await createWhsecCredential(n8n);
		const list = senders(receiver.url, credentialId);
		const deployed = new Map<number, { id: string; path: string }>();
		for (const [index, sender] of list.entries()) {
			if (!sender.node) continue;
			const path = `bench-send-${index}`;
			const id = await n8n.deploy(sendWorkflow(path, sender.node, randomUUID()), [path]);
			deployed.set(index, { id, path });
			await runOnce(n8n, id, path, 200); // warm-up, untimed
		}
		// Asynchronous: the receiver answering it lives in this process.
		const loop = async (concurrency: number) => {
			const script = join(__dirname, 'keepAliveLoop.js');
			const { stdout } = await execFileAsync(installed.node, [
				script,
				receiver.url,
				String(options.items),
				String(concurrency),
				whsec,
			]);
			return (JSON.parse(stdout) as { ms: number }).ms;
		};

		const names = list.map((_, index) => String(index));
		const measured = await interleave(
			names,
			options.rounds,
			async (name) => {
				const index = Number(name);
				const sender = list[index];
				const before = receiver.requests;
				let result: { endToEndMs?: number; nodeMs: number };
				if (sender.node) {
					const { id, path } = deployed.get(index)!;
					result = await runOnce(n8n, id, path, options.items);
				} else {
					result = { nodeMs: await loop(sender.concurrency) };
				}
				return { ...result, requests: receiver.requests - before };
			},
			(round) => options.onProgress?.(`send: round ${round + 1}/${options.rounds} done`),
		);
		return {
			items: options.items,
			recordBytes: recordBytes(),
			n8nVersion: n8n.version,
			nodeVersion,
			rows: list.map((sender, index) => {
				const runs = measured.get(String(index)) ?? [];
				const perSecond = (ms: number) => (options.items / ms) * 1000;
				return {
					name: sender.name,
					concurrency: sender.concurrency,
					requests: runs[0]?.requests ?? 0,
					itemsPerSecondInNode: spread(runs.map((r) => perSecond(r.nodeMs))),
					...(sender.node
						? { itemsPerSecondEndToEnd: spread(runs.map((r) => perSecond(r.endToEndMs ?? NaN))) }
						: {}),
				};
			}),
		};
	} finally {
		await receiver.close();
		await n8n.stop();
	}
}

/**
 * Peak resident memory of the n8n process while a workflow sends `items`
 * records in batches of 200, against the same workflow with a No Op node in
 * the sender's place (what n8n needs to hold and save the items), and with
 * an Edit Fields node that outputs a new item per input (what any node
 * producing new items costs n8n).
 * Each run in a freshly started n8n, polled every 50 ms from the call that
 * starts the workflow until n8n lists its execution as finished: reading the
 * execution back (which copies every item's data into one JSON answer) is
 * not part of it. Rounds are interleaved; each row is the round with the
 * median growth, since one run's growth varies by a few hundred MiB.
 */
export async function benchMemory(options: {
	setup: N8nSetup;
	items: number;
	rounds: number;
	onProgress?: (line: string) => void;
}): Promise<MemoryResult> {
	const names = [
		'No Op in the sender’s place (passes the same items on)',
		'Edit Fields (Set) adding one field (new items, as any transform makes)',
		'Send Webhook, batches of 200',
	];
	const runs = await interleave(
		names,
		options.rounds,
		async (name) => await memoryRun(name, options),
		(round) => options.onProgress?.(`memory: round ${round + 1}/${options.rounds} done`),
	);
	const inputBytes = options.items * recordBytes();
	const rows = names.map((name) => {
		const sorted = [...(runs.get(name) ?? [])].sort((a, b) => memoryGrowth(a) - memoryGrowth(b));
		return sorted[Math.floor((sorted.length - 1) / 2)]!;
	});
	const [, editFields, sendWebhook] = names.map((name) => runs.get(name) ?? []);
	const shares = sendWebhook.map(
		(run, round) => (memoryGrowth(run) - memoryGrowth(editFields[round]!)) / inputBytes,
	);
	const growths = Object.fromEntries(
		names.map((name) => [name, (runs.get(name) ?? []).map(memoryGrowth)]),
	);
	return { items: options.items, inputBytes, rounds: options.rounds, rows, shares, growths };
}

/** How far a run's resident set rose above n8n's idle one. */
export function memoryGrowth(row: MemoryResult['rows'][number]): number {
	return row.peakRss - row.idleRss;
}

async function memoryRun(
	name: string,
	options: { setup: N8nSetup; items: number },
): Promise<MemoryResult['rows'][number]> {
	const { n8n } = await startBenchN8n(options.setup);
	const receiver = await startCounter();
	try {
		const { credentialId } = await createWhsecCredential(n8n);
		const sender = name.startsWith('Send')
			? node(
					'Send',
					'n8n-nodes-signed-webhooks.sendWebhook',
					1,
					{
						url: receiver.url,
						signatureScheme: 'standardWebhooks',
						batching: 'batch',
						batchSize: 200,
						options: {},
					},
					440,
					{ credentials: { webhookSigningSecretApi: { id: credentialId, name: 'bench whsec' } } },
				)
			: name.startsWith('Edit Fields')
				? node(
						'Send',
						'n8n-nodes-base.set',
						3.4,
						{
							mode: 'manual',
							includeOtherFields: true,
							assignments: {
								assignments: [
									{
										id: 'a0f4f7e2-0000-4000-8000-000000000001',
										name: 'sent',
										value: true,
										type: 'boolean',
									},
								],
							},
							options: {},
						},
						440,
					)
				: node('Send', 'n8n-nodes-base.noOp', 1, {}, 440);
		const path = 'bench-memory';
		const id = await n8n.deploy(sendWorkflow(path, sender, randomUUID()), [path]);
		await runOnce(n8n, id, path, 200);
		const pid = n8n.pid!;
		const idleRss = memoryOf(pid).rss;
		let peakRss = idleRss;
		const poll = setInterval(() => {
			peakRss = Math.max(peakRss, memoryOf(pid).rss);
		}, 50);
		const start = Date.now();
		try {
			const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ count: options.items }),
			});
			await response.text();
			if (!response.ok) throw new Error(`memory run: the workflow answered ${response.status}`);
			await waitUntilFinished(n8n, id, 2);
		} finally {
			clearInterval(poll);
		}
		peakRss = Math.max(peakRss, memoryOf(pid).rss);
		if (name.startsWith('Send') && receiver.requests < Math.ceil(options.items / 200)) {
			throw new Error(`memory run: the receiver got ${receiver.requests} requests`);
		}
		return { name, idleRss, peakRss, seconds: (Date.now() - start) / 1000 };
	} finally {
		await receiver.close();
		await n8n.stop();
	}
}

/** Until the workflow has `count` finished executions, asked without their data. */
async function waitUntilFinished(n8n: N8n, workflowId: string, count: number): Promise<void> {
	for (;;) {
		const page = await n8n.api<{ data: Execution[] }>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=false&limit=${count}`,
		);
		const finished = page.data.filter(
			(execution) => !['new', 'running'].includes(execution.status),
		);
		if (finished.length >= count) return;
		await sleep(100);
	}
}
