/**
 * verify() and receive() against hostile input (the hardening issue's
 * "never throws" properties). fast-check draws a scheme (every built-in one,
 * Generic HMAC in any configuration the builder accepts, and hand-written
 * definitions in shapes neither produces), a secret set (valid, invalid,
 * empty, with and without an encoding override), a body (random bytes, JSON,
 * unicode, a view into a larger buffer) and a header bag (names in any case,
 * duplicates, values that are strings, arrays, undefined, empty, very long,
 * unicode, CR/LF, and values that look almost like a signature), and a clock
 * and tolerance (Invalid Date, NaN, negative, infinite).
 *
 * For every draw: an answer, never a throw; a reason code from the list;
 * nothing accepted that was not signed; and a verifier_error only where the
 * configuration, not the caller, is at fault.
 */
import fc from 'fast-check';

import {
	DEFAULT_REJECTION_STATUS,
	DEFAULT_TOLERANCE_SECONDS,
	receive,
	REJECTION_REASONS,
	ReplayMemory,
	sign,
	signsTimestamp,
	verify,
	type HeaderBag,
	type HeaderValue,
	type ReceiveResult,
	type HmacScheme,
	type SecretSet,
	type VerifyOptions,
	type VerifyResult,
} from '../../core';
import { readHeader } from '../../core/http/headers';
import { HMAC_HEADER_SCHEMES } from '../helpers/schemes';
import { fuzzRuns, fuzzTimeout } from '../helpers/fuzz';
import {
	anyDate,
	anySecretSet,
	anyTolerance,
	genericScheme,
	handBuiltScheme,
	headerBag,
	headerName,
	headerValue,
	hostileBody,
	sameHmacKey,
	signedCase,
	timestampText,
	validSecret,
} from './fuzz-arbitraries';
import { reasonOf } from '../helpers/results';

const anyScheme: fc.Arbitrary<HmacScheme> = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...HMAC_HEADER_SCHEMES) },
	{ weight: 2, arbitrary: genericScheme },
	{ weight: 1, arbitrary: handBuiltScheme },
);

/**
 * The scheme's own headers, each present or not, in any case, sometimes twice
 * (two keys differing in case): random names alone would rarely hit them, and
 * then verify() would never get past "missing header".
 */
function ownHeaders(scheme: HmacScheme, signatureHeader?: string): fc.Arbitrary<HeaderBag> {
	const names = [
		signatureHeader ?? scheme.signatureHeader,
		scheme.idHeader,
		scheme.timestamp?.in === 'header' ? scheme.timestamp.header : undefined,
	].filter((name): name is string => name !== undefined);
	const entry = (name: string, value: fc.Arbitrary<HeaderValue>) =>
		fc.array(fc.tuple(fc.mixedCase(fc.constant(name)), value), { minLength: 0, maxLength: 2 });
	return fc
		.tuple(
			...names.map((name, index) =>
				// The timestamp header (last when present) mostly gets timestamp-like text.
				entry(name, index === 2 ? fc.oneof(timestampText, headerValue) : headerValue),
			),
		)
		.map((entries) => Object.fromEntries(entries.flat()));
}

const verifyOptions: fc.Arbitrary<VerifyOptions> = fc.record(
	{
		now: anyDate,
		toleranceSeconds: anyTolerance,
		signatureHeader: headerName,
		method: fc.string({ unit: 'binary', maxLength: 10 }),
		url: fc.string({ unit: 'binary', maxLength: 40 }),
	},
	{ requiredKeys: [] },
);

interface HostileCall {
	readonly scheme: HmacScheme;
	readonly secrets: SecretSet;
	readonly body: Uint8Array;
	readonly headers: HeaderBag;
	readonly options: VerifyOptions;
}

const hostileCall: fc.Arbitrary<HostileCall> = fc
	.tuple(anyScheme, verifyOptions)
	.chain(([scheme, options]) =>
		fc.record({
			scheme: fc.constant(scheme),
			// Often a secret that is valid for the scheme, so the checks after
			// the secret's are reached.
			secrets: fc.oneof(
				anySecretSet,
				validSecret(scheme.secretEncoding).map((primary): SecretSet => ({ primary })),
			),
			body: hostileBody,
			headers: fc
				.tuple(headerBag, ownHeaders(scheme, options.signatureHeader))
				.map(([other, own]) => ({ ...other, ...own })),
			options: fc.constant(options),
		}),
	);

/** The window verify() would enforce, per its documented defaults. */
function effectiveTolerance(scheme: HmacScheme, options: VerifyOptions): number {
	return options.toleranceSeconds === undefined
		? (scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)
		: (options.toleranceSeconds ?? 0);
}

function toleranceIsValid(tolerance: number): boolean {
	return Number.isFinite(tolerance) && tolerance >= 0;
}

/** No secret at all: the one configuration where the answer is known before anything is read. */
function hasNoSecret(secrets: SecretSet): boolean {
	return [secrets.primary, secrets.secondary].every((value) => value === undefined || value === '');
}

/** What every rejection of an unsigned call must look like. */
function expectRejected(result: VerifyResult, scheme: HmacScheme, options: VerifyOptions) {
	expect(result.ok).toBe(false);
	expect(REJECTION_REASONS).toContain(reasonOf(result));
	expect(typeof result.detail).toBe('string');
	expect(result.detail.length).toBeGreaterThan(0);
	if (reasonOf(result) === 'verifier_error') {
		// A verifier_error blames the configuration. With hostile calls and a
		// well-formed scheme, the only configuration at fault is the tolerance;
		// anything else would be a defect caught by verify()'s last-resort catch.
		expect(toleranceIsValid(effectiveTolerance(scheme, options))).toBe(false);
	}
}

/** How many runs: quick for npm test, long for npm run fuzz. */
const VERIFY_RUNS = fuzzRuns(2_000, 100_000);
const RUNS = fuzzRuns(400, 20_000);
const TIMEOUT = fuzzTimeout(20_000, 900_000);

describe('verify() on hostile input', () => {
	it(
		`answers every call with a known reason and accepts none (${VERIFY_RUNS} calls)`,
		() => {
			fc.assert(
				fc.property(hostileCall, ({ scheme, secrets, body, headers, options }) => {
					const result = verify(scheme, secrets, body, headers, options);
					expectRejected(result, scheme, options);
					if (hasNoSecret(secrets)) expect(reasonOf(result)).toBe('no_secret');
				}),
				{ numRuns: VERIFY_RUNS },
			);
		},
		TIMEOUT,
	);

	it(
		`refuses a well-formed call signed with another secret as signature_mismatch, echoing neither secret nor signature (${RUNS} calls)`,
		() => {
			fc.assert(
				fc.property(
					signedCase,
					headerBag,
					fc.integer({ min: -600_000, max: 600_000 }),
					(call, noise, skewMs) => {
						const { scheme, encoding, override, primary: forger, secondary: ours } = call;
						fc.pre(!sameHmacKey(scheme.algorithm, encoding, forger, ours));
						const forged = sign(scheme, { primary: forger, encoding: override }, call.body, {
							timestamp: call.at,
							id: call.id,
							method: call.method,
							url: call.url,
							signatureHeader: call.signatureHeader,
						});
						const options = {
							now: new Date(call.at.getTime() + skewMs),
							method: call.method,
							url: call.url,
							signatureHeader: call.signatureHeader,
						};
						// Unrelated headers around it change nothing; the signed ones win.
						const headers = { ...stripNames(noise, forged), ...forged };
						const result = verify(
							scheme,
							{ primary: ours, encoding: override },
							call.body,
							headers,
							options,
						);
						// The window is checked before the signature: a forgery whose signed
						// time is outside it is refused as stale, any other as a mismatch.
						// Within a second or two of the edge, the timestamp's own precision
						// (whole seconds for most schemes) decides.
						const windowMs = signsTimestamp(scheme) ? effectiveTolerance(scheme, {}) * 1000 : 0;
						const stale = skewMs > 0 ? 'timestamp_too_old' : 'timestamp_too_new';
						const expected =
							windowMs === 0 || Math.abs(skewMs) < windowMs - 2000
								? ['signature_mismatch']
								: Math.abs(skewMs) > windowMs + 2000
									? [stale]
									: ['signature_mismatch', stale];
						expect(result.ok).toBe(false);
						expect(expected).toContain(reasonOf(result));
						for (const value of [forger, ours, ...Object.values(forged)]) {
							if (value.length >= 16) expect(result.detail).not.toContain(value);
						}
					},
				),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT,
	);
});

/** `bag` without any key that names one of `signed`'s headers, in any case. */
function stripNames(bag: HeaderBag, signed: Record<string, string>): HeaderBag {
	const names = new Set(Object.keys(signed).map((name) => name.toLowerCase()));
	return Object.fromEntries(Object.entries(bag).filter(([name]) => !names.has(name.toLowerCase())));
}

describe('receive() on hostile input', () => {
	const CONFIGURATION_REASONS = [
		'no_secret',
		'invalid_secret',
		'missing_request_context',
		'verifier_error',
	];

	it(
		`answers every call with a reason and the status that goes with it, and remembers nothing (${RUNS} calls)`,
		async () => {
			await fc.assert(
				fc.asyncProperty(
					hostileCall,
					fc.record({
						bodyReadable: fc.boolean(),
						contentType: fc.option(
							fc.constantFrom(
								'application/json',
								'multipart/form-data; boundary=x',
								' MULTIPART/mixed',
								'',
							),
							{ nil: undefined },
						),
						contentEncoding: fc.option(
							fc.oneof(
								fc.constantFrom('gzip', 'identity', ' IDENTITY ', '', 'br'),
								fc.array(fc.constantFrom('identity', 'gzip'), { maxLength: 2 }),
							),
							{ nil: undefined },
						),
						now: anyDate,
						toleranceSeconds: fc.oneof(fc.double(), fc.integer({ min: -10, max: 100_000 })),
						guard: fc.boolean(),
						rejectionStatus: fc.oneof(
							fc.constant(DEFAULT_REJECTION_STATUS),
							fc.constant(403),
							fc.integer(),
						),
					}),
					async (call, extra) => {
						const memory = extra.guard ? new ReplayMemory() : undefined;
						const headers: HeaderBag = {
							...call.headers,
							...(extra.contentType === undefined ? {} : { 'content-type': extra.contentType }),
							...(extra.contentEncoding === undefined
								? {}
								: { 'Content-Encoding': extra.contentEncoding }),
						};
						const result: ReceiveResult = await receive(
							call.scheme,
							call.secrets,
							{
								body: extra.bodyReadable ? call.body : undefined,
								headers,
								method: call.options.method,
								url: call.options.url,
							},
							{
								now: extra.now,
								toleranceSeconds: extra.toleranceSeconds,
								signatureHeader: call.options.signatureHeader,
								replay: memory && { store: memory, rememberSeconds: 300, duplicateStatus: 200 },
							},
							extra.rejectionStatus,
						);
						if (result.ok) throw new Error('accepted a call nobody signed');
						expect([...REJECTION_REASONS, 'unsupported_body']).toContain(result.reason);
						expect(result.detail.length).toBeGreaterThan(0);
						const expectedStatus =
							result.reason === 'unsupported_body'
								? 415
								: CONFIGURATION_REASONS.includes(result.reason)
									? 500
									: extra.rejectionStatus;
						expect(result.status).toBe(expectedStatus);
						if (!extra.bodyReadable) expect(result.reason).toBe('unsupported_body');
						// Only verified calls are remembered: a forger cannot fill the memory.
						expect(memory?.size ?? 0).toBe(0);
					},
				),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT,
	);
});

describe('readHeader()', () => {
	/** Every value sent under `name`, in any case: what the lookup is meant to count. */
	function valuesOf(bag: HeaderBag, name: string): string[] {
		return Object.entries(bag)
			.filter(([key]) => key.length === name.length && key.toLowerCase() === name.toLowerCase())
			.flatMap(([, value]) =>
				value === undefined ? [] : typeof value === 'string' ? [value] : [...value],
			);
	}

	it(
		`finds a header by its values, whatever order the keys come in (${RUNS} bags)`,
		() => {
			fc.assert(
				fc.property(headerBag, headerName, fc.boolean(), (bag, name, reverse) => {
					const entries = Object.entries(bag);
					const reordered = Object.fromEntries(reverse ? entries.reverse() : entries);
					const values = valuesOf(bag, name);
					const expected =
						values.length === 0
							? { found: 'none' }
							: values.length === 1
								? { found: 'one', value: values[0] }
								: { found: 'many' };
					expect(readHeader(bag, name)).toEqual(expected);
					expect(readHeader(reordered, name)).toEqual(expected);
				}),
				{ numRuns: RUNS },
			);
		},
		TIMEOUT,
	);
});
