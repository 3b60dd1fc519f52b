/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * n8n's Data Tables in a real n8n (E2E_TARGET: 2.x on Node 24, or 1.x on
 * Node 20), with only n8n's own nodes: what a webhook system built on Send
 * Webhook relies on (endpoints read from a table, delivery logs written to
 * one). See e2e/harness/DATA-TABLES.md.
 * 1. The harness's REST helpers: create a table with string, number,
 *    boolean and date columns, insert, list, filter, delete; the column-name
 *    rules n8n enforces.
 * 2. Webhook → Split Out → Data Table (get all, Execute Once) → Respond to
 *    Webhook answers with the rows, read once for a batch of items.
 * 3. The Data Table node's get-where, insert (map automatically), update
 *    and delete-older-than, as the harness writes them, read back over REST.
 * 4. A two-input node (Merge) whose second input comes from a Data Table
 *    read that returns no rows: what runs, under executionOrder v1.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	createDataTable,
	dataTableDeleteOlderThanNode,
	dataTableGetNode,
	dataTableInsertNode,
	dataTableUpdateNode,
	deleteDataTable,
	deleteRows,
	insertRows,
	listDataTables,
	listRows,
	type DataTableColumn,
	type DataTableRef,
} from '../harness/dataTables';
import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, type Execution, type WorkflowJson } from '../harness/n8n';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

let n8n: N8n;
/** Shorthand: the running n8n's version, for the node builders. */
let version: string;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	// Only n8n's own nodes here: no package to install.
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-datatables-${target}-`));
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
	version = n8n.version;
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

const ENDPOINT_COLUMNS: DataTableColumn[] = [
	{ name: 'url', type: 'string' },
	{ name: 'attempts', type: 'number' },
	{ name: 'active', type: 'boolean' },
	{ name: 'since', type: 'date' },
];

const ENDPOINTS = [
	{ url: 'https://a.example/hook', attempts: 3, active: true, since: '2026-01-02T03:04:05.000Z' },
	{ url: 'https://b.example/hook', attempts: 0, active: false, since: '2026-02-03T04:05:06.000Z' },
	{ url: 'https://c.example/hook', attempts: 1.5, active: true, since: null },
];

/** The user columns of a row, without id/createdAt/updatedAt. */
function userColumns(row: Record<string, unknown>): Record<string, unknown> {
	const { id, createdAt, updatedAt, ...rest } = row;
	void id;
	void createdAt;
	void updatedAt;
	return rest;
}

let tableCount = 0;

/** A fresh table with the endpoint columns (and rows, if given). */
async function endpointsTable(rows = ENDPOINTS): Promise<DataTableRef> {
	const table = await createDataTable(n8n, `endpoints ${++tableCount}`, ENDPOINT_COLUMNS);
	if (rows.length) await insertRows(n8n, table, rows);
	return table;
}

function node(
	name: string,
	type: string,
	typeVersion: number,
	position: [number, number],
	parameters: object,
	extra: object = {},
): Record<string, unknown> {
	return { id: randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

/** n8n's Webhook node on POST /webhook/<path>, answering as `responseMode` says. */
function webhook(path: string, responseMode: 'onReceived' | 'responseNode' = 'onReceived') {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		[0, 0],
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ webhookId: randomUUID() },
	);
}

/** Split Out: one item per element of the body's `field` array. */
function splitOut(name: string, field: string, position: [number, number]) {
	return node(name, 'n8n-nodes-base.splitOut', 1, position, {
		fieldToSplitOut: `body.${field}`,
		include: 'noOtherFields',
		options: {},
	});
}

type Links = Array<[from: string, to: string, input?: number]>;

function connections(links: Links): object {
	const out: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> =
		{};
	for (const [from, to, input = 0] of links) {
		out[from] ??= { main: [[]] };
		out[from].main[0].push({ node: to, type: 'main', index: input });
	}
	return out;
}

let workflowCount = 0;

/** Deploys Webhook + `nodes` wired by `links`; returns its id and path. */
async function deploy(
	nodes: Array<Record<string, unknown>>,
	links: Links,
	responseMode: 'onReceived' | 'responseNode' = 'onReceived',
): Promise<{ id: string; path: string }> {
	const path = `e2e-datatables-${++workflowCount}`;
	const workflow: WorkflowJson = {
		name: `e2e data tables ${workflowCount}`,
		nodes: [webhook(path, responseMode), ...nodes],
		connections: connections(links),
		settings: { executionOrder: 'v1' },
	};
	return { id: await n8n.deploy(workflow, [path]), path };
}

async function post(path: string, body: unknown): Promise<Response> {
	return await fetch(`${n8n.baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

/** Calls the workflow once and returns that execution, finished, with its data. */
async function run(workflow: { id: string; path: string }, body: unknown): Promise<Execution> {
	const before = (await n8n.executions(workflow.id, false)).length;
	const response = await post(workflow.path, body);
	expect(response.status).toBe(200);
	const executions = await n8n.waitForExecutions(workflow.id, before + 1);
	return executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
}

/** The names of the nodes that ran in an execution. */
function ran(execution: Execution): string[] {
	return Object.keys(execution.data?.resultData.runData ?? {}).sort();
}

describe(`Data Tables in n8n ${target}`, () => {
	test('REST: create a table with each column type, insert, list, filter, delete', async () => {
		const table = await endpointsTable([]);
		expect(table.id).toMatch(/^[A-Za-z0-9]+$/);
		expect((await listDataTables(n8n)).map((t) => t.name)).toContain(table.name);

		const inserted = await insertRows(n8n, table, ENDPOINTS);
		expect(inserted.map(userColumns)).toEqual(ENDPOINTS);

		const rows = await listRows(n8n, table);
		expect(rows.map(userColumns)).toEqual(ENDPOINTS);
		for (const row of rows) {
			expect(typeof row.id).toBe('number');
			expect(row.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(row.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		}

		// A date given with an offset is stored and returned in UTC.
		const [offset] = await insertRows(n8n, table, [
			{ url: 'https://d.example', since: '2026-03-01T12:00:00+02:00' },
		]);
		expect(offset.since).toBe('2026-03-01T10:00:00.000Z');
		expect(offset.active).toBeNull();

		const active = await listRows(n8n, table, {
			filters: [{ columnName: 'active', condition: 'eq', value: true }],
		});
		expect(active.map((row) => row.url)).toEqual([
			'https://a.example/hook',
			'https://c.example/hook',
		]);

		const deleted = await deleteRows(n8n, table, {
			filters: [{ columnName: 'url', condition: 'eq', value: 'https://d.example' }],
		});
		expect(deleted).toHaveLength(1);
		expect(await listRows(n8n, table)).toHaveLength(3);

		// A key that is not a column: the whole insert is refused.
		await expect(
			insertRows(n8n, table, [{ url: 'https://e.example', extra: 'x' }]),
		).rejects.toThrow(/400.*unknown column name 'extra'/);
		expect(await listRows(n8n, table)).toHaveLength(3);

		await deleteDataTable(n8n, table);
		expect((await listDataTables(n8n)).map((t) => t.name)).not.toContain(table.name);
	});

	test('REST: the column names n8n refuses', async () => {
		const status = async (name: string) =>
			await createDataTable(n8n, `columns ${name}`, [{ name, type: 'string' }]).then(
				() => 'accepted',
				(error: Error) => error.message.match(/: (\d{3}) /)?.[1] ?? error.message,
			);
		// 2.x answers 400 for a name its pattern refuses and 409 for a system
		// column's name (any case); 1.x lets the validation error out as 500,
		// and refuses system names only because SQLite already has the column.
		const [badName, systemName] = target === '2.x' ? ['400', '409'] : ['500', '500'];
		expect(await status('event-type')).toBe(badName);
		expect(await status('1st')).toBe(badName);
		expect(await status('_private')).toBe(badName);
		expect(await status('x'.repeat(64))).toBe(badName);
		expect(await status('id')).toBe(systemName);
		expect(await status('CreatedAt')).toBe(systemName);
		expect(await status('dryRunState')).toBe(target === '2.x' ? '409' : 'accepted');
		expect(await status('Event_Type2')).toBe('accepted');
	});

	test('REST: values are coerced to the column type; table names are unique, case-sensitively', async () => {
		const table = await createDataTable(n8n, 'Coerced', [
			{ name: 's', type: 'string' },
			{ name: 'n', type: 'number' },
			{ name: 'b', type: 'boolean' },
			{ name: 'd', type: 'date' },
		]);
		const [row] = await insertRows(n8n, table, [{ s: 5, n: '7', b: 'true', d: '2026-01-01' }]);
		expect(userColumns(row)).toEqual({ s: '5', n: 7, b: true, d: '2026-01-01T00:00:00.000Z' });
		expect(userColumns((await insertRows(n8n, table, [{ b: 0 }]))[0]).b).toBe(false);
		await expect(insertRows(n8n, table, [{ n: 'x' }])).rejects.toThrow(/: 400 /);
		await expect(insertRows(n8n, table, [{ d: 1767225600000 }])).rejects.toThrow(/: 400 /);

		await expect(createDataTable(n8n, 'Coerced', [])).rejects.toThrow(/: 409 /);
		await createDataTable(n8n, 'coerced', []);
	});

	// "By Name" is 2.x only (1.x has From List and ID, both storing the id).
	(target === '2.x' ? test : test.skip)(
		'Data Table node "By Name" (2.x): a case-insensitive substring match, the most recently updated table wins',
		async () => {
			const exact = await createDataTable(n8n, 'Hooks', ENDPOINT_COLUMNS);
			await insertRows(n8n, exact, [ENDPOINTS[0]]);
			const other = await createDataTable(n8n, 'old hooks', ENDPOINT_COLUMNS);
			await insertRows(n8n, other, [ENDPOINTS[1]]);
			const get = dataTableGetNode(version, { name: 'By name', position: [200, 0] }, exact);
			(get.parameters as Record<string, unknown>).dataTableId = {
				__rl: true,
				mode: 'name',
				value: 'hooks',
			};
			const workflow = await deploy([get], [['Webhook', 'By name']]);
			const execution = await run(workflow, {});
			expect(execution.status).toBe('success');
			// 'old hooks' was written last, so "hooks" reads it, not 'Hooks'.
			expect(outputItems(execution, 'By name').map((row) => row.url)).toEqual([ENDPOINTS[1].url]);
		},
	);

	test('Webhook → Split Out → Data Table get all (Execute Once) → Respond to Webhook: the rows, once', async () => {
		const table = await endpointsTable();
		const workflow = await deploy(
			[
				splitOut('Events', 'events', [200, 0]),
				dataTableGetNode(
					version,
					{ name: 'Endpoints', position: [400, 0], settings: { executeOnce: true } },
					table,
				),
				node('Respond', 'n8n-nodes-base.respondToWebhook', 1.1, [600, 0], {
					respondWith: 'allIncomingItems',
					options: {},
				}),
				// The same read without Execute Once, after the answer: once per item.
				dataTableGetNode(version, { name: 'Endpoints per event', position: [400, 200] }, table),
			],
			[
				['Webhook', 'Events'],
				['Events', 'Endpoints'],
				['Endpoints', 'Respond'],
				['Events', 'Endpoints per event'],
			],
			'responseNode',
		);
		const before = (await n8n.executions(workflow.id, false)).length;
		const response = await post(workflow.path, { events: [{ n: 1 }, { n: 2 }, { n: 3 }] });
		expect(response.status).toBe(200);
		const answered = (await response.json()) as Array<Record<string, unknown>>;
		const stored = await listRows(n8n, table);
		expect(answered).toEqual(stored);

		const [execution] = await n8n.waitForExecutions(workflow.id, before + 1);
		expect(execution.status).toBe('success');
		expect(outputItems(execution, 'Endpoints')).toEqual(stored);
		expect(outputItems(execution, 'Endpoints per event')).toHaveLength(3 * stored.length);
	});

	test('Data Table get where: conditions, with values from the item', async () => {
		const table = await endpointsTable();
		const workflow = await deploy(
			[
				dataTableGetNode(version, { name: 'Active', position: [200, 0] }, table, [
					{ column: 'active', condition: 'isTrue' },
				]),
				dataTableGetNode(version, { name: 'By URL', position: [200, 200] }, table, [
					{ column: 'url', condition: 'eq', value: '={{ $json.body.url }}' },
				]),
				dataTableGetNode(version, { name: 'Tried', position: [200, 400] }, table, [
					{ column: 'attempts', condition: 'gte', value: '1' },
					{ column: 'since', condition: 'lt', value: '2026-02-01T00:00:00Z' },
				]),
			],
			[
				['Webhook', 'Active'],
				['Webhook', 'By URL'],
				['Webhook', 'Tried'],
			],
		);
		const execution = await run(workflow, { url: 'https://b.example/hook' });
		expect(execution.status).toBe('success');
		const urls = (name: string) => outputItems(execution, name).map((row) => row.url);
		expect(urls('Active')).toEqual(['https://a.example/hook', 'https://c.example/hook']);
		expect(urls('By URL')).toEqual(['https://b.example/hook']);
		expect(urls('Tried')).toEqual(['https://a.example/hook']);
	});

	test('Data Table insert, map automatically: one row per item; a field that is no column fails it all', async () => {
		const table = await endpointsTable([]);
		const workflow = await deploy(
			[
				splitOut('Rows', 'rows', [200, 0]),
				dataTableInsertNode(version, { name: 'Insert', position: [400, 0] }, table),
			],
			[
				['Webhook', 'Rows'],
				['Rows', 'Insert'],
			],
		);
		const ok = await run(workflow, {
			rows: [
				ENDPOINTS[0],
				// Missing columns become null; system columns in the item are dropped.
				{ url: 'https://f.example', id: 999, createdAt: '2020-01-01T00:00:00Z' },
			],
		});
		expect(ok.status).toBe('success');
		const stored = await listRows(n8n, table);
		expect(stored.map(userColumns)).toEqual([
			ENDPOINTS[0],
			{ url: 'https://f.example', attempts: null, active: null, since: null },
		]);
		expect(stored[1].id).not.toBe(999);
		expect(outputItems(ok, 'Insert').map((row) => row.id)).toEqual(stored.map((row) => row.id));

		const failed = await run(workflow, {
			rows: [{ url: 'https://g.example' }, { url: 'https://h.example', status: 'new' }],
		});
		expect(failed.status).toBe('error');
		expect(failed.data?.resultData.error?.message).toMatch(/unknown column name 'status'/);
		expect(await listRows(n8n, table)).toHaveLength(2);
	});

	test('Data Table update where a column equals a value', async () => {
		const table = await endpointsTable();
		const workflow = await deploy(
			[
				dataTableUpdateNode(
					version,
					{ name: 'Disable', position: [200, 0] },
					table,
					[{ column: 'url', condition: 'eq', value: '={{ $json.body.url }}' }],
					{ active: false, attempts: '={{ $json.body.attempts }}' },
				),
			],
			[['Webhook', 'Disable']],
		);
		const execution = await run(workflow, { url: 'https://a.example/hook', attempts: 7 });
		expect(execution.status).toBe('success');
		expect(outputItems(execution, 'Disable').map(userColumns)).toEqual([
			{ ...ENDPOINTS[0], active: false, attempts: 7 },
		]);
		expect((await listRows(n8n, table)).map(userColumns)).toEqual([
			{ ...ENDPOINTS[0], active: false, attempts: 7 },
			ENDPOINTS[1],
			ENDPOINTS[2],
		]);
	});

	test('Data Table delete rows older than 30 days (a date column, or createdAt)', async () => {
		const table = await createDataTable(n8n, `deliveries ${++tableCount}`, [
			{ name: 'endpoint', type: 'string' },
			{ name: 'status', type: 'number' },
			{ name: 'delivered', type: 'boolean' },
			{ name: 'deliveredAt', type: 'date' },
		]);
		const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
		await insertRows(n8n, table, [
			{ endpoint: 'old', status: 200, delivered: true, deliveredAt: daysAgo(40) },
			{ endpoint: 'recent', status: 500, delivered: false, deliveredAt: daysAgo(1) },
		]);
		const workflow = await deploy(
			[
				dataTableDeleteOlderThanNode(
					version,
					{ name: 'By deliveredAt', position: [200, 0] },
					table,
					'deliveredAt',
					30,
				),
			],
			[['Webhook', 'By deliveredAt']],
		);
		const execution = await run(workflow, {});
		expect(execution.status).toBe('success');
		expect(outputItems(execution, 'By deliveredAt').map((row) => row.endpoint)).toEqual(['old']);
		expect((await listRows(n8n, table)).map((row) => row.endpoint)).toEqual(['recent']);

		// createdAt: every row here is new, so 30 days deletes none (and the
		// node succeeds with no output); a cut-off a day ahead deletes them all.
		const byCreatedAt = await deploy(
			[
				dataTableDeleteOlderThanNode(
					version,
					{ name: 'Older than 30 days', position: [200, 0] },
					table,
					'createdAt',
					30,
				),
			],
			[['Webhook', 'Older than 30 days']],
		);
		const none = await run(byCreatedAt, {});
		expect(none.status).toBe('success');
		expect(outputItems(none, 'Older than 30 days')).toEqual([]);
		expect(await listRows(n8n, table)).toHaveLength(1);

		const all = await deploy(
			[
				dataTableDeleteOlderThanNode(
					version,
					{ name: 'Older than tomorrow', position: [200, 0] },
					table,
					'createdAt',
					-1,
				),
			],
			[['Webhook', 'Older than tomorrow']],
		);
		expect((await run(all, {})).status).toBe('success');
		expect(await listRows(n8n, table)).toEqual([]);
	});

	describe('a two-input node (Merge, append) whose input 2 reads a table (executionOrder v1)', () => {
		const EVENTS = [{ event: 'a' }, { event: 'b' }, { event: 'c' }];

		/**
		 * Webhook → Split Out (3 events) → Merge input 1;
		 * Webhook → Data Table get (Execute Once) [→ `between`] → Merge input 2.
		 */
		async function mergeWorkflow(
			table: DataTableRef,
			options: {
				readonly getSettings?: Record<string, unknown>;
				readonly between?: boolean;
				readonly merge?: Record<string, unknown>;
				readonly mergeSettings?: Record<string, unknown>;
			} = {},
		) {
			const nodes = [
				splitOut('Events', 'events', [200, 0]),
				dataTableGetNode(
					version,
					{
						name: 'Endpoints',
						position: [200, 200],
						settings: { executeOnce: true, ...options.getSettings },
					},
					table,
				),
				...(options.between ? [node('After read', 'n8n-nodes-base.noOp', 1, [400, 200], {})] : []),
				node(
					'Merge',
					'n8n-nodes-base.merge',
					3.2,
					[600, 100],
					options.merge ?? { mode: 'append' },
					options.mergeSettings ?? {},
				),
			];
			const source = options.between ? 'After read' : 'Endpoints';
			return await deploy(nodes, [
				['Webhook', 'Events'],
				['Webhook', 'Endpoints'],
				...(options.between ? ([['Endpoints', 'After read']] as Links) : []),
				['Events', 'Merge', 0],
				[source, 'Merge', 1],
			]);
		}

		let empty: DataTableRef;
		beforeAll(async () => {
			empty = await endpointsTable([]);
		});

		test('input 2 gets 0 items: Merge runs once, with input 1 only', async () => {
			const execution = await run(await mergeWorkflow(empty), { events: EVENTS });
			expect(execution.status).toBe('success');
			expect(ran(execution)).toEqual(['Endpoints', 'Events', 'Merge', 'Webhook']);
			expect(outputItems(execution, 'Endpoints')).toEqual([]);
			expect(execution.data?.resultData.runData.Merge).toHaveLength(1);
			expect(outputItems(execution, 'Merge')).toEqual(EVENTS);
		});

		test('input 2 never runs (its parent had 0 items): Merge still runs, with input 1', async () => {
			const execution = await run(await mergeWorkflow(empty, { between: true }), {
				events: EVENTS,
			});
			expect(execution.status).toBe('success');
			expect(ran(execution)).toEqual(['Endpoints', 'Events', 'Merge', 'Webhook']);
			expect(outputItems(execution, 'Merge')).toEqual(EVENTS);
		});

		test('Always Output Data on the read: input 2 gets one empty item', async () => {
			const execution = await run(
				await mergeWorkflow(empty, { getSettings: { alwaysOutputData: true } }),
				{ events: EVENTS },
			);
			expect(execution.status).toBe('success');
			expect(outputItems(execution, 'Endpoints')).toEqual([{}]);
			expect(outputItems(execution, 'Merge')).toEqual([...EVENTS, {}]);
		});

		test('requiredInputs [0, 1] (Merge "choose branch"): with input 2 empty it does not run', async () => {
			const execution = await run(
				await mergeWorkflow(empty, {
					merge: {
						mode: 'chooseBranch',
						chooseBranchMode: 'waitForAll',
						output: 'specifiedInput',
						useDataOfInput: 1,
					},
				}),
				{ events: EVENTS },
			);
			expect(execution.status).toBe('success');
			expect(ran(execution)).toEqual(['Endpoints', 'Events', 'Webhook']);
		});

		test('both inputs with items: Merge runs once with both; Execute Once on it keeps only item 1 of each', async () => {
			const table = await endpointsTable();
			const both = await run(await mergeWorkflow(table), { events: EVENTS });
			expect(both.status).toBe('success');
			expect(both.data?.resultData.runData.Merge).toHaveLength(1);
			expect(outputItems(both, 'Merge').map((item) => item.event ?? item.url)).toEqual([
				'a',
				'b',
				'c',
				...ENDPOINTS.map((endpoint) => endpoint.url),
			]);

			const once = await run(await mergeWorkflow(table, { mergeSettings: { executeOnce: true } }), {
				events: EVENTS,
			});
			expect(once.status).toBe('success');
			expect(outputItems(once, 'Merge').map((item) => item.event ?? item.url)).toEqual([
				'a',
				ENDPOINTS[0].url,
			]);
		});
	});
});
