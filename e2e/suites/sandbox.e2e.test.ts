/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: it drives a real n8n from Node, with test secrets */
/**
 * How many expression sandboxes (isolated-vm isolates) n8n 2.x takes for a
 * call to the trigger, read from n8n's own metrics (N8N_METRICS=true), next
 * to n8n's Webhook node; docs/n8n-webhook-sandbox.md explains each. Counts,
 * not timings: what the receiving benchmark's figures follow from.
 * - With N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (README "Production
 *   settings") the trigger 1.1 takes none, as the Webhook node; 1.0 takes one
 *   per call (n8n evaluates a version 1 webhook node's binaryData option).
 * - With n8n's defaults n8n takes one before any community trigger runs, and
 *   one per execution: a forged or unsigned call costs one, as a call to the
 *   Webhook node does; a valid one two. The secrets, whose load costs n8n
 *   another, are reused for 10 s.
 * n8n 1.x has no expression sandbox: nothing to count there.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, type WorkflowJson } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

const secret = 'sandbox-e2e-secret';
const body = '{"event":"order.paid","id":7}';
const signature = (key: string) => ({
	'x-hub-signature-256': 'sha256=' + createHmac('sha256', key).update(body).digest('hex'),
});
const CALLS = 4;

interface Counts {
	readonly isolates: number;
	readonly evaluations: number;
}

const describeOn2x = target === '2.x' ? describe : describe.skip;

describeOn2x.each([
	['N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }],
	["n8n's default settings", {}],
])('sandboxes per call, %s', (settings, env) => {
	const lazy = 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE' in env;
	let n8n: N8n;
	let credentialId: string;

	beforeAll(async () => {
		const installed = ensureN8n(TARGETS[target]);
		const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-sandbox-${target}-`));
		installPackage(userFolder, buildAndPack());
		n8n = await N8n.start({ installed, userFolder, env: { N8N_METRICS: 'true', ...env } });
		await n8n.signIn();
		credentialId = await n8n.createCredential('GitHub secret', 'webhookSigningSecretApi', {
			secret,
			format: 'auto',
		});
	}, 20 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
	});

	async function counts(): Promise<Counts> {
		const text = await (await fetch(`${n8n.baseUrl}/metrics`)).text();
		const sum = (name: string) =>
			text
				.split('\n')
				.filter((line) => line.startsWith(name))
				.reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
		return {
			isolates: sum('n8n_expression_pool_acquired_total'),
			evaluations: sum('n8n_expression_evaluation_duration_seconds_count'),
		};
	}

	/** What CALLS calls cost, once each of their executions has ended. */
	async function costOf(
		path: string,
		workflowId: string,
		headers: Record<string, string>,
		expectedStatus: number,
	): Promise<Counts> {
		const before = await counts();
		const executionsBefore = (await n8n.executions(workflowId, false)).length;
		for (let i = 0; i < CALLS; i++) {
			const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body,
			});
			await response.arrayBuffer();
			expect(response.status).toBe(expectedStatus);
		}
		if (expectedStatus === 200) await n8n.waitForExecutions(workflowId, executionsBefore + CALLS);
		const after = await counts();
		return {
			isolates: after.isolates - before.isolates,
			evaluations: after.evaluations - before.evaluations,
		};
	}

	function verified(path: string, typeVersion: number): WorkflowJson {
		return {
			name: path,
			nodes: [
				{
					id: randomUUID(),
					name: 'Verified Webhook Trigger',
					type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
					typeVersion,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { path, signatureScheme: 'github', options: {} },
					credentials: { webhookSigningSecretApi: { id: credentialId, name: 'secret' } },
				},
			],
			connections: {},
		};
	}

	it('the trigger costs what n8n allows: no more than its Webhook node for a refused call', async () => {
		const core = await n8n.deploy(
			{
				name: 'core',
				nodes: [
					{
						id: randomUUID(),
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2.1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: { httpMethod: 'POST', path: 'core', options: {} },
					},
				],
				connections: {},
			},
			['core'],
		);
		const current = await n8n.deploy(verified('current', 1.1), ['current']);
		// A first valid call loads the secrets; the counted ones reuse them.
		await costOf('current', current, signature(secret), 200);

		const perExecution = lazy ? 0 : CALLS;
		expect(await costOf('core', core, {}, 200)).toEqual({ isolates: perExecution, evaluations: 0 });
		const webhookPhase = lazy ? 0 : CALLS;
		expect({
			forged: await costOf('current', current, signature('forged'), 401),
			unsigned: await costOf('current', current, {}, 401),
			valid: await costOf('current', current, signature(secret), 200),
		}).toEqual({
			forged: { isolates: webhookPhase, evaluations: 0 },
			unsigned: { isolates: webhookPhase, evaluations: 0 },
			valid: { isolates: webhookPhase + perExecution, evaluations: 0 },
		});
	});

	it('version 1 of the trigger costs n8n one evaluation per call (why 1.1 exists)', async () => {
		const first = await n8n.deploy(verified('first-version', 1), ['first-version']);
		await costOf('first-version', first, signature(secret), 200);
		const cost = await costOf('first-version', first, signature('forged'), 401);
		expect(cost.evaluations).toBe(CALLS);
		expect(cost.isolates).toBe(CALLS);
	});
});

if (target !== '2.x') {
	it('n8n 1.x has no expression sandbox to count', () => {
		expect(TARGETS[target].n8nVersion.startsWith('1.')).toBe(true);
	});
}
