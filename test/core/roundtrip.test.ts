/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n, and reads its seed from the environment */
import { sign, verify, withBodyHash, type SchemeDefinition } from '../../core';
import {
	ALL_SCHEMES,
	bodyFor,
	randomSecret,
	REQUEST_LINE,
	signsTimestamp,
} from '../helpers/schemes';

const ROUNDS = 25;
const at = new Date('2026-11-22T12:00:00.000Z');

/**
 * Where bytes are changed comes from a seeded generator (mulberry32), so a
 * failure can be replayed: ROUNDTRIP_SEED=<the seed printed> npx jest roundtrip.
 */
const SEED = Number(process.env.ROUNDTRIP_SEED ?? Math.floor(Date.now() % 2 ** 31));
function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

/** The URL a body is sent to: Twilio's carries the body's hash (bodySHA256). */
function urlFor(scheme: SchemeDefinition, body: Buffer): string {
	return withBodyHash(scheme, REQUEST_LINE.url, body);
}

function signed(scheme: SchemeDefinition, secret: string, body: Buffer, secondary?: string) {
	const headers = sign(scheme, { primary: secret, secondary }, body, {
		...REQUEST_LINE,
		url: urlFor(scheme, body),
		timestamp: at,
		id: 'msg_roundtrip',
		event: 'test.event',
	});
	return headers;
}

function check(
	scheme: SchemeDefinition,
	secrets: { primary?: string; secondary?: string },
	body: Buffer,
	headers: Record<string, string>,
	now = at,
	url = urlFor(scheme, body),
) {
	return verify(scheme, secrets, body, headers, {
		...REQUEST_LINE,
		url,
		now: new Date(now.getTime() + 1000),
	});
}

describe.each(
	ALL_SCHEMES.map((scheme) => ({ label: `${scheme.name}: ${scheme.description}`, scheme })),
)('$label', ({ scheme }) => {
	it(`round-trips ${ROUNDS} random secrets and bodies`, () => {
		for (let round = 0; round < ROUNDS; round++) {
			const secret = randomSecret(scheme.secretEncoding);
			const body = bodyFor(scheme, at);
			const result = check(scheme, { primary: secret }, body, signed(scheme, secret, body));
			expect(result).toMatchObject({ valid: true, matchedSecret: 'primary' });
		}
	});

	it('rejects any single changed body byte', () => {
		const secret = randomSecret(scheme.secretEncoding);
		const body = bodyFor(scheme, at);
		const headers = signed(scheme, secret, body);
		const random = seeded(SEED);
		for (let round = 0; round < ROUNDS; round++) {
			const tampered = Buffer.from(body);
			const position = Math.floor(random() * tampered.length);
			const flip = 1 + Math.floor(random() * 255);
			tampered[position] ^= flip;
			// Sent to the URL the original was signed for.
			const result = check(
				scheme,
				{ primary: secret },
				tampered,
				headers,
				at,
				urlFor(scheme, body),
			);
			// Flipping a byte of a body-carried timestamp may make it unreadable,
			// or another time outside the window (checked before the signature),
			// and a JSON-only scheme's body no JSON; everything else is a plain
			// mismatch.
			const allowed = [
				'signature_mismatch',
				'timestamp_malformed',
				'timestamp_missing',
				...(scheme.timestamp?.in === 'body' ? ['timestamp_too_old', 'timestamp_too_new'] : []),
				...(scheme.bodyFormat === 'json' ? ['malformed_body'] : []),
				// Twilio: the body no longer has the hash its signed URL names.
				...(scheme.bodyHash ? ['body_hash_mismatch'] : []),
			];
			if (result.valid || !allowed.includes(result.reason)) {
				throw new Error(
					`ROUNDTRIP_SEED=${SEED}: byte ${position} xor ${flip} gave ${result.reason}, expected one of ${allowed.join(', ')}`,
				);
			}
		}
	});

	it('rejects a different secret', () => {
		const body = bodyFor(scheme, at);
		const headers = signed(scheme, randomSecret(scheme.secretEncoding), body);
		const result = check(scheme, { primary: randomSecret(scheme.secretEncoding) }, body, headers);
		expect(result).toMatchObject({ valid: false, reason: 'signature_mismatch' });
	});

	it('accepts the secondary secret during a rotation', () => {
		const oldSecret = randomSecret(scheme.secretEncoding);
		const newSecret = randomSecret(scheme.secretEncoding);
		const body = bodyFor(scheme, at);
		// The sender still signs with the old secret only; the receiver holds both.
		const result = check(
			scheme,
			{ primary: newSecret, secondary: oldSecret },
			body,
			signed(scheme, oldSecret, body),
		);
		expect(result).toMatchObject({ valid: true, matchedSecret: 'secondary' });
	});

	if (scheme.signatureFormat.style !== 'plain') {
		it('carries one signature per secret, so either side of a rotation accepts it', () => {
			const [first, second] = [
				randomSecret(scheme.secretEncoding),
				randomSecret(scheme.secretEncoding),
			];
			const body = bodyFor(scheme, at);
			const headers = signed(scheme, first, body, second);
			expect(check(scheme, { primary: first }, body, headers)).toMatchObject({ valid: true });
			expect(check(scheme, { primary: second }, body, headers)).toMatchObject({ valid: true });
		});
	}

	if (signsTimestamp(scheme)) {
		it('rejects a signed timestamp outside the window, in both directions', () => {
			const secret = randomSecret(scheme.secretEncoding);
			const body = bodyFor(scheme, at);
			const headers = signed(scheme, secret, body);
			// A scheme that documents no window (ConnectGain) is checked with the usual 300 s.
			const window = scheme.toleranceSeconds || 300;
			const windowOption = scheme.toleranceSeconds === 0 ? { toleranceSeconds: window } : {};
			const late = new Date(at.getTime() + (window + 5) * 1000);
			const early = new Date(at.getTime() - (window + 5) * 1000);
			expect(
				verify(scheme, { primary: secret }, body, headers, {
					...REQUEST_LINE,
					...windowOption,
					now: late,
				}),
			).toMatchObject({
				valid: false,
				reason: 'timestamp_too_old',
			});
			expect(
				verify(scheme, { primary: secret }, body, headers, {
					...REQUEST_LINE,
					...windowOption,
					now: early,
				}),
			).toMatchObject({
				valid: false,
				reason: 'timestamp_too_new',
			});
			// Just inside the window on both sides.
			for (const edge of [window - 1, -(window - 1)]) {
				const now = new Date(at.getTime() + edge * 1000);
				expect(
					verify(scheme, { primary: secret }, body, headers, {
						...REQUEST_LINE,
						...windowOption,
						now,
					}).valid,
				).toBe(true);
			}
			// Tolerance off: a stale but authentic call passes.
			expect(
				verify(scheme, { primary: secret }, body, headers, {
					...REQUEST_LINE,
					now: late,
					toleranceSeconds: null,
				}).valid,
			).toBe(true);
		});
	}
});
