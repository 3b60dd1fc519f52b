/**
 * What the editor shows a user about a run: n8n says "Node executed
 * successfully" whenever the node returns, so failures are told in a hint on
 * the output pane; and before a run, what the default retry schedule will
 * make the node wait for.
 */
import { Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../../core';
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import {
	DEFAULT_CONCURRENCY,
	DEFAULT_DEADLINE_SECONDS,
	DEFAULT_GIVE_UP_AFTER,
	DEFAULT_HTTPS_ONLY,
	DEFAULT_RESPONSE_BODY_LIMIT,
	DEFAULT_TIMEOUT_MS,
} from '../../nodes/SendWebhook/description';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { items, send } from './sendWebhookHarness';

const secret = 'visibility-secret';
let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

describe('failures are told on the output pane', () => {
	it('all delivered: no hint', async () => {
		const result = await send(
			{ url: receiver.url, signatureScheme: 'github', options: { retryDelays: '' } },
			{ secret, items: items(2) },
		);
		expect(result.delivered).toHaveLength(2);
		expect(result.hints).toEqual([]);
	});

	it('none delivered: a danger hint with the first reason and where the items are', async () => {
		receiver.answer(() => ({ status: 503 }));
		const result = await send(
			{ url: receiver.url, signatureScheme: 'github', options: { retryDelays: '' } },
			{ secret, items: items(2) },
		);
		expect(result.failed).toHaveLength(2);
		expect(result.hints).toEqual([
			{
				message: `No item was delivered: all 2 failed. First failure (POST ${receiver.url}/): answered 503; no retries left after 1 attempt. They are on the Failed output.`,
				type: 'danger',
				location: 'outputPane',
			},
		]);
	});

	it('some delivered: a warning hint counting the failed ones', async () => {
		receiver.answer((call) => ({ status: JSON.parse(call.body.toString()).id === 1 ? 410 : 200 }));
		const result = await send(
			{ url: receiver.url, signatureScheme: 'github', options: { retryDelays: '' } },
			{ secret, items: items(3) },
		);
		expect(result.delivered).toHaveLength(2);
		expect(result.hints).toHaveLength(1);
		expect(result.hints[0]).toMatchObject({ type: 'warning', location: 'outputPane' });
		expect(result.hints[0].message).toMatch(
			/^1 of 3 items were not delivered\. First failure \(POST .*\): answered 410.* They are on the Failed output\.$/,
		);
		expect(result.hints[0].message).not.toContain(secret);
	});
});

describe('before a run, the default retry schedule is announced', () => {
	const [hint, needsWaitNode] = new SendWebhook().description.hints ?? [];

	/** Evaluates a hint's display condition with n8n's own expression engine, as the editor does. */
	function shown(options: Record<string, unknown>, which = hint): unknown {
		const nodeTypes: INodeTypes = {
			getByName: () => new SendWebhook(),
			getByNameAndVersion: () => new SendWebhook(),
			getKnownTypes: () => ({}),
		};
		const node: INode = {
			id: 'n',
			name: 'Send Webhook',
			type: 'n8n-nodes-signed-webhooks.sendWebhook',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: { url: 'http://127.0.0.1:9/', options: options as INode['parameters'] },
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(
			node,
			which.displayCondition ?? '',
			'manual',
			{},
		);
	}

	it('says what the node waits for, with the default schedule', () => {
		expect(hint).toMatchObject({ whenToDisplay: 'beforeExecution', location: 'outputPane' });
		expect(hint.message).toMatch(/^A call that fails is retried after 10 s, then 100 s: .* 110 s /);
	});

	it('shows while Retry Delays is the default, and not once it is changed', () => {
		expect(shown({})).toBe(true);
		expect(shown({ retryDelays: '10,100' })).toBe(true);
		expect(shown({ retryDelays: '' })).toBe(false);
		expect(shown({ retryDelays: '1, 2' })).toBe(false);
	});

	it('shows for the Default schedule and for Custom at the default delays, not for Standard Webhooks', () => {
		expect(shown({ retrySchedule: 'default' })).toBe(true);
		expect(shown({ retrySchedule: 'custom' })).toBe(true);
		expect(shown({ retrySchedule: 'custom', retryDelays: '5' })).toBe(false);
		expect(shown({ retrySchedule: 'standardWebhooks', retryMode: 'waitNode' })).toBe(false);
	});

	it('warns before a run that the Standard Webhooks schedule needs the Wait-node path', () => {
		expect(needsWaitNode.message).toMatch(/Through a Wait Node/);
		expect(shown({ retrySchedule: 'standardWebhooks' }, needsWaitNode)).toBe(true);
		expect(shown({ retrySchedule: 'standardWebhooks', retryMode: 'waitNode' }, needsWaitNode)).toBe(
			false,
		);
		expect(shown({}, needsWaitNode)).toBe(false);
	});
});

/** The default of each of Send Webhook's Options, by name, as the editor shows them. */
function optionDefaults(): Record<string, unknown> {
	const options = new SendWebhook().description.properties.find((p) => p.name === 'options');
	return Object.fromEntries(
		(options?.options ?? []).map((option) => [
			'name' in option ? option.name : '',
			'default' in option ? option.default : undefined,
		]),
	);
}

describe('the retry defaults the editor shows are the core policy', () => {
	it('Retry Delays, Retry 3xx and 4xx Answers and Retry-After Cap', () => {
		const defaults = optionDefaults();
		expect(defaults.retryDelays).toBe(DEFAULT_RETRY_POLICY.delaysSeconds.join(', '));
		expect(defaults.retryClientErrors).toBe(DEFAULT_RETRY_POLICY.retryClientErrors);
		expect(defaults.retryAfterCap).toBe(DEFAULT_RETRY_POLICY.retryAfterCapSeconds);
	});
});

describe('the other defaults the editor shows are the ones the node uses', () => {
	it('for an option that is not added', () => {
		const defaults = optionDefaults();
		expect(defaults).toMatchObject({
			deadlineSeconds: DEFAULT_DEADLINE_SECONDS,
			giveUpAfterFailedCalls: DEFAULT_GIVE_UP_AFTER,
			httpsOnly: DEFAULT_HTTPS_ONLY,
			concurrency: DEFAULT_CONCURRENCY,
			responseBodyLimit: DEFAULT_RESPONSE_BODY_LIMIT,
			timeout: DEFAULT_TIMEOUT_MS,
		});
	});
});
