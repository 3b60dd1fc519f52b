/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it reads the guide from disk in Node, never inside n8n */
/**
 * The Log output and what never reaches it, the node's inputs and outputs
 * as its settings make them, and the refusals of the webhook system's
 * settings, each with what to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runExecute } from '../helpers/n8n';
import { signingSecretData } from '../helpers/credentials';
import { header, startReceiver, type Receiver } from '../helpers/receiver';
import { WEBHOOK_SYSTEM_TABLES } from '../../e2e/harness/examples';
import { LOG_COLUMNS } from '../../nodes/SendWebhook/deliveryLog';
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { inputsFor, outputsFor } from '../../nodes/SendWebhook/systemDescription';
import { items, record, send } from './sendWebhookHarness';

let receiver: Receiver;
beforeEach(async () => {
	receiver = await startReceiver();
});
afterEach(async () => {
	await receiver.close();
});

const MASTER = 'a text master secret for GitHub-style signing';
const rows = (json: IDataObject[]): INodeExecutionData[] => json.map((row) => ({ json: row }));

describe('Delivery Log Output, sending to one URL', () => {
	it('adds a Log output after Delivered and Failed (and Retry), one row per attempt', async () => {
		receiver.answer(({ n }) => (n === 1 ? { status: 500, body: 'oops' } : { status: 200 }));
		const result = await send(
			{
				url: receiver.url,
				signatureScheme: 'github',
				options: { logOutput: true, retryDelays: '0.01' },
			},
			{ secret: MASTER, items: items(1) },
		);
		expect(result.outputCount).toBe(3);
		const log = result.outputs[2].map((item) => item.json);
		expect(
			log.map((row) => [row.attempt, row.status, row.response_status, row.endpoint_id]),
		).toEqual([
			[1, 'retrying', 500, ''],
			[2, 'delivered', 200, ''],
		]);
		expect(log[0].url).toBe(`${receiver.url}/`);
		expect(log[0]).not.toHaveProperty('body');
		const sent = JSON.parse(String(log[1].request_headers)) as IDataObject;
		expect(Object.keys(sent).map((name) => name.toLowerCase())).not.toContain(
			'x-hub-signature-256',
		);
		expect(result.outputs[2][0].pairedItem).toEqual([{ item: 0 }]);

		const withRetry = await send(
			{
				url: receiver.url,
				signatureScheme: 'github',
				options: { logOutput: true, retryMode: 'waitNode' },
			},
			{ secret: MASTER, items: items(1) },
		);
		expect(withRetry.outputCount).toBe(4);
	});

	it('hides header values that look like credentials, and never shows a derived secret', async () => {
		const endpoint = {
			endpoint_id: 'ep_1',
			url: receiver.url,
			events: '*',
			headers: '{"Authorization":"Bearer top-secret-token","X-Tenant":"acme"}',
		};
		const result = await send(
			{
				destination: 'endpoints',
				signatureScheme: 'github',
				eventName: 'order.paid',
				options: { retrySchedule: 'custom', retryDelays: '', logBodies: true },
			},
			{ secret: MASTER, items: items(1), endpoints: rows([endpoint]) },
		);
		expect(header(receiver.calls[0], 'authorization')).toBe('Bearer top-secret-token');
		const logged = JSON.parse(String(result.outputs[2][0].json.request_headers)) as IDataObject;
		expect(logged).toMatchObject({ Authorization: '[hidden]', 'X-Tenant': 'acme' });
		const { outputs } = await runExecute(new SendWebhook(), {
			parameters: { operation: 'revealSecret', signatureScheme: 'github' },
			credentials: { webhookSigningSecretApi: signingSecretData(MASTER) },
			items: rows([endpoint]),
		});
		const secret = String(outputs[0][0].json.secret);
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		const everything = JSON.stringify(result.outputs);
		expect(everything).not.toContain(secret);
		expect(everything).not.toContain(MASTER);
		expect(everything).not.toContain('top-secret-token');
	});
});

describe('Resend from the log, refused with what to fix', () => {
	const endpointParameters = {
		destination: 'endpoints',
		signatureScheme: 'github',
		payload: 'resend',
		options: { retrySchedule: 'custom', retryDelays: '' },
	};

	it('a row without a body says to turn on Log Bodies', async () => {
		await expect(
			send(endpointParameters, {
				secret: MASTER,
				items: rows([{ delivery_id: 'msg_1', endpoint_id: 'ep_1', event: 'x' }]),
				endpoints: rows([{ endpoint_id: 'ep_1', url: receiver.url, events: '*' }]),
			}),
		).rejects.toThrow(/logged without Log Bodies/);
	});

	it('a not_sent row says it was never sent, not to turn on Log Bodies', async () => {
		// What the Log output writes when the breaker gives up on a call, or an
		// endpoint is refused: no body even with Log Bodies on.
		await expect(
			send(endpointParameters, {
				secret: MASTER,
				items: rows([
					{ delivery_id: 'msg_1', endpoint_id: 'ep_1', event: 'x', status: 'not_sent', body: null },
				]),
				endpoints: rows([{ endpoint_id: 'ep_1', url: receiver.url, events: '*' }]),
			}),
		).rejects.toThrow(/delivery that was not sent \(status not_sent\)/);
		expect(receiver.calls).toHaveLength(0);
	});

	it('a row for an endpoint that is gone or inactive fails, with a not_sent log row', async () => {
		const result = await send(endpointParameters, {
			secret: MASTER,
			items: rows([
				{ delivery_id: 'msg_1', endpoint_id: 'ep_gone', event: 'x', body: '{"a":1}' },
				{ delivery_id: 'msg_2', endpoint_id: 'ep_off', event: 'x', body: '{"a":2}' },
			]),
			endpoints: rows([{ endpoint_id: 'ep_off', url: receiver.url, events: '*', active: false }]),
		});
		expect(receiver.calls).toHaveLength(0);
		expect(result.failed.map((item) => record(item).outcome)).toEqual([
			'not sent: endpoint "ep_gone" is not in the Endpoints input',
			'not sent: endpoint "ep_off" is no longer active',
		]);
		expect(result.outputs[2].map((row) => [row.json.delivery_id, row.json.status])).toEqual([
			['msg_1', 'not_sent'],
			['msg_2', 'not_sent'],
		]);
	});

	it('to one URL, a logged row goes again with its delivery id', async () => {
		const result = await send(
			{
				url: receiver.url,
				signatureScheme: 'standardWebhooks',
				payload: 'resend',
				options: { retryDelays: '' },
			},
			{
				secret: `whsec_${Buffer.from('resend to one url').toString('base64')}`,
				items: rows([{ delivery_id: 'msg_again', event: 'x', body: '[{"id":1},{"id":2}]' }]),
			},
		);
		expect(result.delivered).toHaveLength(1);
		expect(header(receiver.calls[0], 'webhook-id')).toBe('msg_again');
		expect(receiver.calls[0].body.toString()).toBe('[{"id":1},{"id":2}]');
	});
});

describe('Settings of the webhook system', () => {
	it('Retry Delays with a preset schedule is refused, saying which to change', async () => {
		await expect(
			send(
				{
					url: receiver.url,
					signatureScheme: 'none',
					options: { retrySchedule: 'default', retryDelays: '1' },
				},
				{ items: items(1) },
			),
		).rejects.toThrow(/Retry Delays applies only with Retry Schedule: Custom/);
	});

	it('Reveal Endpoint Secret refuses a scheme without per-endpoint secrets', async () => {
		await expect(
			runExecute(new SendWebhook(), {
				parameters: { operation: 'revealSecret', signatureScheme: 'none' },
				items: rows([{ endpoint_id: 'ep_1', url: receiver.url, events: '*' }]),
			}),
		).rejects.toThrow(/Only HMAC schemes have a secret per endpoint/);
	});

	it('the node has the inputs and outputs its settings call for', () => {
		const names = (list: Array<string | { displayName: string }>) =>
			list.map((entry) => (typeof entry === 'string' ? entry : entry.displayName));
		expect(names(inputsFor({}))).toEqual(['main']);
		expect(names(inputsFor({ destination: 'endpoints' }))).toEqual(['Events', 'Endpoints']);
		expect(names(inputsFor({ operation: 'revealSecret', destination: 'endpoints' }))).toEqual([
			'main',
		]);
		expect(names(outputsFor({}))).toEqual(['Delivered', 'Failed']);
		expect(names(outputsFor({ options: { logOutput: true } }))).toEqual([
			'Delivered',
			'Failed',
			'Log',
		]);
		expect(
			names(outputsFor({ destination: 'endpoints', options: { retryMode: 'waitNode' } })),
		).toEqual(['Delivered', 'Failed', 'Retry', 'Log', 'Endpoint Events']);
		expect(names(outputsFor({ operation: 'revealSecret' }))).toEqual(['Endpoints']);
		// n8n runs the functions as the node's expressions: the description holds them whole.
		const { description } = new SendWebhook();
		expect(description.outputs).toBe(`={{(${outputsFor.toString()})($parameter)}}`);
		expect(description.inputs).toBe(`={{(${inputsFor.toString()})($parameter)}}`);
	});
});

describe('Requests in Flight', () => {
	it.each([0, 2.5, 51])('%s is refused, not quietly taken as 1', async (concurrency) => {
		await expect(
			send(
				{ url: receiver.url, signatureScheme: 'none', options: { concurrency } },
				{ items: items(1) },
			),
		).rejects.toThrow(/Requests in Flight must be a whole number from 1 to 50/);
		expect(receiver.calls).toHaveLength(0);
	});
});

describe('The Log output has one list of columns', () => {
	it('every row has each column but body, and nothing else; the e2e tables and the guide use the same list', async () => {
		receiver.answer(({ n }) => (n === 1 ? { status: 500 } : { status: 200 }));
		const result = await send(
			{
				url: receiver.url,
				signatureScheme: 'none',
				options: { logOutput: true, retryDelays: '0.01' },
			},
			{ items: items(1) },
		);
		const columns = Object.keys(LOG_COLUMNS).filter((name) => name !== 'body');
		for (const row of result.outputs[2])
			expect(Object.keys(row.json).sort()).toEqual([...columns].sort());
		// The table the e2e suite stores the log in (a Data Table insert refuses an unknown field).
		expect(
			Object.fromEntries(WEBHOOK_SYSTEM_TABLES.webhook_log.map(({ name, type }) => [name, type])),
		).toEqual(LOG_COLUMNS);
		const guide = readFileSync(join(__dirname, '../../docs/webhook-system.md'), 'utf8');
		for (const name of Object.keys(LOG_COLUMNS)) expect(guide).toContain(`\`${name}\``);
	});
});
