import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	DEFAULT_RETRY_POLICY,
	describeBatchSizeProblem,
	describeDeliveryIdProblem,
	describeHeaderProblem,
	describeHeaderValueFault,
	describeRetryPolicyProblem,
	describeUnsendableHeaderName,
	findHeaderValueFault,
	headersSignSets,
	measureJson,
	type Scheme,
	type RetryPolicy,
	type SecretSet,
} from '../../core';
import { loadHeaderAuth, loadSchemeSecrets } from '../shared/loadCredentials';
import { chooseScheme, type ResolvedScheme } from '../shared/schemeChoice';
import {
	carriedRetry,
	withoutDeliveryRecord,
	type CarriedRetry,
	type RetryMode,
} from './retryLater';
import {
	DEFAULT_CONCURRENCY,
	DEFAULT_DEADLINE_SECONDS,
	DEFAULT_GIVE_UP_AFTER,
	DEFAULT_HTTPS_ONLY,
	DEFAULT_RESPONSE_BODY_LIMIT,
	DEFAULT_RETRY_DELAYS,
	DEFAULT_TIMEOUT_MS,
} from './description';
import type { TransportSettings } from './transport';

/** Header for the delivery id when the scheme has none of its own (Standard Webhooks' name). */
const DELIVERY_ID_HEADER = 'webhook-id';

/** Where each call's delivery id comes from (see core/deliveryId.ts). */
type DeliveryIdSource = 'random' | 'content' | 'expression';
const DELIVERY_ID_SOURCES: readonly string[] = ['random', 'content', 'expression'];

/** What applies to every item: read once, from the first item's parameters. */
export interface SendSettings {
	readonly signing?: { readonly resolved: ResolvedScheme; readonly secrets: SecretSet };
	readonly policy: RetryPolicy;
	readonly transport: TransportSettings;
	readonly batchSize: number;
	readonly batched: boolean;
	readonly wrapperKey?: string;
	readonly envelope: boolean;
	readonly stopOnFailure: boolean;
	readonly concurrency: number;
	readonly httpsOnly: boolean;
	/** Lower-case names of headers the node itself sets; a user header may not replace them. */
	readonly reservedHeaders: ReadonlyMap<string, string>;
	/** The scheme's header for the Event Name, when it has one. */
	readonly eventHeader?: string;
	/** The header the node sends the delivery id in, where the scheme has no id header. */
	readonly deliveryIdHeader?: string;
	readonly deliveryId: DeliveryIdSource;
	/** Deadline (Seconds): 0 leaves it to the workflow's execution timeout. */
	readonly deadlineSeconds: number;
	/** Failed calls in a row after which a destination is given up on; 0 never. */
	readonly giveUpAfter: number;
	readonly retryMode: RetryMode;
}

/** One item's call, as its parameters evaluate. */
export interface ItemRequest {
	readonly url: string;
	readonly method: IHttpRequestMethods;
	readonly headers: Readonly<Record<string, string>>;
	readonly event: string;
	readonly record: unknown;
	/** The length of the record's JSON, measured when it was checked. */
	readonly recordLength: number;
	/** The item's own delivery id, when Delivery ID is "From an Expression". */
	readonly deliveryId?: string;
	/** The call an item back from the Wait node belongs to (Retries: Through a Wait Node). */
	readonly carried?: CarriedRetry;
}

function fail(
	context: IExecuteFunctions,
	message: string,
	itemIndex: number,
	description?: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

export async function readSettings(context: IExecuteFunctions): Promise<SendSettings> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const choice = chooseScheme((name, fallback) => context.getNodeParameter(name, 0, fallback));
	if (!choice.ok) fail(context, choice.detail, 0, choice.description);
	const { resolved } = choice;
	refuseUnsendableSchemeHeaders(context, resolved);
	const signing = resolved
		? { resolved, secrets: await readSecrets(context, resolved.scheme) }
		: undefined;

	const policy: RetryPolicy = {
		delaysSeconds: parseDelays(
			context,
			(options.retryDelays as string | undefined) ?? DEFAULT_RETRY_DELAYS,
		),
		retryClientErrors:
			(options.retryClientErrors as boolean | undefined) ?? DEFAULT_RETRY_POLICY.retryClientErrors,
		retryAfterCapSeconds:
			(options.retryAfterCap as number | undefined) ?? DEFAULT_RETRY_POLICY.retryAfterCapSeconds,
	};
	const policyProblem = describeRetryPolicyProblem(policy);
	if (policyProblem) fail(context, policyProblem, 0);

	const batched = context.getNodeParameter('batching', 0) === 'batch';
	const batchSize = batched ? (context.getNodeParameter('batchSize', 0) as number) : 1;
	const batchProblem = describeBatchSizeProblem(batchSize);
	if (batchProblem) fail(context, batchProblem, 0);

	const useHeaderAuth = context.getNodeParameter('authentication', 0) === 'headerAuth';
	const deliveryIdHeader = resolved?.scheme.idHeader ? undefined : DELIVERY_ID_HEADER;
	const reservedHeaders = new Map<string, string>();
	if (resolved) {
		for (const name of headersSignSets(resolved.scheme, resolved.signatureHeader))
			reservedHeaders.set(name.toLowerCase(), 'the signing scheme');
	}
	if (deliveryIdHeader) reservedHeaders.set(deliveryIdHeader, 'the node, for the delivery ID');
	if (useHeaderAuth) {
		const loaded = await loadHeaderAuth(context);
		if (!loaded.ok) fail(context, loaded.detail, 0, loaded.description);
		const authHeader = loaded.header;
		const clash = reservedHeaders.get(authHeader.toLowerCase());
		if (clash)
			fail(context, `The Header Auth credential's header ${authHeader} is also set by ${clash}`, 0);
		reservedHeaders.set(authHeader.toLowerCase(), 'the Header Auth credential');
	}

	const deliveryId = context.getNodeParameter('deliveryId', 0, 'random') as string;
	if (!DELIVERY_ID_SOURCES.includes(deliveryId))
		fail(context, `Unknown Delivery ID choice "${deliveryId}"`, 0);

	const deadlineSeconds =
		(options.deadlineSeconds as number | undefined) ?? DEFAULT_DEADLINE_SECONDS;
	if (
		typeof deadlineSeconds !== 'number' ||
		!Number.isFinite(deadlineSeconds) ||
		deadlineSeconds < 0
	)
		fail(
			context,
			`Deadline (Seconds) must be a number of seconds, 0 or more (got ${String(deadlineSeconds)})`,
			0,
		);
	const giveUpAfter =
		(options.giveUpAfterFailedCalls as number | undefined) ?? DEFAULT_GIVE_UP_AFTER;
	if (typeof giveUpAfter !== 'number' || !Number.isInteger(giveUpAfter) || giveUpAfter < 0)
		fail(
			context,
			`Give Up on a Destination After must be a whole number of failed calls, 0 or more (got ${String(giveUpAfter)})`,
			0,
		);

	const concurrency = (options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY;
	return {
		signing,
		policy,
		transport: {
			timeoutMs: (options.timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS,
			useHeaderAuth,
			responseBodyLimit:
				(options.responseBodyLimit as number | undefined) ?? DEFAULT_RESPONSE_BODY_LIMIT,
		},
		batchSize,
		batched,
		wrapperKey: batched
			? (context.getNodeParameter('batchWrapperKey', 0, '') as string).trim() || undefined
			: undefined,
		// ConnectGain's body is always the envelope: its signed timestamp lives there.
		envelope:
			(context.getNodeParameter('envelope', 0, false) as boolean) ||
			(resolved !== undefined &&
				resolved.scheme.kind === 'hmac' &&
				resolved.scheme.envelope === true),
		stopOnFailure: context.getNodeParameter('onFailure', 0) === 'error',
		concurrency: Number.isInteger(concurrency) && concurrency >= 1 ? concurrency : 1,
		httpsOnly: (options.httpsOnly as boolean | undefined) ?? DEFAULT_HTTPS_ONLY,
		reservedHeaders,
		eventHeader: resolved?.scheme.eventHeader,
		deliveryIdHeader,
		deliveryId: deliveryId as DeliveryIdSource,
		deadlineSeconds,
		giveUpAfter,
		retryMode: options.retryMode === 'waitNode' ? 'waitNode' : 'inNode',
	};
}

/** Checked once here, so no attempt is ever sent unsigned or signed with garbage. */
async function readSecrets(context: IExecuteFunctions, scheme: Scheme): Promise<SecretSet> {
	const loaded = await loadSchemeSecrets(context, scheme, 'send');
	if (!loaded.ok) fail(context, loaded.detail, 0, loaded.description);
	return loaded.secrets;
}

/**
 * The header names a user chose for the scheme (Smarter Launch's and Generic
 * HMAC's): one that cannot be sent would leave the call without it, unsigned.
 */
function refuseUnsendableSchemeHeaders(
	context: IExecuteFunctions,
	resolved: ResolvedScheme | undefined,
): void {
	if (!resolved) return;
	const { scheme } = resolved;
	const named: Array<[string, string | undefined]> = [
		['Signature Header Name', resolved.signatureHeader ?? scheme.signatureHeader],
		[
			'Timestamp Header Name',
			scheme.timestamp?.in === 'header' ? scheme.timestamp.header : undefined,
		],
		['ID Header Name', scheme.idHeader],
	];
	for (const [parameter, name] of named) {
		const problem = name === undefined ? undefined : describeUnsendableHeaderName(name);
		if (problem) {
			fail(
				context,
				`${parameter}: ${problem}`,
				0,
				'Choose another header name: the call would go out without this header.',
			);
		}
	}
}

function parseDelays(context: IExecuteFunctions, text: string): number[] {
	const parts = text
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
	const delays = parts.map(Number);
	if (delays.some((delay) => !Number.isFinite(delay))) {
		fail(
			context,
			`Retry Delays must be numbers of seconds separated by commas, like "10, 100" (got "${text}")`,
			0,
		);
	}
	return delays;
}

/** One item's value of a parameter, as getNodeParameter() gives it. */
type ItemParameterReader = (name: string, itemIndex: number, fallback?: unknown) => unknown;

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

/** Reads and checks one item's call; a NodeOperationError names the item and what to fix. */
export function readItemRequest(
	context: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	settings: SendSettings,
	read: ItemParameterReader = itemParameterReader(context),
): ItemRequest {
	const url = readUrl(context, read, itemIndex, settings.httpsOnly);
	const hashRule = settings.signing?.resolved.scheme.bodyHash;
	if (hashRule && new URL(url).searchParams.has(hashRule.parameter)) {
		fail(
			context,
			`The URL already has a ${hashRule.parameter} query parameter`,
			itemIndex,
			`${settings.signing?.resolved.scheme.name} adds ${hashRule.parameter} (the body's SHA-256) to the URL of each call it signs: remove it from the URL.`,
		);
	}
	const method = read('method', itemIndex) as IHttpRequestMethods;
	const event = String(read('eventName', itemIndex, '') ?? '');
	if (settings.eventHeader && event !== '') {
		const fault = findHeaderValueFault(event);
		if (fault) {
			fail(
				context,
				`Event Name cannot be sent in the ${settings.eventHeader} header: ${describeHeaderValueFault(fault)}`,
				itemIndex,
				HEADER_VALUE_HINT,
			);
		}
	}

	const headers: Record<string, string> = {};
	if (read('sendHeaders', itemIndex, false)) {
		const rows = read('headerParameters.parameters', itemIndex, []) as {
			name?: string;
			value?: unknown;
		}[];
		for (const row of rows) {
			const name = String(row.name ?? '').trim();
			const value = row.value === undefined || row.value === null ? '' : String(row.value);
			if (name === '' && value === '') continue;
			if (name === '') fail(context, 'A header has a value but no name', itemIndex);
			const problem = describeHeaderProblem(name, '') ?? describeUnsendableHeaderName(name);
			if (problem) fail(context, problem, itemIndex);
			const fault = findHeaderValueFault(value);
			if (fault) {
				fail(
					context,
					`Header Parameters: the value of ${name} cannot be sent: ${describeHeaderValueFault(fault)}`,
					itemIndex,
					HEADER_VALUE_HINT,
				);
			}
			const owner = settings.reservedHeaders.get(name.toLowerCase());
			if (owner) {
				fail(
					context,
					`Header ${name} is set by ${owner}; it cannot also be set under Headers`,
					itemIndex,
					'Remove it from Header Parameters: a user value would replace the signature or its metadata.',
				);
			}
			for (const existing of Object.keys(headers)) {
				if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
			}
			headers[name] = value;
		}
	}

	// Back from the Wait node: the same call again, with the record it came back with taken off.
	const carried = settings.retryMode === 'waitNode' ? carriedRetry(item) : undefined;
	let record: unknown = carried ? withoutDeliveryRecord(item.json) : item.json;
	if (read('payload', itemIndex) === 'custom') {
		record = read('customPayload', itemIndex);
		if (typeof record === 'string') {
			try {
				record = JSON.parse(record);
			} catch (error) {
				fail(context, `Custom JSON is not valid JSON: ${(error as Error).message}`, itemIndex);
			}
		}
	}
	// Checked without writing it: a walk, not a string per item.
	const measured = measureJson(record);
	if (!measured.ok) {
		fail(context, `The payload cannot be sent as JSON: ${measured.detail}`, itemIndex);
	}
	const deliveryId =
		settings.deliveryId === 'expression' ? readDeliveryId(context, read, itemIndex) : undefined;
	return {
		url,
		method,
		headers,
		event,
		record,
		recordLength: measured.length,
		deliveryId,
		...(carried ? { carried } : {}),
	};
}

/** An item's own delivery id ("From an Expression"), checked before anything is sent. */
function readDeliveryId(
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

const HEADER_VALUE_HINT =
	'A header value travels intact only as visible ASCII, space and tab (RFC 9110): other characters are dropped, or read differently by different receivers.';

function readUrl(
	context: IExecuteFunctions,
	read: ItemParameterReader,
	itemIndex: number,
	httpsOnly: boolean,
): string {
	const raw = read('url', itemIndex);
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '')
		fail(context, 'The URL is empty', itemIndex, 'Set the URL to send the webhook to.');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return fail(
			context,
			`The URL "${text}" is not a valid URL`,
			itemIndex,
			'Write a full URL such as https://example.com/hooks.',
		);
	}
	const allowed = httpsOnly ? ['https:'] : ['https:', 'http:'];
	if (!allowed.includes(url.protocol)) {
		fail(
			context,
			`The URL "${text}" must start with ${httpsOnly ? 'https://' : 'http:// or https://'}`,
			itemIndex,
			httpsOnly ? 'Only HTTPS URLs is on: signed data is never sent unencrypted.' : undefined,
		);
	}
	// n8n's HTTP client sends the URL as the WHATWG parser writes it (spaces
	// and non-ASCII percent-encoded): that form is what is sent, and so what
	// Square, HubSpot v3 and Twilio sign. A #fragment never leaves the client,
	// so it is neither sent nor signed (signing it broke every such call).
	url.hash = '';
	return url.href;
}
