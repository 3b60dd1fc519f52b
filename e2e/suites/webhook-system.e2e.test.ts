/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * The webhook system of docs/webhook-system.md, in a real n8n (E2E_TARGET:
 * 2.x on Node 24, or 1.x on Node 20) with this package installed, built only
 * from the example workflows in examples/webhook-system-*.json and two Data
 * Tables (endpoints and delivery log):
 * 1. Endpoint management: each endpoint is created through the management
 *    workflow, which answers its secret once; listing shows no secret; an
 *    endpoint is disabled through it; n8n keeps no execution with a secret.
 * 2. The dispatcher sends 50 events of mixed types to 4 endpoints: every
 *    (event, subscribed active endpoint) pair is delivered once, verified at
 *    the receiver by the official standardwebhooks library with the secret
 *    the management workflow revealed for that endpoint (and refused with
 *    another endpoint's); the inactive endpoint gets nothing; the dead one's
 *    deliveries are logged as failed and it is disabled once, in its row;
 *    the log table holds what the receivers got.
 * 3. Resend from the log: the same webhook-id and the same bytes, signed anew.
 * 4. Rotation through the management workflow: the next call verifies with
 *    the new secret and, during the overlap, with the old one too.
 * 5. Log retention: rows logged more than 30 days ago are deleted.
 *
 * The receivers are real HTTP servers on 127.0.0.1 that answer 401 to a call
 * their endpoint's secret does not verify.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { insertRows, listRows, type DataTableRef, type DataTableRow } from '../harness/dataTables';
import {
	ADMIN_KEY_HEADER,
	createWebhookSystemTables,
	DEMO_SECRETS,
	prepareExample,
	webhookPaths,
	WEBHOOK_SYSTEM_FILES,
	type WebhookSystemTable,
} from '../harness/examples';
import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, type Execution } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import {
	header,
	startReceiver,
	type ReceivedCall,
	type Receiver,
	type Script,
} from '../../test/helpers/receiver';
import { verifiesStandardWebhook } from '../../test/helpers/subscriber';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

type EndpointName = 'ep_deals' | 'ep_off' | 'ep_dead' | 'ep_contacts' | 'ep_flaky';

let n8n: N8n;
let tables: Record<WebhookSystemTable, DataTableRef>;
/** The credential the examples name, created once. */
const credentialIds = new Map<string, string>();
/** Workflow ids by example file. */
const workflows = new Map<string, string>();
/** Each endpoint's secrets as the management workflow revealed them, oldest first. */
const revealed = new Map<EndpointName, string[]>();
/** Per receiver: whether its endpoint's newest secret verified each call (by call number). */
const verdicts = new Map<Receiver, Map<number, boolean>>();
const receivers = {} as Record<EndpointName, Receiver>;

/**
 * A subscriber: verifies each call with the newest secret its endpoint was
 * given, 401 if it does not verify; the first `busy` calls get 503 whatever.
 */
async function subscriber(endpoint: EndpointName, busy = 0): Promise<Receiver> {
	const seen = new Map<number, boolean>();
	const script: Script = (call) => {
		const secret = revealed.get(endpoint)?.at(-1);
		const ok = secret !== undefined && verifiesStandardWebhook(secret, call);
		seen.set(call.n, ok);
		if (call.n <= busy) return { status: 503, body: 'busy' };
		return ok
			? { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } }
			: { status: 401, body: 'signature refused' };
	};
	const receiver = await startReceiver(script);
	verdicts.set(receiver, seen);
	return receiver;
}

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-webhook-system-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();

	receivers.ep_deals = await subscriber('ep_deals');
	receivers.ep_off = await subscriber('ep_off');
	receivers.ep_contacts = await subscriber('ep_contacts');
	// Down for good: every call answered 500.
	receivers.ep_dead = await startReceiver(() => ({ status: 500, body: 'down' }));

	tables = await createWebhookSystemTables(n8n);
	for (const file of WEBHOOK_SYSTEM_FILES) {
		const workflow = await prepareExample(n8n, file, credentialIds, undefined, tables);
		if (file === 'webhook-system-dispatcher.json') {
			// Scaled down for the test: no retries, so no Wait (the example waits
			// 5 s to 10 h between attempts on the Standard Webhooks schedule).
			// The Retry output and its Wait node stay wired, and stay empty.
			const send = workflow.nodes.find((node) => node.name === 'Send Webhook')!;
			const options = send.parameters.options as Record<string, unknown>;
			expect(options).toMatchObject({ retryMode: 'waitNode', retrySchedule: 'standardWebhooks' });
			Object.assign(options, { retrySchedule: 'custom', retryDelays: '' });
		}
		workflows.set(file, await n8n.deploy(workflow, webhookPaths(workflow)));
	}
}, 20 * 60_000);

afterAll(async () => {
	await Promise.all(Object.values(receivers).map(async (receiver) => await receiver.close()));
	await n8n?.stop();
});

interface Answer {
	readonly status: number;
	readonly text: string;
	readonly json: unknown;
}

const ADMIN_KEY = DEMO_SECRETS['Webhook system admin key'];

/** Calls a webhook of the examples, with the admin key their Header Auth checks. */
async function call(
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	/** null: no key at all. */
	key: string | null = ADMIN_KEY,
): Promise<Answer> {
	const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method,
		headers: {
			...(key === null ? {} : { [ADMIN_KEY_HEADER]: key }),
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

/** The dispatcher's executions, finished, newest last; waits for `count` of them. */
async function dispatcherRuns(count: number): Promise<Execution[]> {
	const executions = await n8n.waitForExecutions(
		workflows.get('webhook-system-dispatcher.json')!,
		count,
	);
	return executions.sort((a, b) => Number(a.id) - Number(b.id));
}

async function endpointRows(): Promise<Map<string, DataTableRow>> {
	const rows = await listRows(n8n, tables.webhook_endpoints);
	return new Map(rows.map((row) => [String(row.endpoint_id), row]));
}

const logRows = async (): Promise<DataTableRow[]> => await listRows(n8n, tables.webhook_log);

function bodyOf(call: ReceivedCall): { type: string; data: { n: number } } {
	return JSON.parse(call.body.toString('utf8')) as { type: string; data: { n: number } };
}

const TYPES = [
	'deal.created',
	'deal.stage.changed',
	'contact.created',
	'contact.updated',
	'invoice.paid',
];
const EVENTS = Array.from({ length: 50 }, (_, n) => ({
	type: TYPES[n % TYPES.length],
	data: { n, company: `Zoë & Co ${n} ✓`, amount: n * 100.5 },
}));
const matching = (prefix: string) => EVENTS.filter((event) => event.type.startsWith(prefix));

describe(`The webhook system's example workflows in n8n ${TARGETS[target].n8nVersion}`, () => {
	test('endpoint management: create answers each secret once, list shows none, disable, nothing kept', async () => {
		const create = [
			{ endpoint_id: 'ep_deals', name: 'Deals CRM', url: receivers.ep_deals.url, events: 'deal.*' },
			{ endpoint_id: 'ep_off', name: 'Paused', url: receivers.ep_off.url, events: '*' },
			{ endpoint_id: 'ep_dead', name: 'Gone dark', url: receivers.ep_dead.url, events: ['*'] },
			{
				endpoint_id: 'ep_contacts',
				name: 'Contacts sync',
				url: `${receivers.ep_contacts.url}/hooks?src=n8n`,
				events: 'contact.*',
				headers: { 'X-Tenant': 'acme' },
			},
		] as const;
		for (const endpoint of create) {
			const answer = await call('POST', 'endpoints', endpoint);
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({
				endpoint_id: endpoint.endpoint_id,
				secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
				secret_version: 1,
			});
			revealed.set(endpoint.endpoint_id, [(answer.json as { secret: string }).secret]);
		}
		expect(new Set([...revealed.values()].flat()).size).toBe(4);

		// A body whose URL cannot be called is refused before anything is stored
		// (Reveal Secret reads the row as the dispatcher will). 2.x answers 500
		// "Error in workflow"; 1.x answers a workflow that failed before its
		// Respond node with an empty 200.
		const bad = await call('POST', 'endpoints', {
			endpoint_id: 'ep_bad',
			url: 'ftp://x',
			events: '*',
		});
		expect(bad.status).toBe(target === '2.x' ? 500 : 200);
		expect(bad.text).not.toMatch(/whsec_/);
		// An ID already taken: nothing is stored, no secret answered (an empty
		// 200: the workflow ends before its Respond node).
		const taken = await call('POST', 'endpoints', {
			endpoint_id: 'ep_deals',
			url: receivers.ep_off.url,
			events: '*',
		});
		expect(taken).toMatchObject({ status: 200, text: '' });

		// Without the admin key, or with a wrong one, n8n's Header Auth refuses
		// before anything runs.
		const stranger = [
			await call('GET', 'endpoints', undefined, null),
			await call('POST', 'endpoints/rotate', { endpoint_id: 'ep_deals' }, 'guess'),
			await call('POST', 'events', { events: EVENTS }, null),
			await call('POST', 'resend', { delivery_id: 'msg_x' }, 'guess'),
		];
		// (401 without the header on 1.x, 403 on 2.x; 403 for a wrong key.)
		for (const answer of stranger) expect([401, 403]).toContain(answer.status);
		expect(stranger[1].status).toBe(403);
		expect((await endpointRows()).get('ep_deals')?.secret_version).toBe(1);

		const disabled = await call('POST', 'endpoints/disable', { endpoint_id: 'ep_off' });
		expect(disabled.status).toBe(200);
		expect(disabled.json).toMatchObject({ endpoint_id: 'ep_off', active: false });

		const listed = await call('GET', 'endpoints');
		expect(listed.status).toBe(200);
		const list = listed.json as Array<Record<string, unknown>>;
		expect(list.map((row) => [row.endpoint_id, row.active])).toEqual([
			['ep_deals', true],
			['ep_off', false],
			['ep_dead', true],
			['ep_contacts', true],
		]);
		expect(listed.text).not.toMatch(/whsec_|"secret"/);

		const rows = await endpointRows();
		expect([...rows.keys()]).toEqual(['ep_deals', 'ep_off', 'ep_dead', 'ep_contacts']);
		expect(rows.get('ep_deals')).toMatchObject({
			name: 'Deals CRM',
			url: receivers.ep_deals.url,
			events: 'deal.*',
			active: true,
			headers: '',
			secret_version: 1,
			secret_rotated_at: null,
			consecutive_failures: 0,
		});
		expect(rows.get('ep_dead')?.events).toBe('["*"]');
		expect(rows.get('ep_contacts')?.headers).toBe('{"X-Tenant":"acme"}');

		// The workflow saves no successful execution: no secret sits in n8n.
		// Only the refused create is kept, as an error.
		const kept = await n8n.executions(workflows.get('webhook-system-endpoints.json')!, true);
		expect(kept.map((execution) => execution.status)).toEqual(['error']);
		expect(kept[0].data?.resultData.error?.message).toMatch(/ftp: URL/);
		const secrets = [...revealed.values()].flat();
		for (const secret of secrets) expect(JSON.stringify(kept)).not.toContain(secret);
		expect(n8n.log()).not.toMatch(/whsec_/);
	});

	test('dispatch: 50 events, each to every active endpoint subscribed to it, once, verified with its own secret', async () => {
		const answer = await call('POST', 'events', { events: EVENTS });
		expect(answer.status).toBe(200);
		const [execution] = await dispatcherRuns(1);
		expect(execution.status).toBe('success');

		const deals = receivers.ep_deals.calls;
		const contacts = receivers.ep_contacts.calls;
		// Count per receiver = the events it subscribes to, each once.
		expect(deals.map((c) => bodyOf(c).data.n).sort((a, b) => a - b)).toEqual(
			matching('deal.').map((event) => event.data.n),
		);
		expect(contacts.map((c) => bodyOf(c).data.n).sort((a, b) => a - b)).toEqual(
			matching('contact.').map((event) => event.data.n),
		);
		for (const calls of [deals, contacts]) {
			expect(new Set(calls.map((c) => header(c, 'webhook-id'))).size).toBe(calls.length);
		}
		// Each verified, at the receiver, by its own endpoint's secret…
		expect([...verdicts.get(receivers.ep_deals)!.values()]).toEqual(deals.map(() => true));
		expect([...verdicts.get(receivers.ep_contacts)!.values()]).toEqual(contacts.map(() => true));
		// …and by no other endpoint's: a receiver holding another's secret refuses.
		const [dealsSecret] = revealed.get('ep_deals')!;
		const [contactsSecret] = revealed.get('ep_contacts')!;
		for (const c of deals) expect(verifiesStandardWebhook(contactsSecret, c)).toBe(false);
		for (const c of contacts) expect(verifiesStandardWebhook(dealsSecret, c)).toBe(false);
		// The row's headers and its URL's query reach the subscriber.
		for (const c of contacts) {
			expect(c.url).toBe('/hooks?src=n8n');
			expect(header(c, 'x-tenant')).toBe('acme');
		}
		expect(receivers.ep_off.calls).toEqual([]);
		// The dead endpoint: three calls, then the breaker (Give Up on a
		// Destination After: 3 by default) fails the rest without a call.
		expect(receivers.ep_dead.calls).toHaveLength(3);

		// What the node reported: endpoint.disabled once, for the dead endpoint.
		const happenings = outputItems(execution, 'Send Webhook', 4);
		const disabled = happenings.filter((event) => event.type === 'endpoint.disabled');
		expect(disabled).toHaveLength(1);
		expect(disabled[0].update).toEqual({
			endpoint_id: 'ep_dead',
			active: false,
			consecutive_failures: 50,
		});
		expect(happenings.filter((event) => event.type === 'endpoint.updated')).toEqual([]);
		expect(outputItems(execution, 'Send Webhook', 2)).toEqual([]); // Retry: none scheduled
		expect(outputItems(execution, 'Update Endpoint')).toHaveLength(1);

		// …written back to the dead endpoint's row by the dispatcher's Update branch.
		const rows = await endpointRows();
		expect(rows.get('ep_dead')).toMatchObject({ active: false, consecutive_failures: 50 });
		for (const id of ['ep_deals', 'ep_contacts'])
			expect(rows.get(id)).toMatchObject({ active: true, consecutive_failures: 0 });
		expect(rows.get('ep_off')).toMatchObject({ active: false, consecutive_failures: 0 });

		// The log table: one row per attempt, matching what the receivers got.
		const log = await logRows();
		const byEndpoint = (id: string) => log.filter((row) => row.endpoint_id === id);
		expect(log).toHaveLength(deals.length + contacts.length + EVENTS.length);
		expect(byEndpoint('ep_off')).toEqual([]);
		for (const [id, calls] of [
			['ep_deals', deals],
			['ep_contacts', contacts],
		] as const) {
			const rows = byEndpoint(id);
			expect(rows).toHaveLength(calls.length);
			for (const row of rows) {
				expect(row).toMatchObject({ status: 'delivered', attempt: 1, response_status: 200 });
				const received = calls.filter((c) => header(c, 'webhook-id') === row.delivery_id);
				expect(received).toHaveLength(1);
				expect(row.body).toBe(received[0].body.toString('utf8'));
				expect(row.event).toBe(bodyOf(received[0]).type);
				expect(row.request_headers).not.toMatch(/webhook-signature|v1,/);
			}
		}
		const dead = byEndpoint('ep_dead');
		expect(dead).toHaveLength(EVENTS.length);
		const failed = dead.filter((row) => row.status === 'failed');
		expect(failed).toHaveLength(3);
		for (const row of failed) expect(row).toMatchObject({ attempt: 1, response_status: 500 });
		expect(dead.filter((row) => row.status === 'not_sent')).toHaveLength(EVENTS.length - 3);
		// One event is one message: its rows at every endpoint carry one delivery id.
		const deadIds = new Set(dead.map((row) => row.delivery_id));
		for (const row of [...byEndpoint('ep_deals'), ...byEndpoint('ep_contacts')])
			expect(deadIds.has(row.delivery_id)).toBe(true);
		for (const row of log) {
			expect(row.logged_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(JSON.stringify(row)).not.toMatch(/whsec_/);
		}
	});

	test('resend: the same webhook-id and the same bytes again, signed anew, to the endpoint asked for', async () => {
		const log = await logRows();
		const deadStatus = new Map(
			log
				.filter((row) => row.endpoint_id === 'ep_dead')
				.map((row) => [row.delivery_id, row.status]),
		);
		const delivered = log.filter((row) => row.endpoint_id === 'ep_deals');
		// A delivery whose call to the dead endpoint failed: it has a row to resend there too.
		const alsoFailed = delivered.find((row) => deadStatus.get(row.delivery_id) === 'failed')!;
		expect(alsoFailed).toBeDefined();
		const original = receivers.ep_deals.calls.find(
			(c) => header(c, 'webhook-id') === alsoFailed.delivery_id,
		)!;
		const before = receivers.ep_deals.calls.length;

		const answer = await call('POST', 'resend', {
			delivery_id: alsoFailed.delivery_id,
			endpoint_id: 'ep_deals',
		});
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual([
			expect.objectContaining({
				delivery_id: alsoFailed.delivery_id,
				endpoint_id: 'ep_deals',
				status: 'delivered',
				response_status: 200,
			}),
		]);
		const resendId = workflows.get('webhook-system-resend.json')!;
		expect((await n8n.waitForExecutions(resendId, 1))[0].status).toBe('success');
		expect(receivers.ep_deals.calls).toHaveLength(before + 1);
		const again = receivers.ep_deals.calls[before];
		expect(header(again, 'webhook-id')).toBe(header(original, 'webhook-id'));
		expect(again.body.equals(original.body)).toBe(true);
		expect(verdicts.get(receivers.ep_deals)!.get(again.n)).toBe(true);
		expect(verifiesStandardWebhook(revealed.get('ep_deals')![0], again)).toBe(true);
		expect(receivers.ep_dead.calls).toHaveLength(3);

		// Without an endpoint: to every endpoint the delivery went to; the dead
		// one, now inactive, is refused with the reason, and nothing is sent to it.
		const all = await call('POST', 'resend', { delivery_id: alsoFailed.delivery_id });
		expect(all.status).toBe(200);
		await n8n.waitForExecutions(resendId, 2);
		const rows = all.json as Array<Record<string, unknown>>;
		expect(rows.map((row) => [row.endpoint_id, row.status])).toEqual(
			expect.arrayContaining([
				['ep_deals', 'delivered'],
				['ep_dead', 'not_sent'],
			]),
		);
		expect(rows).toHaveLength(2);
		expect(String(rows.find((row) => row.endpoint_id === 'ep_dead')?.error)).toMatch(
			/no longer active/,
		);
		expect(receivers.ep_deals.calls).toHaveLength(before + 2);
		expect(receivers.ep_deals.calls[before + 1].body.equals(original.body)).toBe(true);
		expect(receivers.ep_dead.calls).toHaveLength(3);
		// The resend workflow does not write the log: it answers with its rows.
		expect(await logRows()).toHaveLength(log.length);
	});

	test('rotation: the new secret verifies the next call, and the old one too during the overlap', async () => {
		const [v1] = revealed.get('ep_contacts')!;
		const answer = await call('POST', 'endpoints/rotate', { endpoint_id: 'ep_contacts' });
		expect(answer.status).toBe(200);
		const rotated = answer.json as Record<string, unknown>;
		expect(rotated).toMatchObject({
			endpoint_id: 'ep_contacts',
			secret: expect.stringMatching(/^whsec_/),
			secret_version: 2,
		});
		const v2 = String(rotated.secret);
		expect(v2).not.toBe(v1);
		// The subscriber now holds the new secret only.
		revealed.get('ep_contacts')!.push(v2);
		const row = (await endpointRows()).get('ep_contacts')!;
		expect(row.secret_version).toBe(2);
		expect(Date.now() - Date.parse(String(row.secret_rotated_at))).toBeLessThan(120_000);

		const before = receivers.ep_contacts.calls.length;
		const dealsBefore = receivers.ep_deals.calls.length;
		const event = { type: 'contact.created', data: { n: 50, company: 'After rotation' } };
		expect((await call('POST', 'events', { events: [event] })).status).toBe(200);
		const runs = await dispatcherRuns(2);
		expect(runs[1].status).toBe('success');

		expect(receivers.ep_contacts.calls).toHaveLength(before + 1);
		const next = receivers.ep_contacts.calls[before];
		expect(bodyOf(next)).toEqual(event);
		expect(verdicts.get(receivers.ep_contacts)!.get(next.n)).toBe(true);
		expect(verifiesStandardWebhook(v2, next)).toBe(true);
		expect(verifiesStandardWebhook(v1, next)).toBe(true);
		expect(header(next, 'webhook-signature').split(' ')).toHaveLength(2);
		expect(verifiesStandardWebhook(revealed.get('ep_deals')![0], next)).toBe(false);
		// Nobody else: the deals endpoint is not subscribed, the dead one is disabled now.
		expect(receivers.ep_deals.calls).toHaveLength(dealsBefore);
		expect(receivers.ep_dead.calls).toHaveLength(3);
		expect(outputItems(runs[1], 'Send Webhook', 4)).toEqual([]);
	});

	test('a retry through the Wait node: the dispatcher loops the call back to its own endpoint, with its webhook-id', async () => {
		// A copy of the dispatcher that retries once and whose Wait node waits
		// 1 s instead of the 70 s or more the node asks for (n8n holds a wait
		// under 65 s in memory, in the same execution): the Retry → Wait →
		// Events loop as the example wires it, in seconds.
		const prepared = await prepareExample(
			n8n,
			'webhook-system-dispatcher.json',
			credentialIds,
			undefined,
			tables,
		);
		const send = prepared.nodes.find((node) => node.name === 'Send Webhook')!;
		Object.assign(send.parameters.options as object, {
			retrySchedule: 'custom',
			retryDelays: '1',
		});
		const wait = prepared.nodes.find((node) => node.name === 'Wait to Retry')!;
		expect(wait.parameters.amount).toBe('={{ $json.webhookDelivery.retry.inSeconds }}');
		wait.parameters.amount = '={{ Math.min($json.webhookDelivery.retry.inSeconds, 1) }}';
		const trigger = prepared.nodes.find((node) => node.name === 'Events In')!;
		trigger.parameters.path = 'e2e-events-retry';
		trigger.webhookId = 'e2e-events-retry';
		wait.webhookId = 'e2e-events-retry-wait';
		const id = await n8n.deploy({ ...prepared, name: 'e2e dispatcher, retrying in 1 s' }, [
			'e2e-events-retry',
		]);

		// A subscriber that is busy once, then takes the calls it can verify.
		const flaky = await subscriber('ep_flaky', 1);
		receivers.ep_flaky = flaky;
		const created = await call('POST', 'endpoints', {
			endpoint_id: 'ep_flaky',
			url: flaky.url,
			events: 'order.*',
		});
		expect(created.status).toBe(200);
		revealed.set('ep_flaky', [(created.json as { secret: string }).secret]);
		const logBefore = (await logRows()).length;

		const event = { type: 'order.paid', data: { n: 51, total: '12.50' } };
		expect((await call('POST', 'e2e-events-retry', { events: [event] })).status).toBe(200);
		const [execution] = await n8n.waitForExecutions(id, 1);
		expect(execution.status).toBe('success');

		// Only the flaky endpoint subscribes (the dead one is disabled now): two calls, one message.
		expect(flaky.calls).toHaveLength(2);
		const [first, second] = flaky.calls;
		expect(header(second, 'webhook-id')).toBe(header(first, 'webhook-id'));
		expect(second.body.equals(first.body)).toBe(true);
		expect([...verdicts.get(flaky)!.values()]).toEqual([true, true]);
		expect(receivers.ep_dead.calls).toHaveLength(3);

		// The node ran twice: the call went out on Retry, through the Wait node, and back in.
		const runs = execution.data?.resultData.runData;
		expect(runs?.['Send Webhook']).toHaveLength(2);
		expect(runs?.['Wait to Retry']).toHaveLength(1);
		const retried = outputItems(execution, 'Send Webhook', 2);
		expect(retried).toHaveLength(1);
		expect(retried[0].webhookDelivery).toMatchObject({
			retry: { attempt: 2, inSeconds: 70, endpoint: { endpoint_id: 'ep_flaky' } },
		});
		expect(outputItems(execution, 'Send Webhook', 0)).toEqual([
			expect.objectContaining({
				type: 'order.paid',
				webhookDelivery: expect.objectContaining({ delivered: true }),
			}),
		]);
		expect(outputItems(execution, 'Send Webhook', 4)).toEqual([]);

		// Both attempts are in the log, the first one as retrying.
		const log = (await logRows()).slice(logBefore);
		expect(
			log.map((row) => [row.endpoint_id, row.attempt, row.status, row.response_status]),
		).toEqual([
			['ep_flaky', 1, 'retrying', 503],
			['ep_flaky', 2, 'delivered', 200],
		]);
		expect(log.every((row) => row.delivery_id === header(first, 'webhook-id'))).toBe(true);
	});

	test('log retention: rows logged more than 30 days ago are deleted, the rest kept', async () => {
		const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
		await insertRows(n8n, tables.webhook_log, [
			{ delivery_id: 'msg_old', status: 'delivered', logged_at: daysAgo(31) },
			{ delivery_id: 'msg_recent', status: 'delivered', logged_at: daysAgo(29) },
		]);
		const before = await logRows();

		// The example as it is runs on its schedule; this copy runs its Delete
		// from a webhook instead, once.
		const prepared = await prepareExample(
			n8n,
			'webhook-system-log-retention.json',
			new Map(),
			undefined,
			tables,
		);
		const schedule = prepared.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')!;
		Object.assign(schedule, {
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-retention',
				responseMode: 'lastNode',
				options: {},
			},
			webhookId: 'e2e-retention',
		});
		const id = await n8n.deploy({ ...prepared, name: 'e2e retention now' }, ['e2e-retention']);
		const answer = await call('POST', 'e2e-retention', {});
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ delivery_id: 'msg_old' });
		expect((await n8n.waitForExecutions(id, 1))[0].status).toBe('success');

		const after = await logRows();
		expect(after.map((row) => row.delivery_id)).toEqual(
			before.filter((row) => row.delivery_id !== 'msg_old').map((row) => row.delivery_id),
		);
	});

	test('secrets: no revealed secret, nor the credentials, in any execution, the database or the log', async () => {
		const forbidden = [
			...[...revealed.values()].flat(),
			DEMO_SECRETS['Webhook system signing secret'],
			DEMO_SECRETS['Webhook system signing secret'].slice(6),
		];
		// Not the admin key: n8n's Webhook node puts the request's headers, the
		// key among them, in its output, which the executions keep
		// (docs/webhook-system.md says so).
		const all = await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250');
		let executions = '';
		for (const workflow of all.data)
			executions += JSON.stringify(await n8n.executions(workflow.id, true));
		expect(executions).toContain('msg_'); // the dispatcher's runs are kept
		const stored = [
			executions,
			n8n.log(),
			...filesUnder(join(n8n.userFolder, '.n8n')).map((file) => readFileSync(file, 'latin1')),
		].join('\n');
		for (const secret of forbidden)
			expect(stored.includes(secret) ? secret : 'absent').toBe('absent');
	});
});

/** The files n8n wrote (its database among them), without the installed package. */
function filesUnder(dir: string): string[] {
	const files: string[] = [];
	for (const entry of readdirSync(dir)) {
		if (entry === 'nodes') continue;
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) files.push(...filesUnder(path));
		else if (statSync(path).size < 200 * 1024 * 1024) files.push(path);
	}
	return files;
}
