/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * In a real n8n (E2E_TARGET: 2.x on Node 24, or 1.x on Node 20), with this
 * package packed and installed as users get it:
 * 1. Send Webhook delivers signed batches to a loopback receiver that checks
 *    every signature; Delivered / Failed are read back from n8n's own
 *    execution data.
 * 2. Retries: the default schedule (10 s, then 100 s), and 410 stops at once.
 * 3. Webhook Trigger (Verified): valid calls start executions; invalid ones
 *    get 401 and the execution count does not move.
 * 4. No secret appears in anything n8n stored or logged.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import { DEMO_SECRETS, deployExamples } from '../harness/examples';
import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, type WorkflowJson } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import {
	header,
	ok,
	sequence,
	startReceiver,
	type ReceivedCall,
	type Receiver,
} from '../../test/helpers/receiver';
import { goodfitReceiverAccepts } from '../../test/helpers/goodfitReceiver';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

/** Every secret this suite gives n8n; none may show up in what n8n stores or logs. */
const SECRETS = {
	goodfit: `e2e-goodfit-${randomBytes(12).toString('hex')}`,
	whsec: `whsec_${randomBytes(32).toString('base64')}`,
	headerToken: `Bearer e2e-token-${randomBytes(12).toString('hex')}`,
};

let n8n: N8n;
let receiver: Receiver;
const credentials = new Map<string, string>();

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
	receiver = await startReceiver();
	credentials.set(
		'goodfit',
		await n8n.createCredential('e2e GoodFit', 'webhookSigningSecretApi', {
			secret: SECRETS.goodfit,
			secondarySecret: '',
			format: 'auto',
		}),
	);
	credentials.set(
		'whsec',
		await n8n.createCredential('e2e Standard Webhooks', 'webhookSigningSecretApi', {
			secret: SECRETS.whsec,
			secondarySecret: '',
			format: 'auto',
		}),
	);
	credentials.set(
		'auth',
		await n8n.createCredential('e2e header auth', 'webhookHeaderAuthApi', {
			name: 'Authorization',
			secretValue: SECRETS.headerToken,
			// n8n adds this to credentials with an authenticate block; 1.x's API
			// schema wrongly demands allowedDomains unless it is set.
			allowedHttpRequestDomains: 'all',
		}),
	);
}, 20 * 60_000);

afterAll(async () => {
	await receiver?.close();
	await n8n?.stop();
});

let workflowCount = 0;

/** Core Webhook (POST {records}) → Split Out → Send Webhook with these parameters. */
function senderWorkflow(
	sendParameters: Record<string, unknown>,
	credentialRefs: Record<string, string>,
): { workflow: WorkflowJson; path: string } {
	const path = `e2e-send-${++workflowCount}`;
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		parameters: object,
		extra: object = {},
	) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	});
	return {
		path,
		workflow: {
			name: `e2e sender ${workflowCount}`,
			nodes: [
				node(
					'Start',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
					{ webhookId: randomUUID() },
				),
				node('Records', 'n8n-nodes-base.splitOut', 1, {
					fieldToSplitOut: 'body.records',
					include: 'noOtherFields',
					options: {},
				}),
				node('Send Webhook', 'n8n-nodes-signed-webhooks.sendWebhook', 1, sendParameters, {
					credentials: Object.fromEntries(
						Object.entries(credentialRefs).map(([type, key]) => [
							type,
							{ id: credentials.get(key), name: key },
						]),
					),
				}),
			],
			connections: {
				Start: { main: [[{ node: 'Records', type: 'main', index: 0 }]] },
				Records: { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
			},
		},
	};
}

async function runSender(
	sendParameters: Record<string, unknown>,
	credentialRefs: Record<string, string>,
	records: unknown[],
	timeoutMs = 60_000,
) {
	const { workflow, path } = senderWorkflow(sendParameters, credentialRefs);
	const id = await n8n.deploy(workflow, [path]);
	const started = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ records }),
	});
	expect(started.status).toBe(200);
	const [execution] = await n8n.waitForExecutions(id, 1, timeoutMs);
	expect(execution.status).toBe('success');
	return {
		delivered: outputItems(execution, 'Send Webhook', 0),
		failed: outputItems(execution, 'Send Webhook', 1),
	};
}

function goodfitAccepts(call: ReceivedCall): boolean {
	return goodfitReceiverAccepts(SECRETS.goodfit, call.body, call.headers['x-goodfit-hmac-sha256']);
}

describe(`Send Webhook in n8n ${TARGETS[target].n8nVersion}`, () => {
	it('delivers 450 records in signed batches of 200 with custom headers; every item is reported', async () => {
		receiver.answer(ok);
		const before = receiver.calls.length;
		const records = Array.from({ length: 450 }, (_, i) => ({
			id: i,
			domain: `company${i}.example`,
		}));
		const { delivered, failed } = await runSender(
			{
				url: `${receiver.url}/goodfit`,
				signatureScheme: 'goodfit',
				batching: 'batch',
				batchSize: 200,
				authentication: 'headerAuth',
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'X-Source', value: '={{ "n8n run " + $runIndex }}' }],
				},
				options: {},
			},
			{ webhookSigningSecretApi: 'goodfit', webhookHeaderAuthApi: 'auth' },
			records,
		);
		const calls = receiver.calls.slice(before);
		expect(calls.map((call) => (JSON.parse(call.body.toString()) as unknown[]).length)).toEqual([
			200, 200, 50,
		]);
		expect(calls.every(goodfitAccepts)).toBe(true);
		expect(calls.every((call) => header(call, 'authorization') === SECRETS.headerToken)).toBe(true);
		expect(calls.every((call) => header(call, 'x-source') === 'n8n run 0')).toBe(true);
		expect(
			calls.flatMap((call) =>
				(JSON.parse(call.body.toString()) as Array<{ id: number }>).map((r) => r.id),
			),
		).toEqual(records.map((r) => r.id));

		expect(failed).toEqual([]);
		expect(delivered).toHaveLength(450);
		expect(delivered[449]).toMatchObject({
			id: 449,
			webhookDelivery: {
				delivered: true,
				statusCode: 200,
				batch: { index: 2, size: 50, position: 49 },
			},
		});
	});

	it('routes what cannot be delivered to Failed: a 410 stops at once', async () => {
		const gone = await startReceiver(() => ({ status: 410 }));
		try {
			const { delivered, failed } = await runSender(
				{ url: `${gone.url}/gone`, signatureScheme: 'none', options: {} },
				{},
				[{ id: 1 }, { id: 2 }],
			);
			expect(gone.calls).toHaveLength(2);
			expect(delivered).toEqual([]);
			expect(failed.map((item) => (item.webhookDelivery as { outcome: string }).outcome)).toEqual([
				expect.stringMatching(/410 Gone/),
				expect.stringMatching(/410 Gone/),
			]);
		} finally {
			await gone.close();
		}
	});

	it('retries on the default schedule: fails twice, waits 10 s then 100 s, delivered on the third attempt', async () => {
		const flaky = await startReceiver(sequence({ status: 503 }, { status: 500 }, { status: 200 }));
		try {
			const { delivered } = await runSender(
				{ url: `${flaky.url}/flaky`, signatureScheme: 'standardWebhooks', options: {} },
				{ webhookSigningSecretApi: 'whsec' },
				[{ id: 'retry-me' }],
				180_000,
			);
			const calls = flaky.calls;
			expect(calls).toHaveLength(3);
			const gaps = [calls[1].at - calls[0].at, calls[2].at - calls[1].at];
			expect(gaps[0]).toBeGreaterThanOrEqual(10_000);
			expect(gaps[0]).toBeLessThan(15_000);
			expect(gaps[1]).toBeGreaterThanOrEqual(100_000);
			expect(gaps[1]).toBeLessThan(110_000);
			// Same delivery id, fresh timestamp, each attempt accepted by the library.
			expect(new Set(calls.map((call) => header(call, 'webhook-id'))).size).toBe(1);
			for (const call of calls) {
				expect(() =>
					new StandardWebhook(SECRETS.whsec).verify(
						call.body.toString(),
						call.headers as Record<string, string>,
					),
				).not.toThrow();
			}
			expect(delivered[0].webhookDelivery).toMatchObject({
				delivered: true,
				attempts: [
					{ statusCode: 503, retryInMs: 10_000 },
					{ statusCode: 500, retryInMs: 100_000 },
					{ statusCode: 200 },
				],
			});
		} finally {
			await flaky.close();
		}
	}, 240_000);
});

describe(`Webhook Trigger (Verified) in n8n ${TARGETS[target].n8nVersion}`, () => {
	let ids: Map<string, string>;
	beforeAll(async () => {
		ids = await deployExamples(n8n);
	});

	async function count(file: string): Promise<number> {
		return (await n8n.executions(ids.get(file)!, false)).length;
	}

	async function post(path: string, body: string | Buffer, headers: Record<string, string>) {
		const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers,
			body,
		});
		return { status: response.status, body: await response.text() };
	}

	const seedCalls: Array<
		[string, string, () => { body: string; headers: Record<string, string> }]
	> = [
		[
			'receive-goodfit.json',
			'goodfit',
			() => {
				const body = JSON.stringify([{ domain: 'a.example' }, { domain: 'b.example' }]);
				const signature =
					'sha256=' +
					createHmac('sha256', DEMO_SECRETS['GoodFit shared key']).update(body).digest('hex');
				return {
					body,
					headers: { 'content-type': 'application/json', 'x-goodfit-hmac-sha256': signature },
				};
			},
		],
		[
			'receive-smarter-launch.json',
			'smarter-launch',
			() => {
				const body = JSON.stringify({ event: 'proposal.accepted', proposal: { id: 981 } });
				const signature = createHmac('sha256', DEMO_SECRETS['Smarter Launch webhook key'])
					.update(body)
					.digest('hex');
				return { body, headers: { 'content-type': 'application/json', 'x-signature': signature } };
			},
		],
		[
			'receive-connectgain.json',
			'connectgain',
			() => {
				const body = JSON.stringify({
					event: 'contact.created',
					timestamp: new Date().toISOString(),
					data: { id: randomUUID() },
				});
				const signature = createHmac('sha256', DEMO_SECRETS['ConnectGain webhook secret'])
					.update(body)
					.digest('hex');
				return {
					body,
					headers: {
						'content-type': 'application/json',
						'x-webhook-event': 'contact.created',
						'x-webhook-signature': signature,
					},
				};
			},
		],
		[
			'receive-vinsight.json',
			'vinsight',
			() => ({
				body: '{"test":"json"}',
				headers: {
					'content-type': 'application/json',
					'x-signature': '33ed67a6f675f2dc414c8933657c50c105a6b816108e7a4fed763dc917b9ba06',
				},
			}),
		],
	];

	it.each(seedCalls)(
		'%s: a valid call runs the workflow; forged, tampered and unsigned calls get 401 and run nothing',
		async (file, path, make) => {
			const before = await count(file);
			const valid = make();
			expect(await post(path, valid.body, valid.headers)).toMatchObject({ status: 200 });
			await n8n.waitForExecutions(ids.get(file)!, before + 1);

			const tampered = await post(path, valid.body.replace(/"(\w)/, '"X$1'), valid.headers);
			const unsigned = await post(path, valid.body, { 'content-type': 'application/json' });
			const signatureName = Object.keys(valid.headers).find((name) => /sig|hmac/i.test(name))!;
			const forged = await post(path, valid.body, {
				...valid.headers,
				[signatureName]: 'sha256=' + '0'.repeat(64),
			});
			for (const refused of [tampered, unsigned, forged]) {
				expect(refused.status).toBe(401);
				expect(JSON.parse(refused.body)).toMatchObject({
					error: 'Unauthorized',
					reason: expect.any(String),
				});
			}
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(await count(file)).toBe(before + 1);
		},
	);

	it('a GoodFit batch arrives as one item per record, verified', async () => {
		const file = 'receive-goodfit.json';
		const before = await n8n.executions(ids.get(file)!, false);
		const call = seedCalls[0][2]();
		await post('goodfit', call.body, call.headers);
		const after = await n8n.waitForExecutions(ids.get(file)!, before.length + 1);
		const newest = after.find((execution) => !before.some((old) => old.id === execution.id))!;
		const items = outputItems(newest, 'Webhook Trigger (Verified)');
		expect(items).toEqual([
			expect.objectContaining({
				body: { domain: 'a.example' },
				verification: expect.objectContaining({ scheme: 'goodfit' }),
			}),
			expect.objectContaining({ body: { domain: 'b.example' } }),
		]);
		expect(items[0].headers).not.toHaveProperty('x-goodfit-hmac-sha256');
	});

	it('answers through a Respond to Webhook node (version 1) only for a verified call', async () => {
		const body = '{"hello":"world"}';
		const signature =
			'sha256=' +
			createHmac('sha256', DEMO_SECRETS['GitHub webhook secret']).update(body).digest('hex');
		const headers = {
			'content-type': 'application/json',
			'x-github-delivery': 'd-42',
			'x-hub-signature-256': signature,
		};
		const answered = await post('respond', body, headers);
		expect(answered.status).toBe(202);
		expect(JSON.parse(answered.body)).toEqual({ received: 'd-42' });
		const refused = await post('respond', body, {
			...headers,
			'x-hub-signature-256': 'sha256=' + '1'.repeat(64),
		});
		expect(refused.status).toBe(401);
	});

	it('a replayed ConnectGain call starts nothing and is answered 200 (replay protection is on in that example)', async () => {
		const call = seedCalls[2][2]();
		expect((await post('connectgain', call.body, call.headers)).status).toBe(200);
		const again = await post('connectgain', call.body, call.headers);
		expect(again.status).toBe(200);
		expect(JSON.parse(again.body)).toEqual({ status: 'duplicate', reason: 'replayed_id' });
	});
});

describe('secrets', () => {
	it('appear nowhere in the executions, the database file or the log n8n wrote', async () => {
		const forbidden = [
			SECRETS.goodfit,
			SECRETS.whsec,
			SECRETS.whsec.slice(6),
			SECRETS.headerToken,
			...Object.values(DEMO_SECRETS),
		];
		const workflows = await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250');
		let executionText = '';
		for (const workflow of workflows.data)
			executionText += JSON.stringify(await n8n.executions(workflow.id, true));
		expect(executionText.length).toBeGreaterThan(1000);
		const stored = [
			executionText,
			n8n.log(),
			...filesUnder(join(n8n.userFolder, '.n8n')).map((file) => readFileSync(file, 'latin1')),
		].join('\n');
		for (const secret of forbidden) {
			expect(stored.includes(secret) ? secret : 'absent').toBe('absent');
		}
	});
});

function filesUnder(dir: string): string[] {
	const files: string[] = [];
	for (const entry of readdirSync(dir)) {
		if (entry === 'nodes') continue; // the installed package itself
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) files.push(...filesUnder(path));
		else if (statSync(path).size < 200 * 1024 * 1024) files.push(path);
	}
	return files;
}
