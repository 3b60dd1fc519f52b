/**
 * The checks on what one item asks to send: its URL, its headers, its Event
 * Name and its own delivery id. Each refuses the item before anything is
 * sent, saying what to fix; none lets a value through that would go out
 * changed, or leave a call without its signature.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	describeDeliveryIdProblem,
	describeHeaderProblem,
	describeHeaderValueFault,
	describeUnsendableHeaderName,
	findHeaderValueFault,
	type Scheme,
} from '../../core';
import type { ItemParameterReader } from './itemParameters';
import { fail } from './nodeErrors';

const HEADER_VALUE_HINT =
	'A header value travels intact only as visible ASCII, space and tab (RFC 9110): other characters are dropped, or read differently by different receivers.';

export function readUrl(
	context: IExecuteFunctions,
	read: ItemParameterReader,
	itemIndex: number,
	httpsOnly: boolean,
): string {
	const raw = read('url', itemIndex);
	const checked = checkUrl(typeof raw === 'string' ? raw : '', httpsOnly);
	if (!checked.ok) return fail(context, checked.detail, itemIndex, checked.description);
	// Every item's record keeps its URL to the end of the run: items with the
	// URL as the parameter holds it share that one string, not a copy each.
	return checked.url === raw ? raw : checked.url;
}

/** A URL as it will be sent, or why it cannot be: the URL parameter's and each endpoint's. */
export function checkUrl(
	raw: string,
	httpsOnly: boolean,
): { ok: true; url: string } | { ok: false; detail: string; description?: string } {
	const text = raw.trim();
	if (text === '')
		return {
			ok: false,
			detail: 'The URL is empty',
			description: 'Set the URL to send the webhook to.',
		};
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return {
			ok: false,
			detail: `The URL "${text}" is not a valid URL`,
			description: 'Write a full URL such as https://example.com/hooks.',
		};
	}
	const allowed = httpsOnly ? ['https:'] : ['https:', 'http:'];
	if (!allowed.includes(url.protocol)) {
		return {
			ok: false,
			detail: `The URL "${text}" must start with ${httpsOnly ? 'https://' : 'http:// or https://'}`,
			description: httpsOnly
				? 'Only HTTPS URLs is on: signed data is never sent unencrypted.'
				: undefined,
		};
	}
	// n8n's HTTP client sends the URL as the WHATWG parser writes it (spaces
	// and non-ASCII percent-encoded): that form is what is sent, and so what
	// Square, HubSpot v3 and Twilio sign. A #fragment never leaves the client,
	// so it is neither sent nor signed (signing it broke every such call).
	url.hash = '';
	return { ok: true, url: url.href };
}

/** A scheme that puts the body's hash in the URL (Twilio) would send a second one. */
export function refuseBodyHashParameter(
	context: IExecuteFunctions,
	url: string,
	itemIndex: number,
	scheme: Scheme | undefined,
): void {
	const problem = bodyHashParameterProblem(url, scheme);
	if (problem) fail(context, problem.detail, itemIndex, problem.description);
}

/** What is wrong with a URL that already carries the scheme's body hash parameter, or undefined. */
export function bodyHashParameterProblem(
	url: string,
	scheme: Scheme | undefined,
): Problem | undefined {
	const hashRule = scheme?.bodyHash;
	if (!hashRule || !new URL(url).searchParams.has(hashRule.parameter)) return undefined;
	return {
		detail: `The URL already has a ${hashRule.parameter} query parameter`,
		description: `${scheme.name} adds ${hashRule.parameter} (the body's SHA-256) to the URL of each call it signs: remove it from the URL.`,
	};
}

/** A refusal's message and what to do about it, before it is raised on an item or reported on an endpoint. */
export interface Problem {
	readonly detail: string;
	readonly description?: string;
}

/** The Event Name, where the scheme sends it in a header (`eventHeader`). */
export function checkEventName(
	context: IExecuteFunctions,
	event: string,
	itemIndex: number,
	eventHeader: string | undefined,
): void {
	if (!eventHeader || event === '') return;
	const fault = findHeaderValueFault(event);
	if (!fault) return;
	fail(
		context,
		`Event Name cannot be sent in the ${eventHeader} header: ${describeHeaderValueFault(fault)}`,
		itemIndex,
		HEADER_VALUE_HINT,
	);
}

/** Items without Header Parameters share this one, rather than an empty object each. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The item's Header Parameters, each checked. A header the node sets itself
 * (`reserved`: lower-case name → who sets it) is refused; a name given twice,
 * in any case, keeps its last value.
 */
export function readHeaders(
	context: IExecuteFunctions,
	read: ItemParameterReader,
	itemIndex: number,
	reserved: ReadonlyMap<string, string>,
): Readonly<Record<string, string>> {
	if (!read('sendHeaders', itemIndex, false)) return NO_HEADERS;
	const headers: Record<string, string> = {};
	const rows = read('headerParameters.parameters', itemIndex, []) as {
		name?: string;
		value?: unknown;
	}[];
	for (const row of rows) {
		const name = String(row.name ?? '').trim();
		const value = row.value === undefined || row.value === null ? '' : String(row.value);
		if (name === '' && value === '') continue;
		checkHeader(context, name, value, itemIndex, reserved);
		for (const existing of Object.keys(headers)) {
			if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
		}
		headers[name] = value;
	}
	return headers;
}

function checkHeader(
	context: IExecuteFunctions,
	name: string,
	value: string,
	itemIndex: number,
	reserved: ReadonlyMap<string, string>,
): void {
	const problem = headerProblem(name, value, reserved);
	if (problem) fail(context, problem.detail, itemIndex, problem.description);
}

/**
 * What keeps a header from being sent as given, or undefined: no name, one
 * that cannot travel, a value that would arrive changed, or a header the
 * node sets itself (`reserved`: lower-case name → who sets it).
 */
export function headerProblem(
	name: string,
	value: string,
	reserved: ReadonlyMap<string, string>,
): Problem | undefined {
	if (name === '') return { detail: 'A header has a value but no name' };
	const nameProblem = describeHeaderProblem(name, '') ?? describeUnsendableHeaderName(name);
	if (nameProblem) return { detail: nameProblem };
	const fault = findHeaderValueFault(value);
	if (fault) {
		return {
			detail: `Header Parameters: the value of ${name} cannot be sent: ${describeHeaderValueFault(fault)}`,
			description: HEADER_VALUE_HINT,
		};
	}
	const owner = reserved.get(name.toLowerCase());
	if (!owner) return undefined;
	return {
		detail: `Header ${name} is set by ${owner}; it cannot also be set under Headers`,
		description:
			'Remove it from Header Parameters: a user value would replace the signature or its metadata.',
	};
}

/** An item's own delivery id ("From an Expression"), checked before anything is sent. */
export function readDeliveryId(
	context: IExecuteFunctions,
	read: ItemParameterReader,
	itemIndex: number,
): string {
	const value = read('deliveryIdValue', itemIndex, '');
	const hint =
		'Give each item a stable ID of at most 200 letters, digits, "_", ":" or "-", such as {{ $json.id }}; or set Delivery ID to "From the Content".';
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
		const what =
			value === null || value === undefined
				? 'empty'
				: `${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not text or a number`;
		fail(context, `Item's Delivery ID of item ${itemIndex} is ${what}`, itemIndex, hint);
	}
	const id = String(value);
	const problem = describeDeliveryIdProblem(id);
	if (problem) {
		const shown = id.length > 60 ? `${id.slice(0, 60)}…` : id;
		fail(
			context,
			`Item's Delivery ID of item ${itemIndex}${id === '' ? '' : ` (${JSON.stringify(shown)})`} ${problem}`,
			itemIndex,
			hint,
		);
	}
	return id;
}
