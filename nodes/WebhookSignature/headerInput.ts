/**
 * The Headers parameter, as the headers the core reads: an object of
 * name: value (n8n's Webhook node outputs Node's headers so), or the same as
 * JSON text. Anything else is the workflow's wiring, not the call's fault.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { HeaderBag, HeaderValue } from '../../core';

export function readHeaderBag(context: IExecuteFunctions, itemIndex: number): HeaderBag {
	const fail = (message: string) =>
		new NodeOperationError(context.getNode(), message, {
			itemIndex,
			description:
				"Headers must be the call's headers as an object of name: value, as the Webhook node outputs them ({{ $json.headers }}).",
		});
	let value = context.getNodeParameter('headers', itemIndex, {}) as unknown;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			throw fail('Headers is text that is not JSON');
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw fail(`Headers is ${value === null ? 'null' : typeof value}, not an object of headers`);
	}
	const entries = Object.entries(value);
	for (const [name, header] of entries) {
		if (!isHeaderValue(header)) throw fail(`The header "${name}" is not text`);
	}
	// fromEntries defines each name as an own property, "__proto__" included.
	return Object.fromEntries(entries) as HeaderBag;
}

function isHeaderValue(value: unknown): value is HeaderValue {
	return (
		typeof value === 'string' ||
		(Array.isArray(value) && value.every((each) => typeof each === 'string'))
	);
}
