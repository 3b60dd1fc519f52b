/**
 * Endpoints as data: one record per receiver, as n8n items bring them (rows
 * of a Data Table, a sheet, a database). A Data Table's columns hold only
 * text, numbers, booleans and dates, so a list or an object may arrive as
 * its JSON text. Each field is read in the forms it can take there; any
 * other value is refused with the field's name, never guessed at.
 */
import { parseTimestamp } from '../crypto/encoding';
import { describeCharacter, describeHeaderProblem } from '../http/headers';
import type { Failure, Result } from '../result';
import { describeIdProblem } from './deliveryId';
import { describeUnsendableHeaderName } from './outgoing';

export interface Endpoint {
	/** From `endpoint_id`, else `id`. Each endpoint's secret is derived from it. */
	readonly id: string;
	readonly name: string;
	/** Absolute, http: or https:, as the URL parser writes it (what is sent). */
	readonly url: string;
	/** Event patterns: `*`, `deal.created`, `deal.*`. Never empty. */
	readonly events: readonly string[];
	readonly active: boolean;
	readonly headers: Readonly<Record<string, string>>;
	readonly secretVersion: number;
	readonly secretRotatedAt?: Date;
	/** Only where the user keeps secrets in the records instead of deriving them. */
	readonly secret?: string;
	readonly consecutiveFailures: number;
}

export type EndpointResult = Result<{ readonly endpoint: Endpoint }, 'invalid_endpoint'>;

export const MAX_ENDPOINT_ID_LENGTH = 200;
export const MAX_EVENT_PATTERNS = 100;
/** Far more rotations than anyone makes; it keeps the version a plain, exact number. */
export const MAX_SECRET_VERSION = 1_000_000;

type Field<Value> = Result<{ readonly value: Value }, 'invalid_endpoint'>;

const found = <Value>(value: Value): Field<Value> => ({ ok: true, value });
const refuse = (detail: string): Failure<'invalid_endpoint'> => ({
	ok: false,
	reason: 'invalid_endpoint',
	detail,
});

/**
 * The endpoint a record describes, or why it describes none. Fields this
 * does not know (a Data Table's createdAt, a user's notes) are left alone.
 * A refusal names the field and may show the id, URL or events, never the
 * secret.
 */
export function readEndpoint(record: Readonly<Record<string, unknown>>): EndpointResult {
	if (typeof record !== 'object' || record === null || Array.isArray(record)) {
		return refuse(`An endpoint must be a record of fields; it is ${kindOf(record)}`);
	}
	const id = readId(record);
	if (!id.ok) return id;
	const fields = readFields(record);
	if (!fields.ok) return refuse(`Endpoint ${quoted(id.value)}: ${fields.detail}`);
	return { ok: true, endpoint: { id: id.value, ...fields.value } };
}

/**
 * The record readEndpoint reads back as the same endpoint, its secret left
 * out: what a retry carries through n8n's Wait node (the secret is derived
 * again, or read from the Endpoints input, never carried).
 */
export function endpointRecord(endpoint: Endpoint): Record<string, unknown> {
	return {
		endpoint_id: endpoint.id,
		name: endpoint.name,
		url: endpoint.url,
		events: [...endpoint.events],
		active: endpoint.active,
		headers: { ...endpoint.headers },
		secret_version: endpoint.secretVersion,
		secret_rotated_at: endpoint.secretRotatedAt?.toISOString() ?? null,
		consecutive_failures: endpoint.consecutiveFailures,
	};
}

/** Every field but the id, in the order a refusal reports them. */
function readFields(record: Readonly<Record<string, unknown>>): Field<Omit<Endpoint, 'id'>> {
	const name = readText(record, 'name');
	if (!name.ok) return name;
	const url = readUrl(record);
	if (!url.ok) return url;
	const events = readEvents(record);
	if (!events.ok) return events;
	const active = readActive(record);
	if (!active.ok) return active;
	const headers = readHeaders(record);
	if (!headers.ok) return headers;
	const secretVersion = readWholeNumber(record, 'secret_version', 1, 1, MAX_SECRET_VERSION);
	if (!secretVersion.ok) return secretVersion;
	const secretRotatedAt = readDate(record, 'secret_rotated_at');
	if (!secretRotatedAt.ok) return secretRotatedAt;
	const secret = readText(record, 'secret');
	if (!secret.ok) return secret;
	const consecutiveFailures = readWholeNumber(record, 'consecutive_failures', 0, 0);
	if (!consecutiveFailures.ok) return consecutiveFailures;
	return found({
		name: name.value ?? '',
		url: url.value,
		events: events.value,
		active: active.value,
		headers: headers.value,
		secretVersion: secretVersion.value,
		...(secretRotatedAt.value === undefined ? {} : { secretRotatedAt: secretRotatedAt.value }),
		...(secret.value === undefined ? {} : { secret: secret.value }),
		consecutiveFailures: consecutiveFailures.value,
	});
}

/** A field's value, or undefined where it is missing, null or empty text: an empty cell. */
function fieldOf(record: Readonly<Record<string, unknown>>, name: string): unknown {
	if (!Object.hasOwn(record, name)) return undefined;
	const value = record[name];
	return value === null || value === '' ? undefined : value;
}

/**
 * `endpoint_id` first: a Data Table numbers its rows itself (`id`), and a
 * copied or re-imported table numbers them anew, while an id the user sets
 * stays. The id derives the endpoint's secret, so it must stay: a wrongly
 * typed endpoint_id is refused rather than passed over for `id`.
 */
function readId(record: Readonly<Record<string, unknown>>): Field<string> {
	const endpointId = fieldOf(record, 'endpoint_id');
	if (endpointId !== undefined) {
		if (typeof endpointId !== 'string') {
			return refuse(`"endpoint_id" must be text; it is ${kindOf(endpointId)}`);
		}
		return checkedId('endpoint_id', endpointId);
	}
	const id = fieldOf(record, 'id');
	if (typeof id === 'string') return checkedId('id', id);
	if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return found(String(id));
	if (id === undefined) return refuse('The endpoint has no id: give it an "endpoint_id" (or "id")');
	return refuse(`"id" must be text or a whole number, 0 or more; it is ${describeValue(id)}`);
}

function checkedId(field: string, id: string): Field<string> {
	const problem = describeIdProblem(id, MAX_ENDPOINT_ID_LENGTH);
	return problem ? refuse(`"${field}" ${problem}`) : found(id);
}

/** An optional text field; never shown in a refusal, as it may be the secret. */
function readText(
	record: Readonly<Record<string, unknown>>,
	field: string,
): Field<string | undefined> {
	const value = fieldOf(record, field);
	if (value === undefined || typeof value === 'string') return found(value);
	return refuse(`"${field}" must be text; it is ${kindOf(value)}`);
}

/** The URL as the WHATWG parser writes it, which is what an HTTP client sends. */
function readUrl(record: Readonly<Record<string, unknown>>): Field<string> {
	const value = fieldOf(record, 'url');
	if (value === undefined) return refuse('"url" is missing');
	if (typeof value !== 'string') return refuse(`"url" must be text; it is ${kindOf(value)}`);
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return refuse(`"url" ${quoted(value)} is not an absolute URL (like https://example.com/hooks)`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return refuse(`"url" is a ${url.protocol} URL; only http: and https: URLs can be called`);
	}
	return found(url.href);
}

function readEvents(record: Readonly<Record<string, unknown>>): Field<readonly string[]> {
	const listed = eventList(fieldOf(record, 'events'));
	if (!listed.ok) return listed;
	const events = listed.value;
	if (events.length === 0) {
		return refuse('"events" is empty: the endpoint subscribes to no events; use * for every event');
	}
	if (events.length > MAX_EVENT_PATTERNS) {
		return refuse(
			`"events" has ${events.length} patterns; at most ${MAX_EVENT_PATTERNS} are allowed`,
		);
	}
	for (const pattern of events) {
		const problem = describeEventPatternProblem(pattern);
		if (problem) return refuse(`"events": ${quoted(pattern)} ${problem}`);
	}
	return found(events);
}

/**
 * A list, its JSON text, or names separated by commas and/or whitespace
 * (no pattern holds either, so no name is split).
 */
function eventList(value: unknown): Field<readonly string[]> {
	if (value === undefined) return found([]);
	let list: unknown = value;
	if (typeof value === 'string') {
		const text = value.trim();
		if (!text.startsWith('[')) return found(text.split(/[\s,]+/).filter((name) => name !== ''));
		const parsed = parseJson(text);
		if (!parsed.ok) return refuse('"events" starts with "[" but is not a JSON list');
		list = parsed.value;
	}
	if (!Array.isArray(list)) {
		return refuse(
			`"events" must be a list of event names, its JSON text, or names separated by commas; it is ${kindOf(list)}`,
		);
	}
	const at = list.findIndex((name) => typeof name !== 'string');
	if (at !== -1) {
		return refuse(`"events" item ${at + 1} is ${kindOf(list[at])}; each must be an event name`);
	}
	return found([...(list as string[])]);
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Why a pattern cannot be subscribed to, or undefined if it can: `*` for
 * every event, or segments of letters, digits, `_` and `-` separated by
 * `.`, of which the last may be `*` (`deal.*`).
 */
export function describeEventPatternProblem(pattern: string): string | undefined {
	if (pattern === '*') return undefined;
	if (pattern === '') return 'is empty';
	const segments = pattern.split('.');
	for (const [index, segment] of segments.entries()) {
		if (segment === '*' && index === segments.length - 1) continue;
		if (segment === '') return 'has an empty segment (a "." at an end, or two in a row)';
		if (segment === '*')
			return 'has "*" before its last segment; only the last may be "*" (deal.*)';
		if (SEGMENT.test(segment)) continue;
		const character = [...segment].find((one) => !SEGMENT.test(one)) ?? '';
		if (character === '*') return 'has "*" inside a segment; "*" must be a whole segment (deal.*)';
		return `has ${describeCharacter(character)}; events are letters, digits, "_" and "-", in segments separated by "."`;
	}
	return undefined;
}

/**
 * Whether an event is one the patterns subscribe to: `*` takes every event,
 * `deal.*` every event under `deal.` (`deal.created`, `deal.stage.changed`;
 * not `deal`, nor `dealer.created`), any other pattern only itself, in the
 * same case.
 */
export function eventMatches(patterns: readonly string[], event: string): boolean {
	return patterns.some((pattern) => {
		if (pattern === '*' || pattern === event) return true;
		if (!pattern.endsWith('.*')) return false;
		// The prefix keeps its ".", so "deal.*" never takes "dealer.created".
		const prefix = pattern.slice(0, -1);
		return event.length > prefix.length && event.startsWith(prefix);
	});
}

/**
 * `active`, else `is_active` (ConnectGain's name). A record without either
 * is an endpoint the user listed, so it is called.
 */
function readActive(record: Readonly<Record<string, unknown>>): Field<boolean> {
	const field = fieldOf(record, 'active') === undefined ? 'is_active' : 'active';
	const value = fieldOf(record, field);
	if (value === undefined) return found(true);
	if (typeof value === 'boolean') return found(value);
	if (value === 1 || value === 0) return found(value === 1);
	// A sheet's TRUE, or a CSV's "1", is as clear as true.
	const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (word === 'true' || word === '1') return found(true);
	if (word === 'false' || word === '0') return found(false);
	return refuse(
		`"${field}" must be true or false (or "true"/"false", 1/0); it is ${describeValue(value)}`,
	);
}

function readHeaders(
	record: Readonly<Record<string, unknown>>,
): Field<Readonly<Record<string, string>>> {
	let value = fieldOf(record, 'headers');
	if (typeof value === 'string') {
		if (value.trim() === '') return found({});
		const parsed = parseJson(value);
		if (!parsed.ok) {
			return refuse('"headers" is text but not JSON: give an object like {"X-Tenant":"acme"}');
		}
		value = parsed.value;
	}
	if (value === undefined) return found({});
	if (!isPlainObject(value)) {
		return refuse(
			`"headers" must be an object of header names and text values, or its JSON text; it is ${kindOf(value)}`,
		);
	}
	return checkedHeaders(value);
}

/**
 * Each header checked as the Send Webhook node checks its own: a valid
 * name the HTTP client keeps, a value that travels intact (never shown: it
 * may be a token), and no name given twice in any case.
 */
function checkedHeaders(given: Readonly<Record<string, unknown>>): Field<Record<string, string>> {
	const headers: Record<string, string> = {};
	const seen = new Set<string>();
	for (const name of Object.keys(given)) {
		const value = given[name];
		const nameProblem = describeHeaderProblem(name, '') ?? describeUnsendableHeaderName(name);
		if (nameProblem) return refuse(`"headers": ${nameProblem}`);
		if (typeof value !== 'string') {
			return refuse(`"headers": header "${name}" must have a text value; it is ${kindOf(value)}`);
		}
		const valueProblem = describeHeaderProblem(name, value);
		if (valueProblem) return refuse(`"headers": ${valueProblem}`);
		const lower = name.toLowerCase();
		if (seen.has(lower)) {
			return refuse(`"headers" gives "${name}" twice (header names are the same in any case)`);
		}
		seen.add(lower);
		// Safe: "__proto__", the one name plain assignment mishandles, was refused above.
		// Defined, not assigned: a header named __proto__ must stay a header.
		Object.defineProperty(headers, name, {
			value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return found(headers);
}

/** A whole number, or its digits as text; `absent` where the field is empty. */
function readWholeNumber(
	record: Readonly<Record<string, unknown>>,
	field: string,
	absent: number,
	least: number,
	most = Number.MAX_SAFE_INTEGER,
): Field<number> {
	const value = fieldOf(record, field);
	if (value === undefined) return found(absent);
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^\s*\d+\s*$/.test(value)
				? Number(value)
				: Number.NaN;
	if (Number.isSafeInteger(number) && number >= least && number <= most) return found(number);
	const range = most === Number.MAX_SAFE_INTEGER ? `${least} or more` : `from ${least} to ${most}`;
	return refuse(`"${field}" must be a whole number ${range}; it is ${describeValue(value)}`);
}

/** A Date, or ISO 8601 text with its zone: a time without one is read differently by each host. */
function readDate(
	record: Readonly<Record<string, unknown>>,
	field: string,
): Field<Date | undefined> {
	const value = fieldOf(record, field);
	if (value === undefined) return found(undefined);
	const date =
		value instanceof Date
			? value
			: typeof value === 'string'
				? parseTimestamp(value.trim(), 'iso8601')
				: undefined;
	// A copy: the endpoint is read-only, the record's Date is not.
	if (date && Number.isFinite(date.getTime())) return found(new Date(date.getTime()));
	return refuse(
		`"${field}" must be a date and time with its zone (ISO 8601, like 2026-01-15T10:30:00Z); it is ${describeValue(value)}`,
	);
}

function parseJson(text: string): Result<{ readonly value: unknown }> {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false, reason: 'not_json', detail: 'not JSON' };
	}
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
	// By its tag, not its prototype: items can come from another realm (a
	// sandbox, structuredClone in tests), whose Object.prototype is not ours.
	return Object.prototype.toString.call(value) === '[object Object]';
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (value instanceof Date) return 'a date';
	const type = typeof value;
	return type === 'object' ? 'an object' : `a ${type}`;
}

/** A value as a refusal shows it: text quoted, a number as written, anything else by its kind. */
function describeValue(value: unknown): string {
	if (typeof value === 'string') return quoted(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return kindOf(value);
}

/** Quoted, with control characters escaped, and cut to 80 characters. */
function quoted(text: string): string {
	const characters = [...text];
	return JSON.stringify(characters.length > 80 ? `${characters.slice(0, 80).join('')}…` : text);
}
