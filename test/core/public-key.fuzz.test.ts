/**
 * The public-key schemes under the same properties as the HMAC ones
 * (core.fuzz and tamper.fuzz), since those suites draw HMAC schemes only:
 *
 * - hostile calls: whatever the headers, body, clock and key text (every
 *   form a key is read in, the other algorithm's keys, private keys pasted as
 *   public ones, random text), verify() answers with a known reason, never
 *   throws and accepts nothing; invalid_key comes only from a key that cannot
 *   be read as the scheme's public key;
 * - sign → verify: what is signed verifies, with the key in any form and in
 *   either rotation slot, and one changed byte of the body, the signed
 *   timestamp, the id or the signature is refused, except the edits that
 *   only re-spell the same signature (harmlessEdit, shared with tamper.fuzz);
 * - ECDSA malleability: anyone can turn a valid SendGrid signature into a
 *   second valid one (s into n - s); with replay protection on, the copy is
 *   still refused, because a call is named by what is signed.
 *
 * fast-check prints the seed and path of a failure, so a run can be replayed.
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';

import fc from 'fast-check';

import {
	DISCORD,
	receive,
	REJECTION_REASONS,
	SENDGRID,
	sign,
	STANDARD_WEBHOOKS_V1A,
	verify,
	type HeaderBag,
	type HeaderValue,
	type PublicKeyScheme,
	type SecretSet,
	type VerifyOptions,
} from '../../core';
import { readKey } from '../../core/crypto/keys';
import { PUBLIC_KEY_SCHEMES } from '../helpers/schemes';
import { fuzzRuns, fuzzTimeout, LONG_FUZZ } from '../helpers/fuzz';
import { processed, replayOptions } from '../helpers/replay';
import {
	anyDate,
	anyTolerance,
	digestStart,
	harmlessEdit,
	headerBag,
	headerValue,
	hostileBody,
	replaceAt,
} from './fuzz-arbitraries';

const RUNS = fuzzRuns(300, 20_000);
const ROUND_TRIP_RUNS = fuzzRuns(60, 5_000);
const TIMEOUT = fuzzTimeout(30_000, 900_000);

/** A pair per algorithm, and every text form its public key is accepted in. */
function ed25519Forms() {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
	const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
	return {
		privateKey,
		publicForms: [
			raw.toString('hex'),
			raw.toString('hex').toUpperCase(),
			raw.toString('base64'),
			`whpk_${raw.toString('base64')}`,
			publicKey.export({ format: 'pem', type: 'spki' }).toString(),
			publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
		],
		privateForms: [
			`whsk_${seed.toString('base64')}`,
			privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
			seed.toString('hex'),
		],
	};
}

function p256Forms() {
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	return {
		privateKey,
		publicForms: [
			publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
			publicKey.export({ format: 'pem', type: 'spki' }).toString(),
		],
		privateForms: [privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
	};
}

const ED = ed25519Forms();
const ED_OTHER = ed25519Forms();
const P256 = p256Forms();
const P256_OTHER = p256Forms();

const keysOf = (scheme: PublicKeyScheme) =>
	scheme.algorithm === 'ed25519' ? [ED, ED_OTHER] : [P256, P256_OTHER];

/** Key text of every kind: right and wrong algorithm, public and private, junk. */
const anyKeyText: fc.Arbitrary<string | undefined> = fc.oneof(
	fc.constantFrom(
		...ED.publicForms,
		...P256.publicForms,
		...ED.privateForms,
		...P256.privateForms,
		'',
		'whpk_',
		'-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
	),
	fc.constant(undefined),
	fc.string({ maxLength: 120 }),
	fc.uint8Array({ minLength: 0, maxLength: 70 }).map((bytes) => Buffer.from(bytes).toString('hex')),
	fc
		.uint8Array({ minLength: 0, maxLength: 100 })
		.map((bytes) => Buffer.from(bytes).toString('base64')),
);

const anyKeySet: fc.Arbitrary<SecretSet> = fc.record(
	{ primary: anyKeyText, secondary: anyKeyText },
	{ requiredKeys: [] },
);

/** Whether verify() could use the set: each key present reads as the scheme's public key. */
function keySetReads(scheme: PublicKeyScheme, secrets: SecretSet): boolean {
	const present = [secrets.primary, secrets.secondary].filter(
		(text): text is string => typeof text === 'string' && text.trim() !== '',
	);
	return (
		present.length > 0 && present.every((text) => readKey(text, scheme.algorithm, 'public').ok)
	);
}

/** Values that look almost like a signature of the scheme's encoding and length. */
function nearSignature(scheme: PublicKeyScheme): fc.Arbitrary<string> {
	const bytes = fc.uint8Array({ minLength: 0, maxLength: 80 }).map((array) => Buffer.from(array));
	const encoded = bytes.map((buffer) => buffer.toString(scheme.signatureEncoding));
	if (scheme.signatureFormat.style === 'versioned-list') {
		return fc
			.array(
				fc.tuple(fc.constantFrom('v1a', 'v1', 'v2', ''), encoded).map(([v, s]) => `${v},${s}`),
				{
					minLength: 0,
					maxLength: 25,
				},
			)
			.map((entries) => entries.join(' '));
	}
	return encoded;
}

function ownHeaders(scheme: PublicKeyScheme): fc.Arbitrary<HeaderBag> {
	const timestampHeader = scheme.timestamp?.in === 'header' ? scheme.timestamp.header : undefined;
	const entries: Array<fc.Arbitrary<Array<[string, HeaderValue]>>> = [
		fc.array(
			fc.tuple(
				fc.mixedCase(fc.constant(scheme.signatureHeader)),
				fc.oneof(nearSignature(scheme), headerValue),
			),
			{ maxLength: 2 },
		),
	];
	if (timestampHeader) {
		entries.push(
			fc.array(
				fc.tuple(
					fc.mixedCase(fc.constant(timestampHeader)),
					fc.oneof(fc.integer({ min: -1e10, max: 1e11 }).map(String), headerValue),
				),
				{ maxLength: 2 },
			),
		);
	}
	if (scheme.idHeader) {
		entries.push(
			fc.array(fc.tuple(fc.mixedCase(fc.constant(scheme.idHeader)), headerValue), {
				maxLength: 2,
			}),
		);
	}
	return fc.tuple(...entries).map((lists) => Object.fromEntries(lists.flat()) as HeaderBag);
}

const anyPublicKeyScheme = fc.constantFrom(...PUBLIC_KEY_SCHEMES);

describe('public-key verify() on hostile input', () => {
	it(
		`answers every call with a known reason and accepts none (${RUNS} calls)`,
		() => {
			const seen = new Set<string>();
			fc.assert(
				fc.property(
					anyPublicKeyScheme.chain((scheme) =>
						fc.record({
							scheme: fc.constant(scheme),
							secrets: fc.oneof(
								anyKeySet,
								fc
									.constantFrom(...keysOf(scheme)[0].publicForms)
									.map((primary): SecretSet => ({ primary })),
							),
							body: hostileBody,
							headers: fc
								.tuple(headerBag, ownHeaders(scheme))
								.map(([other, own]) => ({ ...other, ...own })),
							options: fc.record(
								{ now: anyDate, toleranceSeconds: anyTolerance },
								{ requiredKeys: [] },
							) as fc.Arbitrary<VerifyOptions>,
						}),
					),
					({ scheme, secrets, body, headers, options }) => {
						const result = verify(scheme, secrets, body, headers, options);
						expect(result.ok).toBe(false);
						if (result.ok) return;
						seen.add(result.reason);
						expect(REJECTION_REASONS).toContain(result.reason);
						expect(result.detail.length).toBeGreaterThan(0);
						if (result.reason === 'invalid_key' || result.reason === 'no_secret') {
							expect(keySetReads(scheme, secrets)).toBe(false);
						}
						if (!keySetReads(scheme, secrets)) {
							// The keys are read first: a call is never judged without them.
							expect(['invalid_key', 'no_secret']).toContain(result.reason);
						}
					},
				),
				{ numRuns: RUNS },
			);
			// The draws reach the keys and the headers in any run, and the
			// signature itself in a long one (a random clock and header rarely pass
			// every check before it; the sign -> verify properties below reach it
			// every time).
			const stages = ['invalid_key', 'malformed_header'];
			if (LONG_FUZZ) stages.push('signature_mismatch');
			for (const reason of stages) expect(seen).toContain(reason);
		},
		TIMEOUT,
	);
});

/** A signed call of a scheme, with what was signed kept apart for tampering. */
interface SignedCall {
	readonly scheme: PublicKeyScheme;
	readonly body: Buffer;
	readonly headers: Record<string, string>;
	readonly at: Date;
	readonly id: string;
}

/** node:crypto signs SendGrid's format (sign() refuses it: only SendGrid sends it). */
function signSendgrid(body: Buffer, at: Date, key: KeyObject): Record<string, string> {
	const timestamp = String(Math.floor(at.getTime() / 1000));
	const signature = nodeSign('sha256', Buffer.concat([Buffer.from(timestamp), body]), {
		key,
		dsaEncoding: 'der',
	});
	return {
		'X-Twilio-Email-Event-Webhook-Signature': signature.toString('base64'),
		'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
	};
}

const signedCall: fc.Arbitrary<SignedCall & { privateForm: number; publicForm: number }> = fc
	.record({
		scheme: anyPublicKeyScheme,
		body: fc.uint8Array({ minLength: 0, maxLength: 300 }).map((array) => Buffer.from(array)),
		at: fc.date({
			min: new Date('2001-09-09T01:46:40Z'),
			max: new Date('2286-11-20T17:46:39Z'),
			noInvalidDate: true,
		}),
		id: fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/),
		privateForm: fc.nat(),
		publicForm: fc.nat(),
	})
	.map(({ scheme, body, at, id, privateForm, publicForm }) => {
		const forms = keysOf(scheme)[0];
		const headers =
			scheme === SENDGRID
				? signSendgrid(body, at, P256.privateKey)
				: sign(
						scheme,
						{ primary: forms.privateForms[privateForm % forms.privateForms.length] },
						body,
						{ timestamp: at, id },
					);
		return { scheme, body, headers, at, id, privateForm, publicForm };
	});

const publicKeyOf = (call: SignedCall & { publicForm: number }) => {
	const forms = keysOf(call.scheme)[0].publicForms;
	return forms[call.publicForm % forms.length];
};

/** The clock at the signed second: inside any window. */
const atSigning = (call: SignedCall): VerifyOptions => ({
	now: new Date(Math.floor(call.at.getTime() / 1000) * 1000),
});

const lowerHeaders = (headers: Record<string, string>): Record<string, string> =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('public-key sign → verify', () => {
	it(
		`what is signed verifies, with the public key in any form and either slot (${ROUND_TRIP_RUNS} calls)`,
		() => {
			fc.assert(
				fc.property(signedCall, fc.boolean(), (call, inSecondary) => {
					const other = keysOf(call.scheme)[1].publicForms[0];
					const key = publicKeyOf(call);
					const secrets = inSecondary
						? { primary: other, secondary: key }
						: { primary: key, secondary: other };
					const result = verify(call.scheme, secrets, call.body, call.headers, atSigning(call));
					expect(result).toMatchObject({
						ok: true,
						matchedSecret: inSecondary ? 'secondary' : 'primary',
					});
					// Header names in another case change nothing.
					expect(
						verify(call.scheme, secrets, call.body, lowerHeaders(call.headers), atSigning(call)).ok,
					).toBe(true);
				}),
				{ numRuns: ROUND_TRIP_RUNS },
			);
		},
		TIMEOUT,
	);

	it(
		`one changed byte of the body, a signed header or the signature is refused (${ROUND_TRIP_RUNS} calls)`,
		() => {
			fc.assert(
				fc.property(
					signedCall,
					fc.constantFrom('body', 'signature', 'timestamp', 'id'),
					fc.nat(),
					fc.integer({ min: 1, max: 255 }),
					(call, part, position, xor) => {
						const secrets = { primary: publicKeyOf(call) };
						let body = call.body;
						const headers = { ...call.headers };
						if (part === 'body') {
							if (body.length === 0) return;
							body = Buffer.from(body);
							body[position % body.length] ^= xor;
						} else {
							const name =
								part === 'signature'
									? call.scheme.signatureHeader
									: part === 'timestamp'
										? call.scheme.timestamp?.in === 'header'
											? call.scheme.timestamp.header
											: undefined
										: call.scheme.idHeader;
							const signed =
								part === 'signature' ||
								call.scheme.signedContent.some((signedPart) => signedPart.kind === part);
							if (!name || !signed) return;
							const value = headers[name];
							const at = position % value.length;
							const replacement = String.fromCharCode(value.charCodeAt(at) ^ xor);
							if (
								part === 'signature' &&
								harmlessEdit(
									call.scheme.signatureFormat,
									call.scheme.signatureEncoding,
									value,
									digestStart(call.scheme.signatureFormat, value),
									at,
									replacement,
								)
							) {
								return;
							}
							headers[name] = replaceAt(value, at, replacement);
						}
						const result = verify(call.scheme, secrets, body, headers, atSigning(call));
						expect(result.ok).toBe(false);
					},
				),
				{ numRuns: ROUND_TRIP_RUNS * 4 },
			);
		},
		TIMEOUT,
	);
});

/** The group order of P-256, for the s → n - s twin of an ECDSA signature. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** The other valid DER ECDSA signature of the same message: (r, n - s). */
function malleate(der: Buffer): Buffer {
	// SEQUENCE { INTEGER r, INTEGER s }, short-form lengths (P-256 fits).
	const rLength = der[3];
	const r = der.subarray(4, 4 + rLength);
	const sLength = der[5 + rLength];
	const s = BigInt('0x' + der.subarray(6 + rLength, 6 + rLength + sLength).toString('hex'));
	let twin = (P256_ORDER - s).toString(16);
	if (twin.length % 2) twin = '0' + twin;
	let sBytes = Buffer.from(twin, 'hex');
	if (sBytes[0] & 0x80) sBytes = Buffer.concat([Buffer.from([0]), sBytes]);
	const body = Buffer.concat([
		Buffer.from([0x02, r.length]),
		r,
		Buffer.from([0x02, sBytes.length]),
		sBytes,
	]);
	return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('ECDSA malleability (SendGrid)', () => {
	it('the twin signature verifies, and replay protection still refuses the copy', async () => {
		const body = Buffer.from('[{"event":"open","sg_event_id":"e1"}]');
		const at = new Date();
		const headers = signSendgrid(body, at, P256.privateKey);
		const name = SENDGRID.signatureHeader;
		const twin = malleate(Buffer.from(headers[name], 'base64')).toString('base64');
		expect(twin).not.toBe(headers[name]);
		const secrets = { primary: P256.publicForms[0] };
		const copy = { ...headers, [name]: twin };
		expect(verify(SENDGRID, secrets, body, copy, { now: at }).ok).toBe(true);

		const replay = replayOptions();
		const first = await receive(SENDGRID, secrets, { body, headers }, { now: at, replay });
		expect(processed(first)).toBe(true);
		const second = await receive(SENDGRID, secrets, { body, headers: copy }, { now: at, replay });
		expect(second).toMatchObject({ ok: false, reason: 'replayed_id' });
	});

	it('Ed25519 has no twin: the signature is bound to the message (RFC 8032 checks S < L)', () => {
		const at = new Date();
		const body = Buffer.from('{"type":2}');
		for (const scheme of [DISCORD, STANDARD_WEBHOOKS_V1A]) {
			const headers = sign(scheme, { primary: ED.privateForms[0] }, body, {
				timestamp: at,
				id: 'msg_1',
			});
			const name = scheme.signatureHeader;
			const encoded = headers[name].replace(/^v1a,/, '');
			const raw = Buffer.from(encoded, scheme.signatureEncoding);
			// Adding the group order L to S gives a second encoding of the same
			// scalar: verifiers that skip the S < L check accept it.
			const L = BigInt('0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed');
			const s = BigInt('0x' + Buffer.from(raw.subarray(32)).reverse().toString('hex'));
			const sPlusL = (s + L).toString(16).padStart(64, '0');
			expect(sPlusL).toHaveLength(64); // S < L < 2^253: S + L still fits 32 bytes
			const twin = Buffer.concat([raw.subarray(0, 32), Buffer.from(sPlusL, 'hex').reverse()]);
			const spelled =
				scheme === STANDARD_WEBHOOKS_V1A ? `v1a,${twin.toString('base64')}` : twin.toString('hex');
			const result = verify(
				scheme,
				{ primary: ED.publicForms[0] },
				body,
				{ ...headers, [name]: spelled },
				{ now: at },
			);
			expect(result.ok).toBe(false);
		}
	});
});
