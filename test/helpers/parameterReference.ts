/**
 * The README's parameter reference, written from the node and credential
 * descriptions themselves: the names and values a workflow JSON needs
 * (which the editor hides behind display names), so the reference cannot
 * drift from what n8n reads.
 */
import type {
	ICredentialType,
	IDisplayOptions,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

/** Long option lists (the signing schemes) are named, not repeated: the scheme tables list them. */
const MAX_LISTED_VALUES = 10;

type OptionEntry = INodePropertyOptions | INodeProperties | INodePropertyCollection;

const isOption = (entry: OptionEntry): entry is INodePropertyOptions =>
	'value' in entry && !('type' in entry);
const isProperty = (entry: OptionEntry): entry is INodeProperties => 'type' in entry;
const isGroup = (entry: OptionEntry): entry is INodePropertyCollection => 'values' in entry;

const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function valueText(value: unknown): string {
	return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function defaultText(property: INodeProperties): string {
	if (property.type === 'collection' || property.type === 'fixedCollection') return '';
	if (property.default === '' || property.default === undefined) return '';
	return valueText(property.default);
}

function valuesText(property: INodeProperties, schemeList?: string): string {
	const options = (property.options ?? []).filter(isOption);
	if (options.length === 0) return '';
	if (options.length > MAX_LISTED_VALUES) {
		return schemeList ?? `one of ${options.length} values`;
	}
	return options.map((option) => `${valueText(option.value)} (${option.name})`).join(', ');
}

function conditionText(options: IDisplayOptions | undefined): string {
	if (!options) return '';
	const part = (kind: 'show' | 'hide', joiner: string) =>
		Object.entries(options[kind] ?? {})
			.filter(([name]) => name !== '@version')
			.map(([name, values]) => {
				const list = (values ?? []).map((value) => valueText(value)).join(', ');
				return `${code(name.replace(/^\//, ''))} ${joiner} ${list}`;
			});
	return [...part('show', 'is'), ...part('hide', 'is not')].join('; ');
}

interface Row {
	readonly path: string;
	readonly label: string;
	readonly type: string;
	readonly defaultValue: string;
	readonly values: string;
	readonly shownWhen: string;
}

function rowsOf(
	properties: readonly INodeProperties[],
	prefix: string,
	schemeList?: string,
): Row[] {
	const rows: Row[] = [];
	for (const property of properties) {
		// Notices and hints are text in the panel, not parameters.
		if (property.type === 'notice' || property.type === 'callout') continue;
		const path = `${prefix}${property.name}`;
		rows.push({
			path,
			label: property.displayName,
			type:
				property.type +
				(property.typeOptions?.password ? ', masked' : '') +
				(property.required ? ', required' : ''),
			defaultValue: defaultText(property),
			values: valuesText(property, schemeList),
			shownWhen: conditionText(property.displayOptions),
		});
		const children = (property.options ?? []) as OptionEntry[];
		if (property.type === 'collection') {
			rows.push(...rowsOf(children.filter(isProperty), `${path}.`, schemeList));
		}
		if (property.type === 'fixedCollection') {
			const many = property.typeOptions?.multipleValues === true ? '[]' : '';
			for (const group of children.filter(isGroup)) {
				rows.push(...rowsOf(group.values, `${path}.${group.name}${many}.`, schemeList));
			}
		}
	}
	return mergeVariants(rows);
}

/**
 * One row per JSON name. A parameter declared once per group of values
 * (Timestamp Tolerance, whose default is each scheme's own window) becomes
 * one row listing each variant's default and condition.
 */
function mergeVariants(rows: readonly Row[]): Row[] {
	const merged: Row[] = [];
	for (const row of rows) {
		const at = merged.findIndex((earlier) => earlier.path === row.path);
		if (at < 0) {
			merged.push(row);
			continue;
		}
		const first = merged[at];
		const variants = first.defaultValue.startsWith('by condition: ')
			? first.defaultValue
			: `by condition: ${first.defaultValue} when ${first.shownWhen}`;
		merged[at] = {
			...first,
			defaultValue: `${variants}; ${row.defaultValue} when ${row.shownWhen}`,
			shownWhen: 'see Default',
		};
	}
	return merged;
}

function table(rows: readonly Row[]): string {
	return [
		'| JSON name | In the editor | Type | Default | Values | Shown when |',
		'|---|---|---|---|---|---|',
		...rows.map((row) =>
			[
				code(row.path),
				cell(row.label),
				row.type,
				row.defaultValue,
				cell(row.values),
				cell(row.shownWhen),
			]
				.join(' | ')
				.replace(/^/, '| ')
				.replace(/$/, ' |'),
		),
	].join('\n');
}

/** A node's heading line and its parameter table. */
export function nodeReference(
	packageName: string,
	description: INodeTypeDescription,
	schemeList?: string,
): string {
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	const credentials = (description.credentials ?? []).map((credential) => code(credential.name));
	return [
		`**${description.displayName}**: type ${code(`${packageName}.${description.name}`)}, ` +
			`typeVersion ${versions.map(String).join(' or ')}` +
			(description.defaultVersion === undefined
				? ''
				: ` (new nodes: ${description.defaultVersion})`) +
			(credentials.length > 0 ? `; credentials ${credentials.join(', ')}` : '') +
			'.',
		'',
		table(rowsOf(description.properties, '', schemeList)),
	].join('\n');
}

/** A credential type's heading line and its field table. */
export function credentialReference(credential: ICredentialType): string {
	return [
		`**${credential.displayName}**: type ${code(credential.name)}.`,
		'',
		table(rowsOf(credential.properties, '')),
	].join('\n');
}
