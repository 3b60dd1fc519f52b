/**
 * Receiving in real n8n: the same 1 KB signed JSON POSTed at fixed
 * concurrency (autocannon) to three workflows of the same shape, in
 * interleaved rounds:
 * - n8n's core Webhook node with no authentication (what an unverified
 *   endpoint costs: the ceiling we are held to);
 * - the usual workaround: Webhook (Raw Body) → Crypto HMAC → IF → Respond to
 *   Webhook 200 / 401;
 * - Verified Webhook Trigger, GitHub scheme (HMAC-SHA256 of the raw body,
 *   the check the workaround also does).
 * - Webhook (Raw Body) → Webhook Signature (Verify, GitHub) → Respond to
 *   Webhook 200 / 401: this package's check as a workflow step.
 * Then forged calls (a wrong signature) and unsigned ones (no signature
 * header) to the workaround and to the Verified trigger, and forged ones to
 * the Verify step: the workaround and the step run a whole execution to say
 * no, the trigger answers before any execution starts (an unsigned call
 * even before its credential is loaded).
 */
import { randomBytes, randomUUID } from 'node:crypto';

import autocannon from 'autocannon';

import { GITHUB, sign } from '../core';
import { N8n, sleep } from '../e2e/harness/n8n';
import { chain, node, startBenchN8n, type N8nSetup } from './n8nInstance';
import { interleave, spread, type Spread } from './stats';
import { jsonBody } from './workload';

export interface ReceiveRow {
	readonly name: string;
	/** valid: signed; forged: a well-formed wrong signature; unsigned: no signature header. */
	readonly calls: 'valid' | 'forged' | 'unsigned';
	readonly expectedStatus: number;
	readonly requestsPerSecond: Spread;
	readonly p50Ms: Spread;
	readonly p99Ms: Spread;
	/** Answers other than expectedStatus, over all rounds: must be 0 for a fair table. */
	readonly unexpected: number;
}

export interface ReceiveResult {
	readonly connections: number;
	readonly secondsPerRound: number;
	readonly bodyBytes: number;
	readonly rows: readonly ReceiveRow[];
	readonly n8nVersion: string;
	readonly nodeVersion: string;
}

const CORE = 'core Webhook, no authentication';
const WORKAROUND = 'workaround: Webhook (Raw Body) → Crypto HMAC → IF → Respond';
const VERIFIED = 'Verified Webhook Trigger, GitHub scheme';
/** Named so that no other row's prefix (core, workaround, Verified) matches it in the report. */
export const VERIFY_STEP = 'Webhook (Raw Body) → Webhook Signature Verify step → Respond';

export async function benchReceive(options: {
	setup: N8nSetup;
	rounds: number;
	seconds: number;
	connections: number;
	onProgress?: (line: string) => void;
}): Promise<ReceiveResult> {
	const { n8n, nodeVersion } = await startBenchN8n(options.setup);
	try {
		const secret = randomBytes(24).toString('hex');
		const credentialId = await n8n.createCredential('bench', 'webhookSigningSecretApi', {
			secret,
			secondarySecret: '',
			format: 'auto',
		});
		const credential = { webhookSigningSecretApi: { id: credentialId, name: 'bench' } };
		const paths = {
			[CORE]: 'bench-core',
			[WORKAROUND]: 'bench-workaround',
			[VERIFIED]: 'bench-verified',
			[VERIFY_STEP]: 'bench-verify-step',
		};

		await n8n.deploy(
			{
				name: 'bench: core Webhook',
				nodes: [
					node(
						'Webhook',
						'n8n-nodes-base.webhook',
						2.1,
						{ httpMethod: 'POST', path: paths[CORE], options: {} },
						0,
						{
							webhookId: randomUUID(),
						},
					),
				],
				connections: {},
			},
			[paths[CORE]],
		);
		const cryptoCredential = await n8n.createCredential('bench HMAC', 'crypto', {
			hmacSecret: secret,
			signPrivateKey: '',
			encryptionPassphrase: '',
			encryptionPublicKey: '',
			encryptionPrivateKey: '',
		});
		await n8n.deploy(workaroundWorkflow(paths[WORKAROUND], cryptoCredential), [paths[WORKAROUND]]);
		await n8n.deploy(
			{
				name: 'bench: Verified trigger',
				nodes: [
					node(
						'Verified Webhook Trigger',
						'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
						1.1,
						{ path: paths[VERIFIED], signatureScheme: 'github', options: {} },
						0,
						{ webhookId: randomUUID(), credentials: credential },
					),
				],
				connections: {},
			},
			[paths[VERIFIED]],
		);

		await n8n.deploy(verifyStepWorkflow(paths[VERIFY_STEP], credential), [paths[VERIFY_STEP]]);

		const body = jsonBody(1024);
		const signed = sign(GITHUB, { primary: secret }, body);
		const forged = { ...signed, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` };
		const unsigned: Record<string, string> = {};
		const headers = (signature: Record<string, string>) => ({
			'content-type': 'application/json',
			...signature,
		});

		const run = async (path: string, signature: Record<string, string>) =>
			await autocannon({
				url: `${n8n.baseUrl}/webhook/${path}`,
				method: 'POST',
				headers: headers(signature),
				body,
				connections: options.connections,
				duration: options.seconds,
			});

		// A short warm-up of each, untimed: first calls compile code paths.
		for (const path of Object.values(paths)) {
			await autocannon({
				url: `${n8n.baseUrl}/webhook/${path}`,
				method: 'POST',
				headers: headers(signed),
				body,
				connections: 2,
				duration: 2,
			});
		}

		const contenders = [
			{ name: CORE, calls: 'valid' as const, path: paths[CORE], signature: signed, expected: 200 },
			{
				name: WORKAROUND,
				calls: 'valid' as const,
				path: paths[WORKAROUND],
				signature: signed,
				expected: 200,
			},
			{
				name: VERIFIED,
				calls: 'valid' as const,
				path: paths[VERIFIED],
				signature: signed,
				expected: 200,
			},
			{
				name: VERIFY_STEP,
				calls: 'valid' as const,
				path: paths[VERIFY_STEP],
				signature: signed,
				expected: 200,
			},
			{
				name: WORKAROUND,
				calls: 'forged' as const,
				path: paths[WORKAROUND],
				signature: forged,
				expected: 401,
			},
			{
				name: VERIFIED,
				calls: 'forged' as const,
				path: paths[VERIFIED],
				signature: forged,
				expected: 401,
			},
			{
				name: VERIFY_STEP,
				calls: 'forged' as const,
				path: paths[VERIFY_STEP],
				signature: forged,
				expected: 401,
			},
			{
				name: WORKAROUND,
				calls: 'unsigned' as const,
				path: paths[WORKAROUND],
				signature: unsigned,
				expected: 401,
			},
			{
				name: VERIFIED,
				calls: 'unsigned' as const,
				path: paths[VERIFIED],
				signature: unsigned,
				expected: 401,
			},
		];
		const key = (c: (typeof contenders)[number]) => `${c.name} · ${c.calls}`;
		const measured = await interleave(
			contenders.map(key),
			options.rounds,
			async (name) => {
				const contender = contenders.find((c) => key(c) === name)!;
				// Answered "immediately", calls leave executions still running;
				// each round starts on an idle n8n so none pays for another's backlog.
				await waitUntilIdle(n8n);
				const result = await run(contender.path, contender.signature);
				const matching =
					contender.expected === 200 ? result['2xx'] : countStatus(result, contender.expected);
				return {
					rps: result.requests.average,
					p50: result.latency.p50,
					p99: result.latency.p99,
					unexpected: result.requests.total - matching + result.errors + result.timeouts,
				};
			},
			(round) => options.onProgress?.(`receive: round ${round + 1}/${options.rounds} done`),
		);
		return {
			connections: options.connections,
			secondsPerRound: options.seconds,
			bodyBytes: Buffer.byteLength(body),
			n8nVersion: n8n.version,
			nodeVersion,
			rows: receiveRows(contenders, measured, key),
		};
	} finally {
		await n8n.stop();
	}
}

/** One run of autocannon against one contender, as both receive benches measure it. */
export interface RoundResult {
	readonly rps: number;
	readonly p50: number;
	readonly p99: number;
	readonly unexpected: number;
}

/** A table row per contender, from its rounds (medians and spreads; unexpected answers summed). */
export function receiveRows<
	C extends { name: string; calls: ReceiveRow['calls']; expected: number },
>(
	contenders: readonly C[],
	measured: ReadonlyMap<string, readonly RoundResult[]>,
	key: (contender: C) => string,
): ReceiveRow[] {
	return contenders.map((contender) => {
		const runs = measured.get(key(contender)) ?? [];
		return {
			name: contender.name,
			calls: contender.calls,
			expectedStatus: contender.expected,
			requestsPerSecond: spread(runs.map((r) => r.rps)),
			p50Ms: spread(runs.map((r) => r.p50)),
			p99Ms: spread(runs.map((r) => r.p99)),
			unexpected: runs.reduce((sum, r) => sum + r.unexpected, 0),
		};
	});
}

async function waitUntilIdle(n8n: N8n, timeoutMs = 300_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const running = await n8n.api<{ data: unknown[] }>('GET', '/executions?status=running&limit=1');
		if (running.data.length === 0) return;
		if (Date.now() > deadline) throw new Error('n8n still had running executions after 5 minutes');
		await sleep(500);
	}
}

function countStatus(result: autocannon.Result, status: number): number {
	return result.statusCodeStats?.[String(status)]?.count ?? 0;
}

/**
 * What n8n users build today to check a GitHub-style signature: the raw body
 * as binary, an HMAC of it, a comparison, and an answer from Respond to
 * Webhook (200 or 401).
 */
function workaroundWorkflow(path: string, cryptoCredentialId: string) {
	return {
		name: 'bench: workaround',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path, responseMode: 'responseNode', options: { rawBody: true } },
				0,
				{ webhookId: randomUUID() },
			),
			node(
				'Crypto',
				'n8n-nodes-base.crypto',
				2,
				{
					action: 'hmac',
					binaryData: true,
					binaryPropertyName: 'data',
					type: 'SHA256',
					encoding: 'hex',
					dataPropertyName: 'hmac',
				},
				220,
				{ credentials: { crypto: { id: cryptoCredentialId, name: 'bench HMAC' } } },
			),
			node(
				'IF',
				'n8n-nodes-base.if',
				2.2,
				{
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: 'b6d4c1f0-0000-4000-8000-000000000001',
								leftValue: "={{ 'sha256=' + $json.hmac }}",
								rightValue: "={{ $json.headers['x-hub-signature-256'] }}",
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
				440,
			),
			node(
				'Accept',
				'n8n-nodes-base.respondToWebhook',
				1.5,
				{ respondWith: 'noData', options: { responseCode: 200 } },
				660,
			),
			node(
				'Reject',
				'n8n-nodes-base.respondToWebhook',
				1.5,
				{ respondWith: 'noData', options: { responseCode: 401 } },
				660,
			),
		],
		connections: {
			...chain('Webhook', 'Crypto', 'IF'),
			IF: {
				main: [
					[{ node: 'Accept', type: 'main', index: 0 }],
					[{ node: 'Reject', type: 'main', index: 0 }],
				],
			},
		},
	};
}

/**
 * The check as a workflow step: n8n's Webhook node keeps the raw body,
 * Webhook Signature verifies it (GitHub scheme, the workaround's check), and
 * a Respond to Webhook node answers 200 on Valid or 401 on Invalid.
 */
function verifyStepWorkflow(path: string, credentials: Record<string, unknown>) {
	return {
		name: 'bench: Verify step',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				{ httpMethod: 'POST', path, responseMode: 'responseNode', options: { rawBody: true } },
				0,
				{ webhookId: randomUUID() },
			),
			node(
				'Verify',
				'n8n-nodes-signed-webhooks.webhookSignature',
				1,
				{ operation: 'verify', signatureScheme: 'github' },
				220,
				{ credentials },
			),
			node(
				'Accept',
				'n8n-nodes-base.respondToWebhook',
				1.5,
				{ respondWith: 'noData', options: { responseCode: 200 } },
				440,
			),
			node(
				'Reject',
				'n8n-nodes-base.respondToWebhook',
				1.5,
				{ respondWith: 'noData', options: { responseCode: 401 } },
				440,
			),
		],
		connections: {
			...chain('Webhook', 'Verify'),
			Verify: {
				main: [
					[{ node: 'Accept', type: 'main', index: 0 }],
					[{ node: 'Reject', type: 'main', index: 0 }],
				],
			},
		},
	};
}
