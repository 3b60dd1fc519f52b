/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * Mailgun: the signature, timestamp and token travel in the body, and only
 * timestamp + token are signed. Every expected value here is computed with
 * node:crypto from Mailgun's documented formula, never by the code under test.
 */
import { createHmac, randomBytes } from 'node:crypto';

import {
	MAILGUN,
	ReplayMemory,
	findScheme,
	receive,
	sign,
	signBody,
	SigningError,
	verify,
	type HeaderBag,
	type ReceiveResult,
	type VerifyResult,
} from '../../core';
import { seedFrom, withSeed } from '../helpers/seeded';
import { processed, replayOptions } from '../helpers/replay';

const key = 'key-6f5c2b0e4a1d9873c5e0b1f2a3d4c5e6';
const secrets = { primary: key };
const now = new Date('2026-11-22T12:00:00Z');
const nowSeconds = String(Math.floor(now.getTime() / 1000));
const json: HeaderBag = { 'content-type': 'application/json' };
const form: HeaderBag = { 'content-type': 'application/x-www-form-urlencoded' };

/** Mailgun's formula, independently: hex HMAC-SHA256 of timestamp + token, no separator. */
function mailgunSignature(timestamp: string, token: string, signingKey = key): string {
	return createHmac('sha256', signingKey)
		.update(timestamp + token)
		.digest('hex');
}

function randomToken(): string {
	return randomBytes(25).toString('hex'); // 50 characters, as Mailgun's
}

function signedFields(
	timestamp = nowSeconds,
	token = randomToken(),
): { timestamp: string; token: string; signature: string } {
	return { timestamp, token, signature: mailgunSignature(timestamp, token) };
}

function jsonBody(
	signature: unknown,
	eventData: unknown = { event: 'delivered', id: 'ev1' },
): Buffer {
	return Buffer.from(JSON.stringify({ signature, 'event-data': eventData }));
}

function formBody(fields: Record<string, unknown>, extra = 'event=delivered'): Buffer {
	const pairs = Object.entries(fields).map(
		([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`,
	);
	return Buffer.from([...pairs, extra].join('&'));
}

function check(body: Buffer, headers: HeaderBag = json, options = {}): VerifyResult {
	return verify(MAILGUN, secrets, body, headers, { now, ...options });
}

describe('Mailgun: known answer and round trips', () => {
	it("verifies the documented formula's signature, computed here with node:crypto", () => {
		// The shape of Mailgun's own example (its signature value is a placeholder, not a vector).
		const token = 'e0b5477167110d68991efc6b9f89f0a11066af27834600e123';
		const timestamp = '1770920772';
		const signature = mailgunSignature(timestamp, token);
		const body = jsonBody({ token, timestamp, signature });
		const result = check(body, json, { now: new Date(1770920772_000 + 5_000) });
		expect(result).toMatchObject({
			ok: true,
			id: token,
			matchedSecret: 'primary',
		});
		if (result.ok) expect(result.timestamp?.toISOString()).toBe('2026-02-12T18:26:12.000Z');
	});

	it('is found by id, as the nodes look it up', () => {
		expect(findScheme('mailgun')).toBe(MAILGUN);
	});

	it("signBody writes Mailgun's JSON shape, which node:crypto alone verifies", () => {
		const text = signBody(MAILGUN, secrets, '{"event":"delivered","n":1.0}', { timestamp: now });
		// The payload is placed exactly as written (1.0 stays 1.0).
		expect(text).toMatch(/,"event-data":\{"event":"delivered","n":1\.0\}\}$/);
		const parsed = JSON.parse(text) as {
			signature: { timestamp: string; token: string; signature: string };
		};
		const { timestamp, token, signature } = parsed.signature;
		expect(timestamp).toBe(nowSeconds);
		expect(token).toMatch(/^[0-9a-f]{50}$/);
		expect(signature).toBe(mailgunSignature(timestamp, token));
		expect(check(Buffer.from(text))).toMatchObject({ ok: true, id: token });
	});

	it('signBody makes a fresh token each time', () => {
		const tokens = new Set(
			Array.from({ length: 50 }, () => {
				const text = signBody(MAILGUN, secrets, '{}', { timestamp: now });
				return (JSON.parse(text) as { signature: { token: string } }).signature.token;
			}),
		);
		expect(tokens.size).toBe(50);
	});

	it('signBody signs with the primary secret only; a receiver holding either verifies', () => {
		const rotating = { primary: 'new-key', secondary: key };
		const text = signBody(MAILGUN, rotating, '[1,2]', { timestamp: now, token: 'tok' });
		const { signature } = (JSON.parse(text) as { signature: { signature: string } }).signature;
		expect(signature).toBe(mailgunSignature(nowSeconds, 'tok', 'new-key'));
		expect(
			verify(MAILGUN, { primary: key, secondary: 'new-key' }, Buffer.from(text), json, { now }),
		).toMatchObject({
			ok: true,
			matchedSecret: 'secondary',
		});
	});

	it('sign() refuses: a header could never carry this signature, and an empty one would go out unsigned', () => {
		expect(() => sign(MAILGUN, secrets, '{}', { timestamp: now })).toThrow(SigningError);
	});

	it('accepts the legacy form post, fields at the top level', () => {
		const fields = signedFields();
		expect(check(formBody(fields), form)).toMatchObject({ ok: true, id: fields.token });
		expect(
			check(formBody(fields), {
				'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
			}),
		).toMatchObject({ ok: true });
	});

	it('accepts a timestamp sent as a JSON number, signing its digits', () => {
		const token = randomToken();
		const body = jsonBody({
			timestamp: Number(nowSeconds),
			token,
			signature: mailgunSignature(nowSeconds, token),
		});
		expect(check(body)).toMatchObject({ ok: true });
	});

	it('accepts an uppercase hex signature (the same bytes)', () => {
		const fields = signedFields();
		expect(check(jsonBody({ ...fields, signature: fields.signature.toUpperCase() }))).toMatchObject(
			{ ok: true },
		);
	});

	it("parent-signature (subaccounts): the parent account's key verifies through it", () => {
		const parentKey = 'parent-account-signing-key';
		const token = randomToken();
		const body = jsonBody({
			timestamp: nowSeconds,
			token,
			signature: mailgunSignature(nowSeconds, token, 'subaccount-key'),
			'parent-signature': mailgunSignature(nowSeconds, token, parentKey),
		});
		expect(verify(MAILGUN, { primary: parentKey }, body, json, { now })).toMatchObject({
			ok: true,
		});
		expect(verify(MAILGUN, { primary: 'subaccount-key' }, body, json, { now })).toMatchObject({
			ok: true,
		});
		expect(verify(MAILGUN, { primary: 'someone-else' }, body, json, { now })).toMatchObject({
			ok: false,
			reason: 'signature_mismatch',
		});
	});
});

describe('Mailgun: what is refused, and why', () => {
	const refused = (result: VerifyResult, reason: string) => {
		expect(result).toMatchObject({ ok: false, reason });
		// Never the key, nor any signature, in what a caller may see.
		expect(result.detail).not.toContain(key);
		expect(result.detail).not.toMatch(/[0-9a-f]{32}/i);
	};

	it('a body with no signature object, or a signature that is not an object', () => {
		refused(check(Buffer.from('{"event-data":{}}')), 'missing_body_field');
		// An array is no object: its members are never looked for (jsonMembers.ts).
		refused(check(Buffer.from('[]')), 'malformed_body');
		refused(check(Buffer.from('{"signature":"abc"}')), 'malformed_body_field');
		refused(check(Buffer.from('{"signature":null}')), 'malformed_body_field');
		refused(check(Buffer.from('{"signature":[1]}')), 'malformed_body_field');
	});

	it('a body that is not JSON (nor a form), or not UTF-8', () => {
		refused(check(Buffer.from('signature=abc')), 'malformed_body');
		refused(check(Buffer.from('')), 'malformed_body');
		refused(check(Buffer.from([0x7b, 0xff, 0x7d])), 'malformed_body');
	});

	it('a missing, empty, non-string, too long or non-ASCII token', () => {
		const { timestamp, signature } = signedFields();
		refused(check(jsonBody({ timestamp, signature })), 'missing_body_field');
		for (const token of ['', 42, null, {}, ['a'], 'x'.repeat(257), 'tok en', 'tøken']) {
			refused(check(jsonBody({ timestamp, token, signature })), 'malformed_body_field');
		}
	});

	it('a huge token is refused as malformed', () => {
		const token = 'a'.repeat(1_000_000);
		refused(
			check(
				jsonBody({ timestamp: nowSeconds, token, signature: mailgunSignature(nowSeconds, token) }),
			),
			'malformed_body_field',
		);
	});

	it('a missing, non-hex or wrong-length signature, and a malformed parent-signature', () => {
		const fields = signedFields();
		refused(
			check(jsonBody({ timestamp: fields.timestamp, token: fields.token })),
			'missing_body_field',
		);
		for (const signature of [
			'',
			'zz',
			fields.signature.slice(2),
			`${fields.signature}00`,
			42,
			null,
			`${fields.signature.slice(1)}g`,
		]) {
			refused(check(jsonBody({ ...fields, signature })), 'malformed_body_field');
		}
		refused(check(jsonBody({ ...fields, 'parent-signature': 'nothex' })), 'malformed_body_field');
		refused(check(jsonBody({ ...fields, 'parent-signature': 7 })), 'malformed_body_field');
	});

	it('a missing, empty or malformed timestamp', () => {
		const token = randomToken();
		const signature = mailgunSignature(nowSeconds, token);
		refused(check(jsonBody({ token, signature })), 'timestamp_missing');
		refused(check(jsonBody({ timestamp: '', token, signature })), 'timestamp_missing');
		for (const timestamp of ['17709.5', '-1', 'now', ' 1770920772', 1.5, -3, true, {}]) {
			refused(check(jsonBody({ timestamp, token, signature })), 'timestamp_malformed');
		}
	});

	it('a timestamp outside the 300 s window, in either direction', () => {
		const old = String(Number(nowSeconds) - 301);
		const future = String(Number(nowSeconds) + 301);
		refused(check(jsonBody(signedFields(old))), 'timestamp_too_old');
		refused(check(jsonBody(signedFields(future))), 'timestamp_too_new');
		expect(check(jsonBody(signedFields(String(Number(nowSeconds) - 300))))).toMatchObject({
			ok: true,
		});
		expect(check(jsonBody(signedFields(String(Number(nowSeconds) + 300))))).toMatchObject({
			ok: true,
		});
	});

	it('the window cannot be switched off: it is what bounds the token memory', () => {
		const result = check(jsonBody(signedFields()), json, { toleranceSeconds: 0 });
		expect(result).toMatchObject({ ok: false, reason: 'verifier_error' });
		expect(check(jsonBody(signedFields()), json, { toleranceSeconds: null })).toMatchObject({
			ok: false,
			reason: 'verifier_error',
		});
		// A wider one is the receiver's choice.
		const hourOld = String(Number(nowSeconds) - 3600);
		expect(check(jsonBody(signedFields(hourOld)), json, { toleranceSeconds: 7200 })).toMatchObject({
			ok: true,
		});
	});

	it('a signature made with another key, or over another timestamp or token', () => {
		const fields = signedFields();
		refused(
			check(
				jsonBody({
					...fields,
					signature: mailgunSignature(fields.timestamp, fields.token, 'other'),
				}),
			),
			'signature_mismatch',
		);
		refused(check(jsonBody({ ...fields, token: `${fields.token}x` })), 'signature_mismatch');
		const earlier = String(Number(fields.timestamp) - 1);
		refused(check(jsonBody({ ...fields, timestamp: earlier })), 'signature_mismatch');
		// With a separator, as Stripe-minded code writes it: not Mailgun's.
		refused(
			check(
				jsonBody({
					...fields,
					signature: createHmac('sha256', key)
						.update(`${fields.timestamp}.${fields.token}`)
						.digest('hex'),
				}),
			),
			'signature_mismatch',
		);
	});

	it('form bodies: a field sent twice, or missing', () => {
		const fields = signedFields();
		refused(check(formBody(fields, `signature=${fields.signature}`), form), 'duplicate_body_field');
		refused(check(formBody(fields, `token=${randomToken()}`), form), 'duplicate_body_field');
		refused(check(formBody(fields, `timestamp=${fields.timestamp}`), form), 'duplicate_body_field');
		refused(
			check(
				formBody(
					fields,
					`parent-signature=${fields.signature}&parent-signature=${fields.signature}`,
				),
				form,
			),
			'duplicate_body_field',
		);
		refused(
			check(formBody({ timestamp: fields.timestamp, signature: fields.signature }), form),
			'missing_body_field',
		);
		refused(
			check(formBody({ token: fields.token, timestamp: fields.timestamp }), form),
			'missing_body_field',
		);
		// The same fields in a form body sent as JSON are not read as a form.
		refused(check(formBody(fields), json), 'malformed_body');
	});

	it('fields are read from the object itself, never from its prototype', () => {
		const fields = signedFields();
		const body = Buffer.from(`{"__proto__":{"signature":${JSON.stringify(fields)}}}`);
		refused(check(body), 'missing_body_field');
		const inner = Buffer.from(
			`{"signature":{"__proto__":${JSON.stringify(fields)}},"event-data":{}}`,
		);
		refused(check(inner), 'missing_body_field');
	});

	const seed = seedFrom('MAILGUN_SEED');
	it(
		'never throws, whatever the body',
		withSeed('MAILGUN_SEED', seed, (random) => {
			for (let i = 0; i < 200; i++) {
				const body = random.bytes(i % 64);
				expect(() => check(body)).not.toThrow();
				expect(() => check(body, form)).not.toThrow();
			}
		}),
	);
});

describe('Mailgun: each token is accepted once', () => {
	const receiveAt = (
		body: Buffer,
		at: Date,
		memory: ReplayMemory,
		headers: HeaderBag = json,
	): Promise<ReceiveResult> =>
		receive(
			MAILGUN,
			secrets,
			{ body, headers },
			{ now: at, replay: { store: memory, rememberSeconds: 0, duplicateStatus: 200 } },
		);

	it('is refused outright without a token memory: the scheme demands one', async () => {
		const result = await receive(
			MAILGUN,
			secrets,
			{ body: jsonBody(signedFields()), headers: json },
			{ now },
		);
		expect(result).toMatchObject({ ok: false, reason: 'verifier_error', status: 500 });
	});

	it('the event data is not signed: another event under a captured signature verifies, and the token memory refuses it', async () => {
		const fields = signedFields();
		const original = jsonBody(fields, { event: 'delivered', recipient: 'a@example.com' });
		const forged = jsonBody(fields, { event: 'unsubscribed', recipient: 'ceo@example.com' });
		// Mailgun's format: the signature is just as valid on the forged data.
		expect(check(forged)).toMatchObject({ ok: true });

		const memory = new ReplayMemory();
		expect(processed(await receiveAt(original, now, memory))).toBe(true);
		const replay = await receiveAt(forged, new Date(now.getTime() + 1000), memory);
		expect(replay).toMatchObject({ ok: false, reason: 'replayed_id', status: 200 });
		// The same token in a form post is the same call.
		const asForm = await receiveAt(formBody(fields), new Date(now.getTime() + 2000), memory, form);
		expect(asForm).toMatchObject({ ok: false, reason: 'replayed_id' });
	});

	it('a copy while the first run is going is told to come back; after a failed run it is processed', async () => {
		const fields = signedFields();
		const memory = new ReplayMemory();
		const first = await receiveAt(jsonBody(fields), now, memory);
		expect(first.ok).toBe(true);
		expect(await receiveAt(jsonBody(fields), now, memory)).toMatchObject({
			ok: false,
			reason: 'in_progress',
			status: 503,
		});
		if (first.ok) first.settle?.('failed');
		expect((await receiveAt(jsonBody(fields), now, memory)).ok).toBe(true);
	});

	it('a lease never frees a token while it is fresh: its copies wait for the run, however long', async () => {
		const fields = signedFields();
		const memory = new ReplayMemory();
		const options = { store: memory, rememberSeconds: 0, duplicateStatus: 200, leaseSeconds: 1 };
		const send = (seconds: number) =>
			receive(
				MAILGUN,
				secrets,
				{ body: jsonBody(fields), headers: json },
				{ now: new Date(now.getTime() + seconds * 1000), replay: options },
			);
		expect((await send(0)).ok).toBe(true);
		expect(await send(2)).toMatchObject({ ok: false, reason: 'in_progress' });
		expect(await send(250)).toMatchObject({ ok: false, reason: 'in_progress' });
	});

	it('the token is remembered for the whole window, then the timestamp refuses it', async () => {
		const timestamp = nowSeconds;
		const fields = signedFields(timestamp);
		const memory = new ReplayMemory();
		expect(processed(await receiveAt(jsonBody(fields), now, memory))).toBe(true);
		// rememberSeconds is 0 here: the window alone keeps it, to its last millisecond.
		const edge = new Date(Number(timestamp) * 1000 + 300_000);
		expect(await receiveAt(jsonBody(fields), edge, memory)).toMatchObject({
			reason: 'replayed_id',
		});
		const after = new Date(edge.getTime() + 1000);
		memory.sweep(after.getTime());
		expect(await receiveAt(jsonBody(fields), after, memory)).toMatchObject({
			ok: false,
			reason: 'timestamp_too_old',
		});
	});

	it('a token stamped in the future is kept until that future timestamp is stale', async () => {
		const future = String(Number(nowSeconds) + 299);
		const fields = signedFields(future);
		const memory = new ReplayMemory();
		expect(processed(await receiveAt(jsonBody(fields), now, memory))).toBe(true);
		const late = new Date((Number(future) + 299) * 1000);
		expect(await receiveAt(jsonBody(fields), late, memory)).toMatchObject({
			reason: 'replayed_id',
		});
	});

	it('different tokens are different calls; the replay key carries no signature', async () => {
		const memory = new ReplayMemory();
		const a = await receiveAt(jsonBody(signedFields()), now, memory);
		const bFields = signedFields();
		const b = await receiveAt(jsonBody(bFields), now, memory);
		expect(a.ok && b.ok).toBe(true);
		if (b.ok) {
			expect(b.verification.id).toBe(bFields.token);
			expect(b.verification.replayKey).not.toContain(bFields.signature);
			expect(b.verification.replayKey).not.toContain(bFields.token);
		}
	});

	it('with replay protection options of its own, the trigger-like setup behaves the same', async () => {
		const options = replayOptions(401, 3600);
		const fields = signedFields();
		const call = { body: jsonBody(fields), headers: json };
		expect(processed(await receive(MAILGUN, secrets, call, { now, replay: options }))).toBe(true);
		expect(await receive(MAILGUN, secrets, call, { now, replay: options })).toMatchObject({
			reason: 'replayed_id',
			status: 401,
		});
	});
});
