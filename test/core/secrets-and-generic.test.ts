import {
	buildGenericScheme,
	describeHeaderProblem,
	describeSecretProblem,
	resolveKeys,
	sign,
	SigningError,
	STANDARD_WEBHOOKS,
	GITHUB,
	verify,
	type GenericHmacSettings,
} from '../../core';
import { decodeSecret } from '../../core/crypto/secrets';
import { parseTimestamp, formatTimestamp } from '../../core/crypto/encoding';
import { readHeader } from '../../core/http/headers';

describe('secrets', () => {
	it('reads each encoding as documented', () => {
		expect(decodeSecret('abc', 'text')).toBe('abc'); // node:crypto reads it as its UTF-8 bytes
		expect(decodeSecret('00ff', 'hex')).toEqual(Buffer.from([0, 255]));
		expect(decodeSecret('AP8=', 'base64')).toEqual(Buffer.from([0, 255]));
		// Standard Webhooks: prefix optional, the rest base64-decoded.
		expect(decodeSecret('whsec_AP8=', 'whsec')).toEqual(Buffer.from([0, 255]));
		expect(decodeSecret('AP8=', 'whsec')).toEqual(Buffer.from([0, 255]));
	});

	it('refuses what does not decode, instead of silently using other bytes', () => {
		expect(decodeSecret('0g', 'hex')).toBeUndefined();
		expect(decodeSecret('abc', 'hex')).toBeUndefined();
		expect(decodeSecret('not base64!', 'base64')).toBeUndefined();
		expect(decodeSecret('whsec_***', 'whsec')).toBeUndefined();
		expect(decodeSecret('', 'text')).toBeUndefined();
		expect(decodeSecret('whsec_', 'whsec')).toBeUndefined();
	});

	it('puts the primary first and skips empty entries', () => {
		const keys = resolveKeys({ primary: 'a', secondary: 'b' }, 'text');
		expect(keys.ok && keys.keys.map((k) => k.label)).toEqual(['primary', 'secondary']);
		const onlySecondary = resolveKeys({ primary: '', secondary: 'b' }, 'text');
		expect(onlySecondary.ok && onlySecondary.keys.map((k) => k.label)).toEqual(['secondary']);
	});

	it('the credential check names the problem, never the secret', () => {
		expect(describeSecretProblem('', 'text')).toBe('The secret is empty');
		expect(describeSecretProblem(undefined, 'text', 'secondary')).toBeUndefined();
		expect(describeSecretProblem(' s3cret-value', 'text')).toMatch(/whitespace/);
		expect(describeSecretProblem('s3cret-value\n', 'text')).toMatch(/whitespace/);
		expect(describeSecretProblem('s3cret-value', 'hex', 'secondary')).toBe(
			'The secondary secret is not valid hex',
		);
		expect(
			describeSecretProblem('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec'),
		).toBeUndefined();
		for (const message of [describeSecretProblem('s3cret-value', 'base64')]) {
			expect(message).not.toContain('s3cret');
		}
	});

	it('sign refuses to run without a secret, naming what is missing', () => {
		expect(() => sign(GITHUB, {}, 'x')).toThrow(
			new SigningError('No signing secret is configured'),
		);
		expect(() =>
			sign(STANDARD_WEBHOOKS, { primary: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, 'x', {
				id: 'msg_1',
			}),
		).toThrow(/need a timestamp/);
		expect(() =>
			sign(STANDARD_WEBHOOKS, { primary: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, 'x', {
				timestamp: new Date(),
			}),
		).toThrow(/need the id/);
	});
});

describe('timestamps', () => {
	it.each([
		['1700000000', 'unix-seconds', '2023-11-14T22:13:20.000Z'],
		['1700000000123', 'unix-ms', '2023-11-14T22:13:20.123Z'],
		['2024-01-15T10:30:00Z', 'iso8601', '2024-01-15T10:30:00.000Z'],
		['2024-01-15T12:30:00.5+02:00', 'iso8601', '2024-01-15T10:30:00.500Z'],
	] as const)('parses %s as %s', (text, format, iso) => {
		expect(parseTimestamp(text, format)?.toISOString()).toBe(iso);
	});

	it.each([
		['', 'unix-seconds'],
		['17e8', 'unix-seconds'],
		['-5', 'unix-seconds'],
		['1700000000.5', 'unix-seconds'],
		['2024-01-15', 'iso8601'],
		['2024-01-15T10:30:00', 'iso8601'],
		['2024-13-45T99:99:99Z', 'iso8601'],
		['99999999999999999', 'unix-ms'],
	] as const)('refuses %p as %s', (text, format) => {
		expect(parseTimestamp(text, format)).toBeUndefined();
	});

	it('formats for the wire', () => {
		const at = new Date('2023-11-14T22:13:20.999Z');
		expect(formatTimestamp(at, 'unix-seconds')).toBe('1700000000');
		expect(formatTimestamp(at, 'unix-ms')).toBe('1700000000999');
		expect(formatTimestamp(at, 'iso8601')).toBe('2023-11-14T22:13:20.999Z');
	});
});

describe('Generic HMAC settings', () => {
	const base: GenericHmacSettings = {
		signatureHeader: 'X-Signature',
		algorithm: 'sha256',
		digestEncoding: 'hex',
		prefix: '',
		signedContent: '{body}',
		secretEncoding: 'text',
	};

	it('builds the parts of a template, literals kept exactly', () => {
		const built = buildGenericScheme({
			...base,
			signedContent: 'v0:{timestamp}:{body}',
			timestampHeader: 'X-Ts',
		});
		expect(built.ok && built.scheme.signedContent).toEqual([
			{ kind: 'literal', text: 'v0:' },
			{ kind: 'timestamp' },
			{ kind: 'literal', text: ':' },
			{ kind: 'body' },
		]);
	});

	it.each([
		[{ signedContent: '{timestamp}' }, 'must contain {body} exactly once'],
		[{ signedContent: '{body}{body}' }, 'must contain {body} exactly once'],
		[{ signedContent: '{body}.{nonce}' }, 'unknown placeholder'],
		[{ signedContent: '{timestamp}.{body}' }, 'set the timestamp header name'],
		[{ signedContent: '{id}.{body}' }, 'set the id header name'],
		[{ signatureHeader: '  ' }, 'Set the signature header name'],
		[{ signatureHeader: 'X Signature' }, 'not a valid HTTP header name'],
		[{ timestampHeader: 'X-Ts\r\nInjected: 1' }, 'not a valid HTTP header name'],
		// Found by core.fuzz.test.ts: sign() wrote the timestamp and the signature
		// into one header, so every call was refused (duplicate_header, or
		// malformed_header where the names matched in case too).
		[
			{ signedContent: '{timestamp}.{body}', timestampHeader: 'x-signature' },
			'must be different headers',
		],
		[
			{ signedContent: '{id}.{timestamp}.{body}', timestampHeader: 'X-Ts', idHeader: 'X-TS' },
			'must be different headers',
		],
		[{ timestampHeader: 'X-Signature' }, 'must be different headers'],
	] as [Partial<GenericHmacSettings>, string][])('refuses %p', (settings, message) => {
		const built = buildGenericScheme({ ...base, ...settings });
		expect(built.ok).toBe(false);
		expect(!built.ok && built.detail).toContain(message);
	});

	it.each([
		['a CR', 'sha256=\r', 'a line break or control character (U+000D) at position 8'],
		['an LF', '\nsha256=', 'a line break or control character (U+000A) at position 1'],
		['a NUL', 'sha\u0000256=', 'a line break or control character (U+0000) at position 4'],
		[
			'a letter outside ASCII',
			'sé=',
			'"é" (U+00E9) at position 2, a character outside visible ASCII',
		],
	])(
		'refuses a Signature Prefix with %s, naming the character, before any call',
		(_name, prefix, fault) => {
			// Sent as it is, the prefix does not arrive as written: see the Send
			// Webhook test in test/nodes/send-webhook.headers.test.ts.
			const built = buildGenericScheme({ ...base, prefix });
			expect(built).toEqual({
				ok: false,
				reason: 'invalid_settings',
				detail: expect.stringMatching(
					/^Signature Prefix cannot be sent in the X-Signature header: it has /,
				),
			});
			const error = !built.ok ? built.detail : '';
			expect(error).toContain(fault);
			// eslint-disable-next-line no-control-regex
			expect(error).not.toMatch(/[\x00-\x1f\x7f]/);
		},
	);

	it.each([' sha256=', '\tsha256='])(
		'refuses a Signature Prefix %p that starts with whitespace, which HTTP drops',
		(prefix) => {
			expect(buildGenericScheme({ ...base, prefix })).toEqual({
				ok: false,
				reason: 'invalid_settings',
				detail:
					'Signature Prefix starts with a space or tab, which HTTP drops from the start of the X-Signature header: no header could arrive with it',
			});
		},
	);

	it.each(['sha256=', '', 'v1 '])('accepts the Signature Prefix %p as written', (prefix) => {
		const built = buildGenericScheme({ ...base, prefix });
		expect(built.ok && built.scheme.signatureFormat).toEqual({ style: 'plain', prefix });
	});
});

describe('header checks', () => {
	it('refuses CR/LF and bad names, accepts ordinary ones', () => {
		expect(describeHeaderProblem('Authorization', 'Bearer abc.def')).toBeUndefined();
		expect(describeHeaderProblem('X-Api-Key', 'k\r\nX-Evil: 1')).toMatch(/line break/);
		expect(describeHeaderProblem('X-Api-Key', 'k\n')).toMatch(/line break/);
		expect(describeHeaderProblem('X Api', 'v')).toMatch(/not a valid HTTP header name/);
		expect(describeHeaderProblem('X-Api:', 'v')).toMatch(/not a valid HTTP header name/);
	});

	it('an empty array under another spelling of the name does not hide the value', () => {
		// Found by core.fuzz.test.ts: the answer depended on the order of the keys.
		const value = { found: 'one', value: '0' };
		expect(
			readHeader({ 'Linear-Delivery': '0', 'Linear-DeliverY': [] }, 'linear-delivery'),
		).toEqual(value);
		expect(
			readHeader({ 'Linear-DeliverY': [], 'Linear-Delivery': '0' }, 'linear-delivery'),
		).toEqual(value);
		expect(readHeader({ 'x-a': [] }, 'x-a')).toEqual({ found: 'none' });
	});
});

describe('sign', () => {
	it('a header named __proto__ is a header like any other', () => {
		// Found by core.fuzz.test.ts: assigned on a plain object, the name set the
		// prototype instead, and sign() returned no signature header at all.
		const headers = sign(GITHUB, { primary: 'proto-secret' }, 'x', {
			signatureHeader: '__proto__',
		});
		expect(Object.keys(headers)).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
		expect(
			verify(GITHUB, { primary: 'proto-secret' }, Buffer.from('x'), headers, {
				signatureHeader: '__proto__',
			}).ok,
		).toBe(true);
	});
});
