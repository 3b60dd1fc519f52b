/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: its secrets are test values */
import {
	describeEventPatternProblem,
	endpointRecord,
	eventMatches,
	MAX_ENDPOINT_ID_LENGTH,
	readEndpoint,
	type EndpointResult,
} from '../../core';

const URL_TEXT = 'https://crm.example.com/hooks/in';
const base = { endpoint_id: 'ep_1', url: URL_TEXT, events: '*' };

function detailOf(result: EndpointResult): string {
	if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.endpoint)}`);
	expect(result.reason).toBe('invalid_endpoint');
	return result.detail;
}

function endpointOf(record: Record<string, unknown>) {
	const result = readEndpoint(record);
	if (!result.ok) throw new Error(`expected an endpoint, got: ${result.detail}`);
	return result.endpoint;
}

describe('readEndpoint: whole records', () => {
	it('reads a Data Table row, where lists and objects are JSON text', () => {
		const row = {
			id: 7,
			name: 'CRM',
			url: URL_TEXT,
			events: '["deal.created","deal.stage.*"]',
			active: true,
			headers: '{"X-Tenant":"acme"}',
			secret_version: 2,
			secret_rotated_at: '2026-01-15T10:30:00.000Z',
			consecutive_failures: 3,
			createdAt: '2026-01-01T00:00:00.000Z',
			updatedAt: '2026-01-15T10:30:00.000Z',
		};
		expect(readEndpoint(row)).toStrictEqual({
			ok: true,
			endpoint: {
				id: '7',
				name: 'CRM',
				url: URL_TEXT,
				events: ['deal.created', 'deal.stage.*'],
				active: true,
				headers: { 'X-Tenant': 'acme' },
				secretVersion: 2,
				secretRotatedAt: new Date('2026-01-15T10:30:00.000Z'),
				consecutiveFailures: 3,
			},
		});
	});

	it("reads ConnectGain's names and native lists and objects", () => {
		const record = {
			endpoint_id: 'cg:endpoint-42',
			url: 'http://localhost:5678/webhook/x',
			events: ['contact.updated'],
			is_active: 'false',
			headers: { Authorization: 'Bearer t0ken' },
			secret_version: '5',
			secret_rotated_at: new Date('2026-02-01T00:00:00Z'),
			secret: 'whsec_c2VjcmV0',
			consecutive_failures: '12',
		};
		expect(endpointOf(record)).toStrictEqual({
			id: 'cg:endpoint-42',
			name: '',
			url: 'http://localhost:5678/webhook/x',
			events: ['contact.updated'],
			active: false,
			headers: { Authorization: 'Bearer t0ken' },
			secretVersion: 5,
			secretRotatedAt: new Date('2026-02-01T00:00:00Z'),
			secret: 'whsec_c2VjcmV0',
			consecutiveFailures: 12,
		});
	});

	it('gives the defaults for a record of id, url and events only, and for empty cells', () => {
		const defaults = {
			id: 'ep_1',
			name: '',
			url: URL_TEXT,
			events: ['*'],
			active: true,
			headers: {},
			secretVersion: 1,
			consecutiveFailures: 0,
		};
		expect(endpointOf(base)).toStrictEqual(defaults);
		const empty = {
			...base,
			name: null,
			active: '',
			headers: null,
			secret_version: '',
			secret_rotated_at: null,
			secret: '',
			consecutive_failures: null,
		};
		expect(endpointOf(empty)).toStrictEqual(defaults);
		expect(endpointOf({ ...base, headers: '  ' }).headers).toEqual({});
	});

	it('copies what it keeps: the endpoint shares no Date with the record', () => {
		const rotated = new Date('2026-02-01T00:00:00Z');
		const endpoint = endpointOf({ ...base, secret_rotated_at: rotated });
		rotated.setTime(0);
		expect(endpoint.secretRotatedAt).toEqual(new Date('2026-02-01T00:00:00Z'));
	});

	it('refuses what is not a record', () => {
		for (const record of [null, [base], 'ep_1'])
			expect(detailOf(readEndpoint(record as never))).toMatch(/^An endpoint must be a record/);
	});

	it('names the endpoint in a refusal of any field but the id', () => {
		expect(detailOf(readEndpoint({ ...base, url: undefined }))).toBe(
			'Endpoint "ep_1": "url" is missing',
		);
	});
});

describe('readEndpoint: the id', () => {
	it('takes endpoint_id before a Data Table row id, and the row id where endpoint_id is empty', () => {
		expect(endpointOf({ ...base, id: 3 }).id).toBe('ep_1');
		expect(endpointOf({ ...base, endpoint_id: '', id: 3 }).id).toBe('3');
		expect(endpointOf({ ...base, endpoint_id: null, id: 0 }).id).toBe('0');
		expect(endpointOf({ ...base, endpoint_id: undefined, id: 'row-3' }).id).toBe('row-3');
	});

	it('accepts 1 to 200 letters, digits, _, - and :', () => {
		const longest = 'a'.repeat(MAX_ENDPOINT_ID_LENGTH);
		expect(endpointOf({ ...base, endpoint_id: longest }).id).toBe(longest);
		expect(endpointOf({ ...base, endpoint_id: 'A-z_0:9' }).id).toBe('A-z_0:9');
	});

	it.each([
		[{ endpoint_id: 42, id: 1 }, '"endpoint_id" must be text; it is a number'],
		[
			{ endpoint_id: 'a'.repeat(201) },
			'"endpoint_id" is 201 characters long; at most 200 are allowed',
		],
		[
			{ endpoint_id: 'ep 1' },
			'"endpoint_id" has " " (U+0020) at position 3; only letters, digits, "_", ":" and "-" are allowed',
		],
		[
			{ endpoint_id: 'ep.1' },
			/^"endpoint_id" has "\." \(U\+002E\) at position 3; only .* allowed$/,
		],
		[{ endpoint_id: undefined, id: 'a/b' }, /^"id" has "\/" \(U\+002F\) at position 2/],
		[
			{ endpoint_id: undefined, id: -1 },
			'"id" must be text or a whole number, 0 or more; it is -1',
		],
		[
			{ endpoint_id: undefined, id: 1.5 },
			'"id" must be text or a whole number, 0 or more; it is 1.5',
		],
		[
			{ endpoint_id: undefined, id: true },
			'"id" must be text or a whole number, 0 or more; it is true',
		],
		[{ endpoint_id: undefined }, 'The endpoint has no id: give it an "endpoint_id" (or "id")'],
		[{ endpoint_id: '', id: '' }, 'The endpoint has no id: give it an "endpoint_id" (or "id")'],
	])('refuses %j', (fields, detail) => {
		expect(detailOf(readEndpoint({ ...base, ...fields }))).toMatch(
			typeof detail === 'string' ? new RegExp(`^${escape(detail)}$`) : detail,
		);
	});
});

describe('readEndpoint: the URL', () => {
	it('keeps an absolute http: or https: URL as the parser writes it, the one sent', () => {
		expect(endpointOf({ ...base, url: ` ${URL_TEXT}?a=1 ` }).url).toBe(`${URL_TEXT}?a=1`);
		expect(endpointOf({ ...base, url: 'HTTPS://Example.COM' }).url).toBe('https://example.com/');
		expect(endpointOf({ ...base, url: 'http://h.example/a b' }).url).toBe('http://h.example/a%20b');
	});

	it.each([
		[undefined, '"url" is missing'],
		['', '"url" is missing'],
		[42, '"url" must be text; it is a number'],
		[
			'crm.example.com/hooks',
			'"url" "crm.example.com/hooks" is not an absolute URL (like https://example.com/hooks)',
		],
		['ftp://example.com/x', '"url" is a ftp: URL; only http: and https: URLs can be called'],
		['javascript:alert(1)', '"url" is a javascript: URL; only http: and https: URLs can be called'],
	])('refuses %j', (url, detail) => {
		expect(detailOf(readEndpoint({ ...base, url }))).toBe(`Endpoint "ep_1": ${detail}`);
	});

	it('shows at most 80 characters of a URL it cannot read, control characters escaped', () => {
		const detail = detailOf(readEndpoint({ ...base, url: `not a url\n${'x'.repeat(200)}` }));
		expect(detail).toBe(
			`Endpoint "ep_1": "url" "not a url\\n${'x'.repeat(70)}…" is not an absolute URL (like https://example.com/hooks)`,
		);
	});
});

describe('readEndpoint: events', () => {
	it.each([
		[
			['deal.created', 'deal.*'],
			['deal.created', 'deal.*'],
		],
		['["deal.created", "deal.*"]', ['deal.created', 'deal.*']],
		[' [ "*" ] ', ['*']],
		['deal.created,deal.*', ['deal.created', 'deal.*']],
		['deal.created, deal.*', ['deal.created', 'deal.*']],
		['deal.created deal.*\ncontact.merged', ['deal.created', 'deal.*', 'contact.merged']],
		[',deal.created,, deal.*,', ['deal.created', 'deal.*']],
		['*', ['*']],
	])('reads %j', (events, expected) => {
		expect(endpointOf({ ...base, events }).events).toEqual(expected);
	});

	const none = '"events" is empty: the endpoint subscribes to no events; use * for every event';
	it.each([
		[undefined, none],
		['', none],
		['  ', none],
		[' , ,', none],
		['[]', none],
		[[], none],
		['[deal.created]', '"events" starts with "[" but is not a JSON list'],
		[
			'{"a":1}',
			'"events": "{\\"a\\":1}" has "{" (U+007B); events are letters, digits, "_" and "-", in segments separated by "."',
		],
		[
			{ deal: true },
			'"events" must be a list of event names, its JSON text, or names separated by commas; it is an object',
		],
		[
			'{}',
			'"events": "{}" has "{" (U+007B); events are letters, digits, "_" and "-", in segments separated by "."',
		],
		[42, /^"events" must be a list .*; it is a number$/],
		['["a", 1]', '"events" item 2 is a number; each must be an event name'],
		[['a', null], '"events" item 2 is null; each must be an event name'],
		[
			'deal..created',
			'"events": "deal..created" has an empty segment (a "." at an end, or two in a row)',
		],
		[['deal.created', ' deal.*'], /^"events": " deal\.\*" has " " \(U\+0020\)/],
	])('refuses %j', (events, detail) => {
		const got = detailOf(readEndpoint({ ...base, events }));
		if (typeof detail === 'string') expect(got).toBe(`Endpoint "ep_1": ${detail}`);
		else expect(got.replace(/^Endpoint "ep_1": /, '')).toMatch(detail);
	});

	it('allows at most 100 patterns', () => {
		const patterns = Array.from({ length: 100 }, (_, i) => `event.${i}`);
		expect(endpointOf({ ...base, events: patterns }).events).toHaveLength(100);
		expect(detailOf(readEndpoint({ ...base, events: [...patterns, 'one.more'] }))).toBe(
			'Endpoint "ep_1": "events" has 101 patterns; at most 100 are allowed',
		);
		expect(detailOf(readEndpoint({ ...base, events: JSON.stringify([...patterns, 'x']) }))).toMatch(
			/101 patterns/,
		);
	});
});

describe('describeEventPatternProblem', () => {
	it.each(['*', 'deal', 'deal.created', 'deal.*', 'deal.stage.*', 'A-b_9.X', 'v1.deal-created'])(
		'accepts %j',
		(pattern) => {
			expect(describeEventPatternProblem(pattern)).toBeUndefined();
		},
	);

	it.each([
		['', 'is empty'],
		['.deal', 'has an empty segment (a "." at an end, or two in a row)'],
		['deal.', 'has an empty segment (a "." at an end, or two in a row)'],
		['.*', 'has an empty segment (a "." at an end, or two in a row)'],
		['*.created', 'has "*" before its last segment; only the last may be "*" (deal.*)'],
		['deal.*.changed', 'has "*" before its last segment; only the last may be "*" (deal.*)'],
		['deal*', 'has "*" inside a segment; "*" must be a whole segment (deal.*)'],
		['deal.cre*', 'has "*" inside a segment; "*" must be a whole segment (deal.*)'],
		['**', 'has "*" inside a segment; "*" must be a whole segment (deal.*)'],
		[
			'deal created',
			'has " " (U+0020); events are letters, digits, "_" and "-", in segments separated by "."',
		],
		['deal/created', /^has "\/" \(U\+002F\);/],
		['déal', /^has "é" \(U\+00E9\);/],
		['deal\u0000', /^has U\+0000;/],
	])('refuses %j', (pattern, problem) => {
		expect(describeEventPatternProblem(pattern)).toMatch(
			typeof problem === 'string' ? new RegExp(`^${escape(problem)}$`) : problem,
		);
	});
});

describe('eventMatches', () => {
	it.each([
		[['*'], 'deal.created', true],
		[['*'], 'anything', true],
		[['deal.created'], 'deal.created', true],
		[['deal.created'], 'deal.created.late', false],
		[['deal.created'], 'Deal.created', false],
		[['deal.created'], 'deal.Created', false],
		[['deal.*'], 'deal.created', true],
		[['deal.*'], 'deal.stage.changed', true],
		[['deal.*'], 'deal', false],
		[['deal.*'], 'deal.', false],
		[['deal.*'], 'dealer.created', false],
		[['deal.*'], 'Deal.created', false],
		[['deal.stage.*'], 'deal.stage.changed', true],
		[['deal.stage.*'], 'deal.created', false],
		[['deal'], 'deal.created', false],
		[[], 'deal.created', false],
		[['contact.merged', 'deal.*'], 'deal.won', true],
		[['contact.merged', 'deal.*'], 'contact.created', false],
	])('%j takes %j: %p', (patterns, event, expected) => {
		expect(eventMatches(patterns, event)).toBe(expected);
	});
});

describe('readEndpoint: active', () => {
	it.each([
		[{}, true],
		[{ active: true }, true],
		[{ active: false }, false],
		[{ active: 'true' }, true],
		[{ active: 'FALSE' }, false],
		[{ active: ' False ' }, false],
		[{ active: '1' }, true],
		[{ active: '0' }, false],
		[{ active: 1 }, true],
		[{ active: 0 }, false],
		[{ is_active: false }, false],
		[{ is_active: 'true' }, true],
		[{ is_active: 0 }, false],
		[{ active: true, is_active: false }, true],
		[{ active: '', is_active: false }, false],
		[{ active: null, is_active: 'false' }, false],
	])('%j is %p', (fields, active) => {
		expect(endpointOf({ ...base, ...fields }).active).toBe(active);
	});

	it.each([
		[{ active: 'yes' }, '"active" must be true or false (or "true"/"false", 1/0); it is "yes"'],
		[{ active: 2 }, '"active" must be true or false (or "true"/"false", 1/0); it is 2'],
		[{ is_active: [] }, '"is_active" must be true or false (or "true"/"false", 1/0); it is a list'],
	])('refuses %j', (fields, detail) => {
		expect(detailOf(readEndpoint({ ...base, ...fields }))).toBe(`Endpoint "ep_1": ${detail}`);
	});
});

describe('readEndpoint: headers', () => {
	it('reads an object of text values, or its JSON text', () => {
		const headers = { 'X-Tenant': 'acme', Authorization: 'Bearer abc' };
		expect(endpointOf({ ...base, headers }).headers).toEqual(headers);
		expect(endpointOf({ ...base, headers: JSON.stringify(headers) }).headers).toEqual(headers);
		expect(endpointOf({ ...base, headers: '{}' }).headers).toEqual({});
	});

	it.each([
		[
			'[1]',
			'"headers" must be an object of header names and text values, or its JSON text; it is a list',
		],
		[
			'null',
			'"headers" must be an object of header names and text values, or its JSON text; it is null',
		],
		['X-Tenant: acme', '"headers" is text but not JSON: give an object like {"X-Tenant":"acme"}'],
		[
			42,
			'"headers" must be an object of header names and text values, or its JSON text; it is a number',
		],
		[
			new Date(0),
			'"headers" must be an object of header names and text values, or its JSON text; it is a date',
		],
		[{ 'X-Count': 3 }, '"headers": header "X-Count" must have a text value; it is a number'],
		[
			'{"Bad Name":"x"}',
			'"headers": Header name "Bad Name" is not a valid HTTP header name (letters, digits and - only; no spaces, colons or line breaks)',
		],
		[
			'{"__proto__":"x"}',
			`"headers": A header cannot be named "__proto__": n8n's HTTP client (axios) uses that name for itself and would drop the header without a word`,
		],
		[{ common: 'x' }, /^"headers": A header cannot be named "common"/],
		[
			{ 'X-A': '1', 'x-a': '2' },
			'"headers" gives "x-a" twice (header names are the same in any case)',
		],
	])('refuses %j', (headers, detail) => {
		const got = detailOf(readEndpoint({ ...base, headers }));
		if (typeof detail === 'string') expect(got).toBe(`Endpoint "ep_1": ${detail}`);
		else expect(got.replace(/^Endpoint "ep_1": /, '')).toMatch(detail);
	});

	it('refuses a value that would not travel intact, without showing it', () => {
		for (const value of ['Bearer abc\r\nX-Injected: 1', 'Bearer ключ']) {
			const detail = detailOf(readEndpoint({ ...base, headers: { Authorization: value } }));
			expect(detail).toMatch(
				/^Endpoint "ep_1": "headers": Header "Authorization" has a value with/,
			);
			expect(detail).not.toContain('Bearer');
		}
	});
});

describe('readEndpoint: secret version, rotation time, secret, failures', () => {
	it.each([
		[1, 1],
		['3', 3],
		[' 4 ', 4],
		['007', 7],
		[1_000_000, 1_000_000],
	])('secret_version %j is %p', (secret_version, version) => {
		expect(endpointOf({ ...base, secret_version }).secretVersion).toBe(version);
	});

	it.each([0, -1, 1.5, '1.5', '1e3', 'two', 1_000_001, '99999999999999999999', true])(
		'refuses secret_version %j',
		(secret_version) => {
			expect(detailOf(readEndpoint({ ...base, secret_version }))).toMatch(
				/^Endpoint "ep_1": "secret_version" must be a whole number from 1 to 1000000; it is /,
			);
		},
	);

	it('reads secret_rotated_at as ISO 8601 text with its zone, or a Date', () => {
		const at = new Date('2026-01-15T10:30:00Z');
		for (const value of [
			'2026-01-15T10:30:00Z',
			'2026-01-15T10:30:00.000Z',
			'2026-01-15T12:30:00+02:00',
			at,
		])
			expect(endpointOf({ ...base, secret_rotated_at: value }).secretRotatedAt).toEqual(at);
	});

	it.each([
		['2026-01-15', '"2026-01-15"'],
		['2026-01-15T10:30:00', '"2026-01-15T10:30:00"'],
		['yesterday', '"yesterday"'],
		[1768473000000, '1768473000000'],
		[new Date(Number.NaN), 'a date'],
	])('refuses secret_rotated_at %j', (value, shown) => {
		expect(detailOf(readEndpoint({ ...base, secret_rotated_at: value }))).toBe(
			`Endpoint "ep_1": "secret_rotated_at" must be a date and time with its zone (ISO 8601, like 2026-01-15T10:30:00Z); it is ${shown}`,
		);
	});

	it('reads consecutive_failures as a whole number, 0 or more', () => {
		expect(endpointOf({ ...base, consecutive_failures: 0 }).consecutiveFailures).toBe(0);
		expect(endpointOf({ ...base, consecutive_failures: '17' }).consecutiveFailures).toBe(17);
		for (const value of [-1, 0.5, '-1', 'many'])
			expect(detailOf(readEndpoint({ ...base, consecutive_failures: value }))).toMatch(
				/^Endpoint "ep_1": "consecutive_failures" must be a whole number 0 or more; it is /,
			);
	});

	it('keeps a secret as it is, and never shows one in a refusal', () => {
		const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		expect(endpointOf({ ...base, secret }).secret).toBe(secret);
		expect(detailOf(readEndpoint({ ...base, secret: 123456789 }))).toBe(
			'Endpoint "ep_1": "secret" must be text; it is a number',
		);
		const broken = [
			{ url: 'nope' },
			{ events: '' },
			{ active: 'maybe' },
			{ headers: '{' },
			{ secret_version: 'x' },
			{ secret_rotated_at: 'x' },
			{ consecutive_failures: 'x' },
		];
		for (const fields of broken) {
			const detail = detailOf(readEndpoint({ ...base, secret, ...fields }));
			expect(detail).not.toContain(secret);
			expect(detail).not.toContain('MfKQ9r8');
		}
	});

	it('refuses a name that is not text', () => {
		expect(detailOf(readEndpoint({ ...base, name: ['CRM'] }))).toBe(
			'Endpoint "ep_1": "name" must be text; it is a list',
		);
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('endpointRecord: what a retry carries back', () => {
	it.each([
		{ ...base },
		{
			endpoint_id: 'ep_full',
			name: 'CRM',
			url: URL_TEXT,
			events: '["deal.*", "contact.created"]',
			active: false,
			headers: '{"X-Tenant":"acme"}',
			secret_version: 3,
			secret_rotated_at: '2026-12-01T09:30:00.000Z',
			consecutive_failures: 4,
		},
	])('reads back as the same endpoint (%#), and never carries a secret', (record) => {
		const endpoint = endpointOf({ ...record, secret: 'a kept secret' });
		const carried = JSON.parse(JSON.stringify(endpointRecord(endpoint))) as Record<string, unknown>;
		expect(carried).not.toHaveProperty('secret');
		expect(endpointOf(carried)).toEqual({ ...endpoint, secret: undefined });
	});
});
