/* eslint-disable @n8n/community-nodes/require-node-api-error -- tooling, not node code: it drives n8n's REST API from Node */
/**
 * n8n's Data Tables, driven the way its editor drives them: the internal REST
 * API under /rest/projects/<projectId>/data-tables, with the owner's session
 * (N8n.signIn). The same routes exist in n8n 2.41.1 and 1.123.81; the public
 * API (/api/v1/data-tables) is 2.x only, so this uses REST. Facts and file
 * references: DATA-TABLES.md beside this file.
 *
 * Also here: the Data Table node (n8n-nodes-base.dataTable) as workflow JSON,
 * for the operations a webhook system needs, written once for both lines.
 */
import { randomUUID } from 'node:crypto';

import { sleep, type N8n } from './n8n';

export type DataTableColumnType = 'string' | 'number' | 'boolean' | 'date';

export interface DataTableColumn {
	/** /^[a-zA-Z][a-zA-Z0-9_]*$/, at most 63 characters; not id, createdAt, updatedAt (any case) nor dryRunState. */
	readonly name: string;
	readonly type: DataTableColumnType;
}

/** A table as these functions address it: n8n's routes need the project with the id. */
export interface DataTableRef {
	readonly id: string;
	readonly name: string;
	readonly projectId: string;
	readonly columns: readonly DataTableColumn[];
}

/** A value to write: a date column takes an ISO 8601 string (or a Date, sent as one). */
export type DataTableValue = string | number | boolean | null | Date;

/**
 * A row as n8n's REST API returns it: the system columns, then the user
 * columns. Booleans come back as true/false, dates as ISO strings in UTC.
 */
export interface DataTableRow {
	readonly id: number;
	readonly createdAt: string;
	readonly updatedAt: string;
	readonly [column: string]: string | number | boolean | null;
}

/** One condition of a row filter (REST and node alike). */
export interface DataTableCondition {
	readonly columnName: string;
	/** isEmpty / isNotEmpty: 2.x only. */
	readonly condition:
		| 'eq'
		| 'neq'
		| 'like'
		| 'ilike'
		| 'gt'
		| 'gte'
		| 'lt'
		| 'lte'
		| 'isEmpty'
		| 'isNotEmpty';
	readonly value: string | number | boolean | null;
}

export interface DataTableFilter {
	readonly type?: 'and' | 'or';
	readonly filters: readonly DataTableCondition[];
}

/** n8n's REST answers wrap their payload in { data }. */
interface Wrapped<T> {
	readonly data: T;
}

const projectIds = new WeakMap<N8n, string>();

/** The owner's personal project: where workflows created with the owner's API key live. */
export async function personalProjectId(n8n: N8n): Promise<string> {
	const known = projectIds.get(n8n);
	if (known) return known;
	const { data } = await n8n.rest<Wrapped<{ id: string }>>('GET', '/rest/projects/personal');
	projectIds.set(n8n, data.id);
	return data.id;
}

function tablePath(table: Pick<DataTableRef, 'id' | 'projectId'>, rest = ''): string {
	return `/rest/projects/${table.projectId}/data-tables/${table.id}${rest}`;
}

/**
 * Creates a table in the owner's personal project (so workflows deployed with
 * N8n.deploy can use it). Names are unique per project: 409 on a clash.
 */
export async function createDataTable(
	n8n: N8n,
	name: string,
	columns: readonly DataTableColumn[],
): Promise<DataTableRef> {
	const projectId = await personalProjectId(n8n);
	const { data } = await n8n.rest<Wrapped<{ id: string; name: string }>>(
		'POST',
		`/rest/projects/${projectId}/data-tables`,
		{ name, columns },
	);
	return { id: data.id, name: data.name, projectId, columns };
}

/**
 * Appends rows and returns them as stored (system columns included). Every
 * key must be a column: n8n refuses the whole call (400, "unknown column
 * name 'x'") otherwise. Omitted columns are null.
 */
export async function insertRows(
	n8n: N8n,
	table: DataTableRef,
	rows: ReadonlyArray<Readonly<Record<string, DataTableValue>>>,
): Promise<DataTableRow[]> {
	const { data } = await n8n.rest<Wrapped<DataTableRow[]>>('POST', tablePath(table, '/insert'), {
		data: rows,
		// 1.x requires it; 2.x defaults to 'count'.
		returnType: 'all',
	});
	return data;
}

/**
 * Every row (or those matching `filter`), oldest first. n8n pages at most 50
 * (1.x) or 250 (2.x) rows per call; this follows the pages.
 */
export async function listRows(
	n8n: N8n,
	table: Pick<DataTableRef, 'id' | 'projectId'>,
	filter?: DataTableFilter,
): Promise<DataTableRow[]> {
	const rows: DataTableRow[] = [];
	for (;;) {
		const query = new URLSearchParams({
			skip: String(rows.length),
			take: '50',
			sortBy: 'id:asc',
		});
		if (filter) query.set('filter', JSON.stringify(filter));
		const { data } = await readRetried(
			async () =>
				await n8n.rest<Wrapped<{ count: number; data: DataTableRow[] }>>(
					'GET',
					tablePath(table, `/rows?${query}`),
				),
		);
		rows.push(...data.data);
		if (data.data.length === 0 || rows.length >= data.count) return rows;
	}
}

/**
 * A read, tried again when 1.x's SQLite refuses it for a transaction of
 * n8n's own running at the same moment ("Transaction is not started yet", a
 * 500: DATA-TABLES.md §2). Reads change nothing, so trying again is safe.
 */
async function readRetried<T>(read: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await read();
		} catch (error) {
			if (attempt >= 5 || !/Transaction is not started yet/.test((error as Error).message))
				throw error;
			await sleep(200 * attempt);
		}
	}
}

/** Deletes the rows matching `filter` (n8n refuses an empty one); returns them. */
export async function deleteRows(
	n8n: N8n,
	table: Pick<DataTableRef, 'id' | 'projectId'>,
	filter: DataTableFilter,
): Promise<DataTableRow[]> {
	const query = new URLSearchParams({ filter: JSON.stringify(filter), returnData: 'true' });
	const { data } = await n8n.rest<Wrapped<DataTableRow[]>>(
		'DELETE',
		tablePath(table, `/rows?${query}`),
	);
	return data;
}

/** Deletes the table and its rows. */
export async function deleteDataTable(
	n8n: N8n,
	table: Pick<DataTableRef, 'id' | 'projectId'>,
): Promise<void> {
	await n8n.rest('DELETE', tablePath(table));
}

/** The tables of the owner's personal project, by name. */
export async function listDataTables(n8n: N8n): Promise<Array<{ id: string; name: string }>> {
	const projectId = await personalProjectId(n8n);
	const { data } = await n8n.rest<
		Wrapped<{ count: number; data: Array<{ id: string; name: string }> }>
	>('GET', `/rest/projects/${projectId}/data-tables?take=50`);
	return data.data;
}

// ---------------------------------------------------------------------------
// The Data Table node as workflow JSON.

/** The newest Data Table node version of an n8n release: 1.1 in 2.x, 1 in 1.x. */
export function dataTableNodeVersion(n8nVersion: string): number {
	return Number(n8nVersion.split('.')[0]) >= 2 ? 1.1 : 1;
}

export interface NodePlacement {
	readonly name: string;
	readonly position?: readonly [number, number];
	/** Node settings (not parameters): executeOnce, alwaysOutputData, onError... */
	readonly settings?: Readonly<Record<string, unknown>>;
}

/** A condition of the node's filter: `value` is the text field (an expression is fine). */
export interface NodeCondition {
	readonly column: string;
	/** Node-side names: eq neq gt gte lt lte like ilike isEmpty isNotEmpty isTrue isFalse. */
	readonly condition: string;
	readonly value?: string;
}

/**
 * The table picked "By ID". "By Name" exists only in 2.x; "From List"
 * (the editor's default) also stores the id.
 */
function tableLocator(table: Pick<DataTableRef, 'id'>): object {
	return { __rl: true, mode: 'id', value: table.id };
}

function resourceMapperSchema(columns: readonly DataTableColumn[]): object[] {
	return columns.map((column) => ({
		id: column.name,
		displayName: column.name,
		required: false,
		defaultMatch: false,
		display: true,
		type: column.type === 'date' ? 'dateTime' : column.type,
		readOnly: false,
		removed: false,
	}));
}

function filterParameters(
	conditions: readonly NodeCondition[],
	match: 'all' | 'any',
): Record<string, unknown> {
	return {
		matchType: match === 'all' ? 'allConditions' : 'anyCondition',
		filters: {
			conditions: conditions.map((c) => ({
				keyName: c.column,
				condition: c.condition,
				...(c.value === undefined ? {} : { keyValue: c.value }),
			})),
		},
	};
}

function dataTableNode(
	n8nVersion: string,
	placement: NodePlacement,
	parameters: Record<string, unknown>,
): Record<string, unknown> {
	return {
		id: randomUUID(),
		name: placement.name,
		type: 'n8n-nodes-base.dataTable',
		typeVersion: dataTableNodeVersion(n8nVersion),
		position: placement.position ?? [0, 0],
		parameters: { resource: 'row', ...parameters },
		...placement.settings,
	};
}

/**
 * Get rows: every row when `conditions` is empty, else those matching. Runs
 * once per input item (set executeOnce to read the table once for a batch).
 */
export function dataTableGetNode(
	n8nVersion: string,
	placement: NodePlacement,
	table: Pick<DataTableRef, 'id'>,
	conditions: readonly NodeCondition[] = [],
	match: 'all' | 'any' = 'all',
): Record<string, unknown> {
	return dataTableNode(n8nVersion, placement, {
		operation: 'get',
		dataTableId: tableLocator(table),
		...(conditions.length ? filterParameters(conditions, match) : {}),
		returnAll: true,
	});
}

/**
 * Insert one row per item, each column taken from the item field of the
 * same name ("Map Each Column Automatically"). An item field that is not a
 * column fails the node ("unknown column name"); id/createdAt/updatedAt are
 * dropped first.
 */
export function dataTableInsertNode(
	n8nVersion: string,
	placement: NodePlacement,
	table: Pick<DataTableRef, 'id' | 'columns'>,
): Record<string, unknown> {
	return dataTableNode(n8nVersion, placement, {
		operation: 'insert',
		dataTableId: tableLocator(table),
		columns: {
			mappingMode: 'autoMapInputData',
			value: {},
			matchingColumns: [],
			schema: resourceMapperSchema(table.columns),
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		options: {},
	});
}

/** Update, per item, the rows matching `conditions` with `values` (expressions allowed). */
export function dataTableUpdateNode(
	n8nVersion: string,
	placement: NodePlacement,
	table: Pick<DataTableRef, 'id' | 'columns'>,
	conditions: readonly NodeCondition[],
	values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
	return dataTableNode(n8nVersion, placement, {
		operation: 'update',
		dataTableId: tableLocator(table),
		...filterParameters(conditions, 'all'),
		columns: {
			mappingMode: 'defineBelow',
			value: values,
			matchingColumns: [],
			schema: resourceMapperSchema(table.columns.filter((column) => column.name in values)),
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		options: {},
	});
}

/**
 * Retention: delete the rows whose date column (a user column, or the system
 * column createdAt) is older than `days` days. Runs once per input item: give
 * it one item, or set executeOnce.
 */
export function dataTableDeleteOlderThanNode(
	n8nVersion: string,
	placement: NodePlacement,
	table: Pick<DataTableRef, 'id'>,
	column: string,
	days: number,
): Record<string, unknown> {
	return dataTableNode(n8nVersion, placement, {
		operation: 'deleteRows',
		dataTableId: tableLocator(table),
		...filterParameters(
			[{ column, condition: 'lt', value: `={{ $now.minus({ days: ${days} }).toISO() }}` }],
			'all',
		),
		options: {},
	});
}
