/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: it drives a real n8n from Node, with test secrets */
/**
 * In a real n8n (E2E_TARGET: 2.x on Node 24, or 1.x on Node 20): the
 * trigger's execute() sorts what its webhook() handed over onto the outputs,
 * under both of n8n's execution orders (workflows without settings, as the
 * public API creates them, run the legacy "v0" order), and a configuration
 * that would refuse every call stops publishing with the reason. What a test
 * run shows in the editor is proven in the browser suite.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, type WorkflowJson } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

const TRIGGER = 'Verified Webhook Trigger';
const secret = 'editor-e2e-secret';
const body = '{"event":"order.paid","id":7}';
const sign = (key: string) => 'sha256=' + createHmac('sha256', key).update(body).digest('hex');

let n8n: N8n;
let credentialId: string;
let plainCredentialId: string;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-editor-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
	credentialId = await n8n.createCredential('GitHub secret', 'webhookSigningSecretApi', {
		secret,
		format: 'auto',
	});
	plainCredentialId = await n8n.createCredential('Plain secret', 'webhookSigningSecretApi', {
		secret: 'a-plain-text-secret',
		format: 'auto',
	});
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

function triggerWorkflow(
	path: string,
	parameters: Record<string, unknown>,
	settings: object,
	credential = credentialId,
): WorkflowJson {
	return {
		name: path,
		settings,
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { path, httpMethod: 'POST', ...parameters },
				credentials: { webhookSigningSecretApi: { id: credential, name: 'secret' } },
			},
		],
		connections: {},
	};
}

async function post(path: string, signature: string): Promise<number> {
	const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
		body,
	});
	await response.arrayBuffer();
	return response.status;
}

describe.each([
	['v1', { executionOrder: 'v1' }],
	['v0 (legacy, the default of a workflow without settings)', { executionOrder: 'v0' }],
])('execution order %s', (order, settings) => {
	it('verified calls on the first output, refused ones on Rejected with a warning hint', async () => {
		const path = `editor-rejected-${order.slice(0, 2)}`;
		const id = await n8n.deploy(
			triggerWorkflow(path, { signatureScheme: 'github', rejectedOutput: true }, settings),
			[path],
		);
		expect(await post(path, sign(secret))).toBe(200);
		expect(await post(path, sign('forged'))).toBe(401);
		const executions = await n8n.waitForExecutions(id, 2);
		expect(executions.map((execution) => execution.status)).toEqual(['success', 'success']);
		const byOutput = executions.map((execution) => [
			outputItems(execution, TRIGGER, 0).length,
			outputItems(execution, TRIGGER, 1).length,
		]);
		expect(byOutput).toEqual(
			expect.arrayContaining([
				[1, 0],
				[0, 1],
			]),
		);
		const refused = executions.find((execution) => outputItems(execution, TRIGGER, 1).length);
		expect(outputItems(refused!, TRIGGER, 1)[0]).toMatchObject({
			body: { event: 'order.paid', id: 7 },
			rejection: { reason: 'signature_mismatch', status: 401 },
		});
		const run = refused!.data!.resultData.runData[TRIGGER][0] as {
			hints?: Array<{ message: string }>;
		};
		expect(run.hints?.map((hint) => hint.message)).toEqual([
			expect.stringMatching(/^Call refused: signature_mismatch \(401\)/),
		]);
	});
});

it('a forged call to a workflow without the Rejected output starts nothing', async () => {
	const path = 'editor-no-rejected';
	const id = await n8n.deploy(triggerWorkflow(path, { signatureScheme: 'github' }, {}), [path]);
	expect(await post(path, sign('forged'))).toBe(401);
	expect(await post(path, sign(secret))).toBe(200);
	const executions = await n8n.waitForExecutions(id, 1);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect(await n8n.executions(id, false)).toHaveLength(1);
	expect(outputItems(executions[0], TRIGGER, 0)).toHaveLength(1);
});

it('publishing with a secret the scheme cannot read fails, saying why', async () => {
	const path = 'editor-plain-secret';
	const workflow = triggerWorkflow(
		path,
		{ signatureScheme: 'standardWebhooks' },
		{ executionOrder: 'v1' },
		plainCredentialId,
	);
	const { id } = await n8n.api<{ id: string }>('POST', '/workflows', {
		name: workflow.name,
		nodes: workflow.nodes,
		connections: workflow.connections,
		settings: workflow.settings,
	});
	// n8n 1.x answers the activation with the error; 2.x keeps the workflow
	// unpublished and records the error the editor shows.
	const answer = await n8n.api('POST', `/workflows/${id}/activate`).then(
		() => '',
		(error: unknown) => (error as Error).message,
	);
	// 2.x publishes in the background (its publication outbox, retried a
	// few times): the error is recorded on the publication status, and
	// pushed to the editor, some seconds later.
	let message = answer;
	const deadline = Date.now() + 60_000;
	while (!/whsec_/.test(message) && Date.now() < deadline) {
		const recorded = await Promise.all(
			[`/rest/active-workflows/error/${id}`, `/rest/workflows/${id}/publication-status`].map(
				async (path) => await n8n.rest<unknown>('GET', path).catch(() => null),
			),
		);
		message = `${answer} ${JSON.stringify(recorded)}`;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	expect(message).toMatch(/The primary secret is not valid Standard Webhooks \(whsec_ \+ base64\)/);
	expect(message).not.toContain('a-plain-text-secret');
	const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, { method: 'POST', body });
	expect(response.status).toBe(404);
});
