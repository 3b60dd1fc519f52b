/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test code: it drives a real n8n and its editor from Node */
/**
 * The package in n8n's editor, clicked through in Chromium as a person would
 * (npm run test:e2e:browser): n8n 2.41.1 installed by the e2e harness, this
 * package packed and installed into it, the owner signed in through the form.
 *
 * 1. The node panel finds both nodes by "signed", and the trigger by its old
 *    name, "Webhook Trigger (Verified)".
 * 2. Verified Webhook Trigger: GitHub scheme and a credential made from the
 *    node; while listening, a signed call shows in the output panel and a
 *    forged one gets 401 and shows as refused; a Standard Webhooks trigger
 *    with a secret that is not whsec_ says so when listening starts.
 * 3. Send Webhook after a Manual Trigger (workflows made over the API, then
 *    opened and run in the editor): a live receiver's items are on
 *    Delivered, a dead one's on Failed with a hint; before a run, the panel
 *    states the retry schedule.
 *
 * Tests run in order and share one page. Each step saves a screenshot in
 * artifacts/browser (NN-name.png); a failing test saves failed-<name>.png.
 * Tests marked (NEW) assert editor texts the nodes gain in the change that
 * this suite was written alongside.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';

import { launchBrowser, screenshot, signInThroughForm, waitVisible } from '../harness/browser';
import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { freePort, N8n } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import { startReceiver, type Receiver } from '../../test/helpers/receiver';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (target !== '2.x')
	throw new Error('the browser suite knows the editor of n8n 2.x (E2E_TARGET=2.x)');

const TRIGGER = 'Verified Webhook Trigger';
const TRIGGER_PATH = `browser-${randomBytes(4).toString('hex')}`;
/** GitHub takes any text as its secret. */
const GITHUB_SECRET = `browser-github-${randomBytes(12).toString('hex')}`;
/** Text, where Standard Webhooks wants whsec_ + base64. */
const PLAIN_SECRET = `plain-text-${randomBytes(8).toString('hex')}`;
const SEND_SECRET = `browser-send-${randomBytes(12).toString('hex')}`;

let n8n: N8n;
let browser: Browser;
let page: Page;
let receiver: Receiver;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-browser-'));
	// SIGNED_WEBHOOKS_TARBALL: try the suite on a build packed elsewhere.
	installPackage(userFolder, process.env.SIGNED_WEBHOOKS_TARBALL ?? buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	// Creates the owner account (and an API key for the workflows of part 3).
	await n8n.signIn();
	({ browser, page } = await launchBrowser());
}, 20 * 60_000);

afterAll(async () => {
	await browser?.close();
	await receiver?.close();
	await n8n?.stop();
});

/** A test that saves failed-<shot>.png when it fails. */
function uiTest(name: string, shot: string, body: () => Promise<void>, timeoutMs = 120_000): void {
	test(
		name,
		async () => {
			try {
				await body();
			} catch (error) {
				await screenshot(page, `failed-${shot}`).catch(() => undefined);
				throw error;
			}
		},
		timeoutMs,
	);
}

const ndv = (): Locator => page.getByTestId('ndv');
const outputPanel = (): Locator => ndv().getByTestId('output-panel');
const canvasNode = (name: string): Locator =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

function githubSignature(secret: string, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(
	url: string,
	body: string,
	headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, text: await response.text() };
}

async function openNode(name: string): Promise<void> {
	if (await ndv().isVisible()) return;
	await canvasNode(name).dblclick();
	await waitVisible(ndv(), `the node details view of ${name}`);
}

async function closeNode(): Promise<void> {
	if (!(await ndv().isVisible())) return;
	await page.getByTestId('ndv-close-button').click();
	await ndv().waitFor({ state: 'hidden' });
}

/** Ends a test listen, if one is on. */
async function stopListening(): Promise<void> {
	const listening = ndv().getByTestId('trigger-listening');
	if (!(await listening.isVisible())) return;
	await listening.getByRole('button', { name: 'Stop Listening' }).click();
	await listening.waitFor({ state: 'hidden' });
}

async function chooseOption(parameter: string, option: RegExp): Promise<void> {
	await ndv().getByTestId(`parameter-input-${parameter}`).click();
	await page.getByRole('option', { name: option }).click();
}

/**
 * Makes a Webhook Signing Secret credential from the open node: "Connect to
 * Webhook Signing Secret" when the node has none to choose from, else the
 * credential dropdown's "Create new credential". Returns its name.
 */
async function createCredentialFromNode(secret: string, shot?: string): Promise<string> {
	const slot = ndv().getByTestId('node-credentials-slot');
	const empty = slot.getByTestId('node-credentials-empty-state');
	if (await empty.isVisible()) {
		await empty.getByRole('button', { name: 'Connect to Webhook Signing Secret' }).click();
	} else {
		await slot.getByTestId('node-credentials-select').click();
		await page.getByTestId('node-credentials-select-item-new').click();
	}
	const modal = page.getByTestId('editCredential-modal');
	await waitVisible(modal, 'the credential modal');
	await waitVisible(
		modal.getByText('Webhook Signing Secret API'),
		'the credential type in the modal',
	);
	const name = (await modal.getByTestId('credential-name').innerText()).trim();
	await modal.getByTestId('parameter-input-secret').locator('input').fill(secret);
	if (shot) await screenshot(page, shot);
	await modal.getByTestId('credential-save-button').click();
	// Made from a node, the modal closes on save and the node takes the credential.
	await modal.waitFor({ state: 'hidden', timeout: 30_000 });
	expect(await slot.getByTestId('node-credentials-select').locator('input').inputValue()).toBe(
		name,
	);
	return name;
}

async function openWorkflow(id: string): Promise<void> {
	await page.goto(`${n8n.baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await waitVisible(canvasNode('Send Webhook'), 'the Send Webhook node on the canvas');
}

async function executeWorkflow(): Promise<void> {
	await closeNode();
	const run = page.getByTestId('execute-workflow-button');
	expect((await run.innerText()).trim()).toBe('Execute workflow');
	await run.click();
}

describe('n8n editor, in Chromium', () => {
	uiTest('signs in through the login form', 'signin', async () => {
		await signInThroughForm(page, n8n.baseUrl);
		await waitVisible(page.getByTestId('project-home-menu-item'), 'the main sidebar');
		await screenshot(page, '01-signed-in');
	});

	uiTest(
		'node panel: "signed" finds both nodes, "Webhook Trigger (Verified)" the trigger',
		'node-panel',
		async () => {
			await page.goto(`${n8n.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
			await page.getByTestId('canvas-add-button').click();
			const search = page.getByTestId('node-creator-search-bar');
			const names = page.getByTestId('node-creator-item-name');

			await search.fill('signed');
			await waitVisible(names.filter({ hasText: /^Send Webhook$/ }), 'Send Webhook for "signed"');
			await waitVisible(names.filter({ hasText: /^Verified Webhook Trigger$/ }), 'the trigger');
			await screenshot(page, '02-search-signed');

			await search.fill('Webhook Trigger (Verified)');
			await waitVisible(
				names.filter({ hasText: /^Verified Webhook Trigger$/ }),
				'the trigger for its old name',
			);
			await screenshot(page, '03-search-old-name');
		},
	);

	uiTest(
		'adds the trigger, GitHub scheme, and a credential made from the node',
		'add-trigger',
		async () => {
			await page
				.getByTestId('node-creator-item-name')
				.filter({ hasText: /^Verified Webhook Trigger$/ })
				.click();
			// A community node opens its details first, with "Add to workflow".
			const add = page.getByRole('button', { name: 'Add to workflow' });
			await add.or(ndv()).first().waitFor();
			if (await add.isVisible()) await add.click();
			await waitVisible(ndv(), 'the trigger node details view');
			await expect(ndv().getByTestId('node-title-container').innerText()).resolves.toContain(
				TRIGGER,
			);

			await ndv().getByTestId('parameter-input-path').locator('input').fill(TRIGGER_PATH);
			await chooseOption('signatureScheme', /^GitHub/);
			expect(
				await ndv().getByTestId('parameter-input-signatureScheme').locator('input').inputValue(),
			).toBe('GitHub');

			await createCredentialFromNode(GITHUB_SECRET, '04-credential-modal');
			await screenshot(page, '05-trigger-configured');
		},
	);

	uiTest('listening: a signed call shows in the output panel', 'signed-call', async () => {
		await openNode(TRIGGER);
		const testUrl = `${n8n.baseUrl}/webhook-test/${TRIGGER_PATH}`;
		// The panel's Webhook URLs (test URL shown first) say the same.
		await ndv().getByTitle('Click to display webhook URLs').click();
		await waitVisible(ndv().getByText(testUrl, { exact: true }), `the test URL ${testUrl}`);

		const listen = ndv().getByTestId('node-execute-button');
		expect((await listen.innerText()).trim()).toBe('Execute step');
		await listen.click();
		await waitVisible(
			ndv().getByTestId('trigger-listening').getByText('Listening for test event'),
			'"Listening for test event"',
		);

		const body = JSON.stringify({ greeting: 'signed-in-the-browser-suite', n: 1 });
		const answer = await post(testUrl, body, {
			'x-hub-signature-256': githubSignature(GITHUB_SECRET, body),
			'x-github-event': 'ping',
		});
		expect(answer.status).toBe(200);
		await waitVisible(
			outputPanel().getByText('signed-in-the-browser-suite'),
			"the call's body in the output panel",
			{ context: outputPanel() },
		);
		await waitVisible(outputPanel().getByTestId('node-run-status-success'), 'the success mark');
		await screenshot(page, '06-signed-call-output');
	});

	let forgedSent = false;

	uiTest('listening: a forged call gets 401', 'forged-call-401', async () => {
		await openNode(TRIGGER);
		await ndv().getByTestId('node-execute-button').click();
		await waitVisible(ndv().getByTestId('trigger-listening'), 'listening again');

		const body = JSON.stringify({ greeting: 'forged' });
		const answer = await post(`${n8n.baseUrl}/webhook-test/${TRIGGER_PATH}`, body, {
			'x-hub-signature-256': githubSignature(`not-${GITHUB_SECRET}`, body),
		});
		expect(answer.status).toBe(401);
		expect(answer.text).toContain('signature_mismatch');
		forgedSent = true;
	});

	uiTest(
		'(NEW) listening: the forged call shows the trigger in error, "Call refused" and signature_mismatch',
		'forged-call-editor',
		async () => {
			expect(forgedSent).toBe(true);
			await waitVisible(
				ndv().getByText(/Call refused/),
				'"Call refused" in the node details view',
				{
					context: ndv(),
				},
			);
			await waitVisible(
				ndv().getByText(/signature_mismatch/),
				'the reason code signature_mismatch',
				{
					context: ndv(),
				},
			);
			await screenshot(page, '07-forged-call-refused');
			// On the canvas, the trigger is marked as in error.
			await closeNode();
			await waitVisible(
				canvasNode(TRIGGER).getByTestId('node-issues'),
				"the trigger's error mark on the canvas",
			);
			await screenshot(page, '08-forged-call-canvas');
		},
	);

	uiTest(
		'Standard Webhooks with a text secret: a second credential made from the node',
		'standard-webhooks-setup',
		async () => {
			await openNode(TRIGGER);
			await stopListening();
			await chooseOption('signatureScheme', /^Standard Webhooks(?! v1a)/);
			await createCredentialFromNode(PLAIN_SECRET);
			// Nothing says whsec_ yet: the next test's text comes from listening.
			expect(
				await page
					.getByText(/whsec_/)
					.filter({ visible: true })
					.count(),
			).toBe(0);
			await screenshot(page, '09-standard-webhooks-text-secret');
		},
	);

	uiTest(
		'(NEW) Standard Webhooks with a text secret: listening reports the secret needs whsec_',
		'whsec-on-listen',
		async () => {
			await openNode(TRIGGER);
			await ndv().getByTestId('node-execute-button').click();
			try {
				await waitVisible(
					page.getByText(/whsec_/).filter({ visible: true }),
					'an error that mentions whsec_, once listening starts',
				);
				await screenshot(page, '10-whsec-error');
			} finally {
				await stopListening().catch(() => undefined);
			}
		},
	);

	describe('Send Webhook after a Manual Trigger', () => {
		const workflows = { live: '', dead: '' };

		beforeAll(async () => {
			receiver = await startReceiver();
			const credentialName = 'browser Send Webhook (GitHub)';
			const credentialId = await n8n.createCredential(credentialName, 'webhookSigningSecretApi', {
				secret: SEND_SECRET,
				secondarySecret: '',
				format: 'auto',
			});
			const create = async (name: string, url: string, options: object): Promise<string> => {
				const node = (
					nodeName: string,
					type: string,
					typeVersion: number,
					x: number,
					parameters: object,
					extra: object = {},
				) => ({
					id: randomUUID(),
					name: nodeName,
					type,
					typeVersion,
					position: [x, 0],
					parameters,
					...extra,
				});
				const { id } = await n8n.api<{ id: string }>('POST', '/workflows', {
					name,
					nodes: [
						node('Manual', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
						// Two items without a task runner: one JSON item, split.
						node('Records', 'n8n-nodes-base.set', 3.4, 220, {
							mode: 'raw',
							jsonOutput: JSON.stringify({
								records: [
									{ id: 'rec-1', note: 'first record' },
									{ id: 'rec-2', note: 'second record' },
								],
							}),
							options: {},
						}),
						node('Split Out', 'n8n-nodes-base.splitOut', 1, 440, {
							fieldToSplitOut: 'records',
							include: 'noOtherFields',
							options: {},
						}),
						node(
							'Send Webhook',
							'n8n-nodes-signed-webhooks.sendWebhook',
							1,
							660,
							{ url, signatureScheme: 'github', options },
							{
								credentials: {
									webhookSigningSecretApi: { id: credentialId, name: credentialName },
								},
							},
						),
					],
					connections: {
						Manual: { main: [[{ node: 'Records', type: 'main', index: 0 }]] },
						Records: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
						'Split Out': { main: [[{ node: 'Send Webhook', type: 'main', index: 0 }]] },
					},
					settings: { executionOrder: 'v1' },
				});
				return id;
			};
			// Default options: Retry Delays "10, 100".
			workflows.live = await create('browser: send, live receiver', `${receiver.url}/hook`, {});
			workflows.dead = await create(
				'browser: send, dead receiver',
				`http://127.0.0.1:${await freePort()}/hook`,
				{ retryDelays: '' },
			);
		});

		uiTest(
			'(NEW) before a run, the panel states the default retry schedule',
			'send-retry-hint',
			async () => {
				await openWorkflow(workflows.live);
				await openNode('Send Webhook');
				await waitVisible(
					ndv().getByText(/retried after 10 s, then 100 s/),
					'the hint "retried after 10 s, then 100 s"',
					{ context: ndv() },
				);
				await screenshot(page, '11-send-retry-hint');
			},
		);

		uiTest('live receiver: both items on Delivered', 'send-delivered', async () => {
			await openWorkflow(workflows.live);
			const before = receiver.calls.length;
			await executeWorkflow();
			await waitVisible(
				canvasNode('Send Webhook').filter({ hasText: /Delivered\s*2 items/ }),
				'"2 items" on the Delivered output on the canvas',
				{ timeoutMs: 60_000 },
			);
			const calls = receiver.calls.slice(before);
			expect(calls).toHaveLength(2);
			for (const call of calls)
				expect(call.headers['x-hub-signature-256']).toBe(
					githubSignature(SEND_SECRET, call.body.toString('utf8')),
				);

			await openNode('Send Webhook');
			await outputPanel()
				.getByTestId('branches')
				.getByText(/^Delivered Branch/)
				.click();
			await waitVisible(
				outputPanel().getByText(/Delivered Branch \(2 items\)/),
				'"Delivered Branch (2 items)"',
				{ context: outputPanel() },
			);
			await waitVisible(outputPanel().getByText('second record'), 'the second item', {
				context: outputPanel(),
			});
			await screenshot(page, '12-send-delivered');
		});

		uiTest('dead receiver, no retries: both items on Failed', 'send-failed', async () => {
			await openWorkflow(workflows.dead);
			await executeWorkflow();
			await waitVisible(
				canvasNode('Send Webhook').filter({ hasText: /Failed\s*2 items/ }),
				'"2 items" on the Failed output on the canvas',
				{ timeoutMs: 60_000 },
			);
			await openNode('Send Webhook');
			await outputPanel()
				.getByTestId('branches')
				.getByText(/^Failed Branch/)
				.click();
			await waitVisible(
				outputPanel().getByText(/Failed Branch \(2 items\)/),
				'"Failed Branch (2 items)"',
				{ context: outputPanel() },
			);
			await waitVisible(outputPanel().getByText(/ECONNREFUSED/), 'the refused connection', {
				context: outputPanel(),
			});
			await screenshot(page, '13-send-failed');
		});

		uiTest(
			'(NEW) dead receiver: the output pane hints that no item was delivered',
			'send-failed-hint',
			async () => {
				await waitVisible(
					outputPanel().getByText(/No item was delivered/),
					'the hint "No item was delivered"',
					{ context: outputPanel() },
				);
				await screenshot(page, '14-send-failed-hint');
			},
		);
	});

	describe('Send Webhook to endpoints, a webhook system', () => {
		let workflowId = '';
		let live: Receiver;

		beforeAll(async () => {
			live = await startReceiver();
			const credentialName = 'browser endpoints (Standard Webhooks)';
			const credentialId = await n8n.createCredential(credentialName, 'webhookSigningSecretApi', {
				secret: `whsec_${randomBytes(32).toString('base64')}`,
				secondarySecret: '',
				format: 'auto',
			});
			const node = (
				name: string,
				type: string,
				typeVersion: number,
				position: number[],
				parameters: object,
				extra: object = {},
			) => ({
				id: randomUUID(),
				name,
				type,
				typeVersion,
				position,
				parameters,
				...extra,
			});
			const rows = (name: string, field: string, list: object[], y: number) => [
				node(name, 'n8n-nodes-base.set', 3.4, [220, y], {
					mode: 'raw',
					jsonOutput: JSON.stringify({ [field]: list }),
					options: {},
				}),
				node(`${name} Rows`, 'n8n-nodes-base.splitOut', 1, [440, y], {
					fieldToSplitOut: field,
					include: 'noOtherFields',
					options: {},
				}),
			];
			const to = (name: string, index = 0) => ({ node: name, type: 'main', index });
			const dead = `http://127.0.0.1:${await freePort()}/hook`;
			({ id: workflowId } = await n8n.api<{ id: string }>('POST', '/workflows', {
				name: 'browser: a webhook system',
				nodes: [
					node('Manual', 'n8n-nodes-base.manualTrigger', 1, [0, 100], {}),
					...rows(
						'Events',
						'events',
						[
							{ type: 'deal.created', id: 1 },
							{ type: 'contact.created', id: 2 },
							{ type: 'deal.stage.changed', id: 3 },
						],
						0,
					),
					...rows(
						'Endpoints',
						'endpoints',
						[
							{
								endpoint_id: 'ep_crm',
								name: 'CRM',
								url: `${live.url}/crm`,
								events: 'deal.*',
								active: true,
							},
							{ endpoint_id: 'ep_dead', name: 'Gone quiet', url: dead, events: '*', active: true },
						],
						200,
					),
					node(
						'Send Webhook',
						'n8n-nodes-signed-webhooks.sendWebhook',
						1,
						[700, 100],
						{
							destination: 'endpoints',
							signatureScheme: 'standardWebhooks',
							eventName: '={{ $json.type }}',
							options: { retrySchedule: 'custom', retryDelays: '', disableAfterFailures: 3 },
						},
						{
							credentials: { webhookSigningSecretApi: { id: credentialId, name: credentialName } },
						},
					),
				],
				connections: {
					Manual: { main: [[to('Events'), to('Endpoints')]] },
					Events: { main: [[to('Events Rows')]] },
					'Events Rows': { main: [[to('Send Webhook', 0)]] },
					Endpoints: { main: [[to('Endpoints Rows')]] },
					'Endpoints Rows': { main: [[to('Send Webhook', 1)]] },
				},
				settings: { executionOrder: 'v1' },
			}));
		});

		afterAll(async () => {
			await live?.close();
		});

		uiTest(
			'(NEW) events fan out to the endpoints; the dead one is reported disabled',
			'endpoints',
			async () => {
				await openWorkflow(workflowId);
				await executeWorkflow();
				await waitVisible(
					canvasNode('Send Webhook').filter({ hasText: /Delivered\s*2 items/ }),
					'"2 items" on the Delivered output on the canvas',
					{ timeoutMs: 60_000 },
				);
				await waitVisible(
					canvasNode('Send Webhook').filter({ hasText: /Failed\s*3 items/ }),
					'"3 items" on the Failed output on the canvas',
				);
				expect(live.calls.map((call) => JSON.parse(call.body.toString()).type)).toEqual([
					'deal.created',
					'deal.stage.changed',
				]);
				await screenshot(page, '15-endpoints-canvas');

				await openNode('Send Webhook');
				await outputPanel()
					.getByTestId('branches')
					.getByText(/^Endpoint Events Branch/)
					.click();
				await waitVisible(
					outputPanel().getByText('endpoint.disabled'),
					'the endpoint.disabled event',
					{
						context: outputPanel(),
					},
				);
				await screenshot(page, '16-endpoint-events');
				await outputPanel()
					.getByTestId('branches')
					.getByText(/^Log Branch/)
					.click();
				await waitVisible(
					outputPanel().getByText(/Log Branch \(5 items\)/),
					'"Log Branch (5 items)"',
					{
						context: outputPanel(),
					},
				);
				await screenshot(page, '17-delivery-log');
			},
		);
	});
});
