import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** One item's value of a parameter, as getNodeParameter() gives it. */
export type ItemParameterReader = (name: string, itemIndex: number, fallback?: unknown) => unknown;

/**
 * Reads the parameters of each item. n8n resolves a parameter afresh for
 * every item and every call (a copy of it, its expressions evaluated, its
 * value checked): some kilobytes of short-lived objects per item, for
 * parameters that mostly hold no expression and so have one value for all
 * items. Those are read once, for the first item that asks.
 */
export function itemParameterReader(context: IExecuteFunctions): ItemParameterReader {
	const parameters = context.getNode().parameters;
	const sameForEveryItem = new Map<string, unknown>();
	return (name, itemIndex, fallback) => {
		if (sameForEveryItem.has(name)) return sameForEveryItem.get(name);
		const value = context.getNodeParameter(name, itemIndex, fallback);
		if (!holdsExpression(valueAt(parameters, name))) sameForEveryItem.set(name, value);
		return value;
	};
}

/** A parameter's value as the workflow holds it, by its dotted name. */
function valueAt(parameters: unknown, name: string): unknown {
	let value = parameters;
	for (const key of name.split('.')) {
		value = typeof value === 'object' && value !== null ? (value as IDataObject)[key] : undefined;
	}
	return value;
}

/** Whether a parameter's value is, or holds, an expression ("=…", evaluated per item). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (typeof value !== 'object' || value === null) return false;
	return Object.values(value).some(holdsExpression);
}
