import { sign, verify, withBodyHash, type HmacScheme } from '../../core';
import {
	ALL_SCHEMES,
	bodyFor,
	randomBody,
	randomSecret,
	REQUEST_LINE,
	signsTimestamp,
} from '../helpers/schemes';
import { seedFrom, withSeed, type Seeded } from '../helpers/seeded';
import { reasonOf } from '../helpers/results';

const ROUNDS = 25;
const at = new Date('2026-11-22T12:00:00.000Z');

/**
 * Secrets, bodies and the bytes changed come from a seeded generator, so a
 * failure can be replayed: ROUNDTRIP_SEED=<the seed printed> npx jest roundtrip.
 */
const SEED_VARIABLE = 'ROUNDTRIP_SEED';
const SEED = seedFrom(SEED_VARIABLE);
const seededTest = (test: (random: Seeded) => void) => withSeed(SEED_VARIABLE, SEED, test);

/** The URL a body is sent to: Twilio's carries the body's hash (bodySHA256). */
function urlFor(scheme: HmacScheme, body: Buffer): string {
	return withBodyHash(scheme, REQUEST_LINE.url, body);
}

function signed(scheme: HmacScheme, secret: string, body: Buffer, secondary?: string) {
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
	scheme: HmacScheme,
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
	it(
		`round-trips ${ROUNDS} random secrets and bodies`,
		seededTest((random) => {
			for (let round = 0; round < ROUNDS; round++) {
				const secret = randomSecret(scheme.secretEncoding, random);
				const body = bodyFor(scheme, at, randomBody(random));
				const result = check(scheme, { primary: secret }, body, signed(scheme, secret, body));
				expect(result).toMatchObject({ ok: true, matchedSecret: 'primary' });
			}
		}),
	);

	it(
		'rejects any single changed body byte',
		seededTest((random) => {
			const secret = randomSecret(scheme.secretEncoding, random);
			const body = bodyFor(scheme, at, randomBody(random));
			const headers = signed(scheme, secret, body);
			for (let round = 0; round < ROUNDS; round++) {
				const tampered = Buffer.from(body);
				const position = random.int(0, tampered.length);
				const flip = random.int(1, 256);
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
				if (result.ok || !allowed.includes(result.reason)) {
					throw new Error(
						`byte ${position} xor ${flip} gave ${reasonOf(result)}, expected one of ${allowed.join(', ')}`,
					);
				}
			}
		}),
	);

	it(
		'rejects a different secret',
		seededTest((random) => {
			const body = bodyFor(scheme, at, randomBody(random));
			const headers = signed(scheme, randomSecret(scheme.secretEncoding, random), body);
			const result = check(
				scheme,
				{ primary: randomSecret(scheme.secretEncoding, random) },
				body,
				headers,
			);
			expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		}),
	);

	it(
		'accepts the secondary secret during a rotation',
		seededTest((random) => {
			const oldSecret = randomSecret(scheme.secretEncoding, random);
			const newSecret = randomSecret(scheme.secretEncoding, random);
			const body = bodyFor(scheme, at, randomBody(random));
			// The sender still signs with the old secret only; the receiver holds both.
			const result = check(
				scheme,
				{ primary: newSecret, secondary: oldSecret },
				body,
				signed(scheme, oldSecret, body),
			);
			expect(result).toMatchObject({ ok: true, matchedSecret: 'secondary' });
		}),
	);

	if (scheme.signatureFormat.style !== 'plain') {
		it(
			'carries one signature per secret, so either side of a rotation accepts it',
			seededTest((random) => {
				const [first, second] = [
					randomSecret(scheme.secretEncoding, random),
					randomSecret(scheme.secretEncoding, random),
				];
				const body = bodyFor(scheme, at, randomBody(random));
				const headers = signed(scheme, first, body, second);
				expect(check(scheme, { primary: first }, body, headers)).toMatchObject({ ok: true });
				expect(check(scheme, { primary: second }, body, headers)).toMatchObject({ ok: true });
			}),
		);
	}

	if (signsTimestamp(scheme)) {
		it(
			'rejects a signed timestamp outside the window, in both directions',
			seededTest((random) => {
				const secret = randomSecret(scheme.secretEncoding, random);
				const body = bodyFor(scheme, at, randomBody(random));
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
					ok: false,
					reason: 'timestamp_too_old',
				});
				expect(
					verify(scheme, { primary: secret }, body, headers, {
						...REQUEST_LINE,
						...windowOption,
						now: early,
					}),
				).toMatchObject({
					ok: false,
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
						}).ok,
					).toBe(true);
				}
				// Tolerance off: a stale but authentic call passes.
				expect(
					verify(scheme, { primary: secret }, body, headers, {
						...REQUEST_LINE,
						now: late,
						toleranceSeconds: null,
					}).ok,
				).toBe(true);
			}),
		);
	}
});
