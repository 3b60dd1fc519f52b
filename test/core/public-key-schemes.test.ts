/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its keys are published test keys or made here */
/**
 * Public-key schemes end to end: RFC 8032's Ed25519 vectors signed byte for
 * byte and verified; the Discord and SendGrid vectors of
 * signature-vectors.json; a Standard Webhooks header carrying v1 and v1a
 * side by side; and what verify() says to every malformed call.
 */
import nodeCrypto, { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	DISCORD,
	MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER,
	MAX_SIGNATURES_PER_HEADER,
	SENDGRID,
	STANDARD_WEBHOOKS,
	STANDARD_WEBHOOKS_V1A,
	SigningError,
	sign,
	verify,
	type PublicKeyScheme,
	type VerifyResult,
	findScheme,
} from '../../core';
import { precheck } from '../helpers/precheck';
import { standardWebhooksPair } from '../helpers/keys';

/** Signs the body alone, hex: lets RFC 8032's bare messages go through sign() and verify(). */
const RAW_ED25519: PublicKeyScheme = {
	kind: 'public-key',
	id: 'rawEd25519',
	name: 'Raw Ed25519',
	description: 'test scheme: X-Signature: <hex Ed25519> of the body',
	signatureHeader: 'X-Signature',
	algorithm: 'ed25519',
	signatureEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	signedContent: [{ kind: 'body' }],
};

// RFC 8032 section 7.1, TEST 1 to 3: secret key (seed), public key, message, signature.
const RFC_8032 = [
	{
		name: 'TEST 1 (empty message)',
		seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
		publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
		message: '',
		signature:
			'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
	},
	{
		name: 'TEST 2 (one byte)',
		seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
		publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
		message: '72',
		signature:
			'92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
	},
	{
		name: 'TEST 3 (two bytes)',
		seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
		publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
		message: 'af82',
		signature:
			'6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
	},
];

/** The hex string with one bit flipped at bit `bit`. */
function flipBit(hex: string, bit: number): string {
	const bytes = Buffer.from(hex, 'hex');
	bytes[bit >> 3] ^= 1 << (bit & 7);
	return bytes.toString('hex');
}

describe.each(RFC_8032)('RFC 8032 $name', ({ seed, publicKey, message, signature }) => {
	const body = Buffer.from(message, 'hex');
	const signed = (sig: string) => ({ 'x-signature': sig });

	it('sign() reproduces the published signature byte for byte', () => {
		expect(sign(RAW_ED25519, { primary: seed }, body)).toEqual({ 'X-Signature': signature });
	});

	it('verify() accepts it', () => {
		expect(verify(RAW_ED25519, { primary: publicKey }, body, signed(signature))).toMatchObject({
			ok: true,
			matchedSecret: 'primary',
		});
	});

	it('verify() refuses any one bit changed: in the signature, the message or the key', () => {
		for (const bit of [0, 7, 255, 256, 300, 511]) {
			expect(
				verify(RAW_ED25519, { primary: publicKey }, body, signed(flipBit(signature, bit))),
			).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		}
		const longer = Buffer.concat([body, Buffer.from([0])]);
		expect(verify(RAW_ED25519, { primary: publicKey }, longer, signed(signature))).toMatchObject({
			reason: 'signature_mismatch',
		});
		if (body.length > 0) {
			const changed = Buffer.from(flipBit(message, 3), 'hex');
			expect(verify(RAW_ED25519, { primary: publicKey }, changed, signed(signature))).toMatchObject(
				{
					reason: 'signature_mismatch',
				},
			);
		}
		const otherKey = flipBit(publicKey, 9);
		expect(verify(RAW_ED25519, { primary: otherKey }, body, signed(signature))).toMatchObject({
			ok: false,
		});
	});
});

interface Vector {
	secret: string;
	payload: string;
	timestamp: number;
	expected_header_values: Record<string, string>;
}
const reference = JSON.parse(
	readFileSync(join(__dirname, '..', 'fixtures', 'signature-vectors.json'), 'utf8'),
) as Array<{ scheme: string; vectors: Vector[] }>;
const vectorOf = (name: string): Vector => {
	const entry = reference.find((scheme) => scheme.scheme === name);
	if (!entry) throw new Error(`no ${name} in the fixture`);
	return entry.vectors[0];
};

describe('Discord (signature-vectors.json)', () => {
	const vector = vectorOf('discord-interactions');
	const body = Buffer.from(vector.payload);
	const now = new Date((vector.timestamp + 1) * 1000);
	// The vector's key pair is RFC 8032 TEST 1: its seed signs it.
	const seed = RFC_8032[0].seed;

	it('verifies, and sign() reproduces it byte for byte', () => {
		expect(
			verify(DISCORD, { primary: vector.secret }, body, vector.expected_header_values, { now }),
		).toMatchObject({ ok: true, timestamp: new Date(vector.timestamp * 1000) });
		const headers = sign(DISCORD, { primary: seed }, body, {
			timestamp: new Date(vector.timestamp * 1000),
		});
		expect(headers).toEqual(vector.expected_header_values);
	});

	it('accepts upper-case hex, as discord-interactions does', () => {
		const headers = { ...vector.expected_header_values };
		headers['X-Signature-Ed25519'] = headers['X-Signature-Ed25519'].toUpperCase();
		expect(verify(DISCORD, { primary: vector.secret }, body, headers, { now })).toMatchObject({
			ok: true,
		});
	});

	it('refuses a changed timestamp (it is signed) and one outside the window', () => {
		const changed = {
			...vector.expected_header_values,
			'X-Signature-Timestamp': String(vector.timestamp + 1),
		};
		expect(verify(DISCORD, { primary: vector.secret }, body, changed, { now })).toMatchObject({
			reason: 'signature_mismatch',
		});
		const late = new Date((vector.timestamp + 301) * 1000);
		expect(
			verify(DISCORD, { primary: vector.secret }, body, vector.expected_header_values, {
				now: late,
			}),
		).toMatchObject({ reason: 'timestamp_too_old' });
	});
});

describe('SendGrid (signature-vectors.json): verify only', () => {
	const vector = vectorOf('sendgrid-event-webhook');
	const body = Buffer.from(vector.payload);
	// SendGrid documents no window, so none applies by default; years later still verifies.
	const now = new Date('2030-01-01T00:00:00Z');

	it('verifies the published signature; a changed byte or timestamp does not', () => {
		const key = { primary: vector.secret };
		const headers = vector.expected_header_values;
		expect(verify(SENDGRID, key, body, headers, { now })).toMatchObject({
			ok: true,
			matchedSecret: 'primary',
		});
		const tampered = Buffer.from(vector.payload.replace('test_event', 'test_evenT'));
		expect(verify(SENDGRID, key, tampered, headers, { now })).toMatchObject({
			reason: 'signature_mismatch',
		});
		const restamped = { ...headers, 'X-Twilio-Email-Event-Webhook-Timestamp': '1588788368' };
		expect(verify(SENDGRID, key, body, restamped, { now })).toMatchObject({
			reason: 'signature_mismatch',
		});
		// A window the user sets applies as for any scheme.
		expect(verify(SENDGRID, key, body, headers, { now, toleranceSeconds: 300 })).toMatchObject({
			reason: 'timestamp_too_old',
		});
	});

	it('names a call by its content, not by its randomised signature', () => {
		const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
		const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
		const signatureOf = () =>
			nodeSign('sha256', Buffer.from(`1700000000${vector.payload}`), pair.privateKey).toString(
				'base64',
			);
		const [first, second] = [signatureOf(), signatureOf()];
		expect(first).not.toBe(second);
		const keys = [first, second].map((signature) => {
			const result = verify(
				SENDGRID,
				{ primary: publicKey },
				body,
				{
					'X-Twilio-Email-Event-Webhook-Signature': signature,
					'X-Twilio-Email-Event-Webhook-Timestamp': '1700000000',
				},
				{ replayKey: true },
			);
			return result.ok ? result.replayKey : result.reason;
		});
		expect(keys[0]).toMatch(/^content:/);
		expect(keys[1]).toBe(keys[0]);
	});

	it('sign() refuses: only SendGrid sends SendGrid calls', () => {
		expect(() =>
			sign(SENDGRID, { primary: vector.secret }, body, { timestamp: new Date() }),
		).toThrow(
			new SigningError(
				'SendGrid Event Webhook (ECDSA P-256) signatures can only be verified, not sent',
			),
		);
	});
});

describe('Standard Webhooks: v1 (HMAC) and v1a (Ed25519) entries in one header', () => {
	const hmacSecret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
	const pair = generateKeyPairSync('ed25519');
	const raw = (key: typeof pair.publicKey) =>
		key.export({ format: 'der', type: key.type === 'public' ? 'spki' : 'pkcs8' }).subarray(-32);
	const whpk = `whpk_${raw(pair.publicKey).toString('base64')}`;
	const whsk = `whsk_${raw(pair.privateKey).toString('base64')}`;
	const body = Buffer.from('{"type":"contact.created"}');
	const now = new Date('2026-11-22T12:00:00Z');
	const options = { id: 'msg_1', timestamp: now };
	const v1 = sign(STANDARD_WEBHOOKS, { primary: hmacSecret }, body, options);
	const v1a = sign(STANDARD_WEBHOOKS_V1A, { primary: whsk }, body, options);
	const both = {
		...v1,
		'webhook-signature': `${v1['webhook-signature']} ${v1a['webhook-signature']}`,
	};

	it('the sender with a whsk_ key writes one v1a entry, with the usual id and timestamp', () => {
		expect(v1a['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
		expect(v1a['webhook-id']).toBe('msg_1');
		expect(v1a['webhook-timestamp']).toBe(String(now.getTime() / 1000));
	});

	it('the holder of the HMAC secret checks the v1 entry; the holder of the public key the v1a one', () => {
		expect(verify(STANDARD_WEBHOOKS, { primary: hmacSecret }, body, both, { now })).toMatchObject({
			ok: true,
		});
		expect(verify(STANDARD_WEBHOOKS_V1A, { primary: whpk }, body, both, { now })).toMatchObject({
			ok: true,
			id: 'msg_1',
		});
	});

	it('neither reads the other kind: a header without its own entry is malformed for it', () => {
		expect(verify(STANDARD_WEBHOOKS, { primary: hmacSecret }, body, v1a, { now })).toMatchObject({
			reason: 'malformed_header',
		});
		const result = verify(STANDARD_WEBHOOKS_V1A, { primary: whpk }, body, v1, { now });
		expect(result).toMatchObject({ reason: 'malformed_header' });
		expect(result.detail).toBe(
			'Header webhook-signature holds no "v1a,<base64>" signature of the right length',
		);
	});

	it('a rotation signs with both private keys; either public key verifies', () => {
		const next = generateKeyPairSync('ed25519');
		const nextPublic = next.publicKey.export({ format: 'pem', type: 'spki' }).toString();
		const nextPrivate = next.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
		const rotated = sign(
			STANDARD_WEBHOOKS_V1A,
			{ primary: nextPrivate, secondary: whsk },
			body,
			options,
		);
		expect(rotated['webhook-signature'].split(' ')).toHaveLength(2);
		for (const [keys, label] of [
			[{ primary: whpk }, 'primary'],
			[
				{ primary: 'whpk_' + Buffer.alloc(32, 9).toString('base64'), secondary: nextPublic },
				'secondary',
			],
		] as const) {
			expect(verify(STANDARD_WEBHOOKS_V1A, keys, body, rotated, { now })).toMatchObject({
				ok: true,
				matchedSecret: label,
			});
		}
	});

	it('the id is signed, and names the call for replay protection', () => {
		const forged = { ...v1a, 'webhook-id': 'msg_2' };
		expect(verify(STANDARD_WEBHOOKS_V1A, { primary: whpk }, body, forged, { now })).toMatchObject({
			reason: 'signature_mismatch',
		});
		expect(
			verify(STANDARD_WEBHOOKS_V1A, { primary: whpk }, body, v1a, { now, replayKey: true }),
		).toMatchObject({ ok: true, replayKey: 'id:msg_1' });
	});

	it('sign() refuses a public key, and never quotes the key it could not use', () => {
		expect(() => sign(STANDARD_WEBHOOKS_V1A, { primary: whpk }, body, options)).toThrow(
			'The primary private key is a public key: signing needs the private key',
		);
		const broken = `whsk_${Buffer.alloc(48, 1).toString('base64')}`;
		expect(() => sign(STANDARD_WEBHOOKS_V1A, { primary: broken }, body, options)).toThrow(
			/^The primary private key holds 48 bytes;[^A]*$/,
		);
	});
});

/**
 * How many signature checks node:crypto ran during `run`. A pass-through spy:
 * the real verify() still answers. The default import is node:crypto's own
 * module object, whose `verify` core/asymmetric.ts looks up at each call.
 */
function countSignatureChecks<T>(run: () => T): { result: T; checks: number } {
	const spy = jest.spyOn(nodeCrypto, 'verify');
	try {
		const result = run();
		return { result, checks: spy.mock.calls.length };
	} finally {
		spy.mockRestore();
	}
}

describe('Standard Webhooks v1a: a forged call costs a few Ed25519 checks, not one per entry', () => {
	const cap = MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER;
	const signer = standardWebhooksPair();
	// Two keys, as during a rotation: every v1a entry is checked against each.
	const keys = { primary: signer.whpk, secondary: standardWebhooksPair().whpk };
	const body = Buffer.from('{"type":"contact.created"}');
	const now = new Date('2026-11-22T12:00:00Z');
	const signed = sign(STANDARD_WEBHOOKS_V1A, { primary: signer.whsk }, body, {
		id: 'msg_1',
		timestamp: now,
	});
	const genuine = signed['webhook-signature'];
	const forged = (count: number) =>
		Array.from({ length: count }, (_, i) => `v1a,${Buffer.alloc(64, i + 1).toString('base64')}`);
	const v1 = (count: number) =>
		Array.from({ length: count }, (_, i) => `v1,${Buffer.alloc(32, i + 1).toString('base64')}`);
	const call = (entries: string[]) =>
		countSignatureChecks(() =>
			verify(
				STANDARD_WEBHOOKS_V1A,
				keys,
				body,
				{ ...signed, 'webhook-signature': entries.join(' ') },
				{ now },
			),
		);

	it('more v1a entries than the cap are malformed, before any check, even with a genuine one', () => {
		for (const entries of [forged(cap + 1), [...forged(cap), genuine]]) {
			const { result, checks } = call(entries);
			expect(result).toMatchObject({
				ok: false,
				reason: 'malformed_header',
				detail: `Header webhook-signature holds more than ${cap} v1a signatures`,
			});
			expect(checks).toBe(0);
		}
	});

	it('exactly the cap still verifies when one is genuine, and v1 entries beside them do not count', () => {
		for (const entries of [
			[...forged(cap - 1), genuine],
			[...v1(MAX_SIGNATURES_PER_HEADER - cap), ...forged(cap - 1), genuine],
		]) {
			expect(call(entries).result).toMatchObject({ ok: true, matchedSecret: 'primary' });
		}
	});

	it('any forged header costs at most cap × 2 keys checks (each hashes the whole body)', () => {
		let most = 0;
		for (let count = 1; count <= MAX_SIGNATURES_PER_HEADER; count++) {
			const { result, checks } = call(forged(count));
			expect(result).toMatchObject({ ok: false });
			most = Math.max(most, checks);
		}
		expect(most).toBeLessThanOrEqual(cap * 2);
		// The spy sees the checks: the largest accepted header is each entry under each key.
		const { result, checks } = call([...v1(MAX_SIGNATURES_PER_HEADER - cap), ...forged(cap)]);
		expect(result).toMatchObject({ reason: 'signature_mismatch' });
		expect(checks).toBe(cap * 2);
	});

	it('a key-value header of a public-key scheme has the same cap', () => {
		const stripeLike: PublicKeyScheme = {
			...RAW_ED25519,
			signatureFormat: {
				style: 'key-value',
				pairSeparator: ',',
				timestampKey: 't',
				signatureKey: 's',
			},
		};
		const header = (count: number) =>
			Array.from({ length: count }, (_, i) => `s=${Buffer.alloc(64, i + 1).toString('hex')}`).join(
				',',
			);
		const check = (count: number) =>
			countSignatureChecks(() => verify(stripeLike, keys, body, { 'x-signature': header(count) }));
		expect(check(cap)).toMatchObject({ result: { reason: 'signature_mismatch' }, checks: cap * 2 });
		expect(check(cap + 1)).toMatchObject({
			result: {
				reason: 'malformed_header',
				detail: `Header X-Signature holds more than ${cap} "s=" signatures`,
			},
			checks: 0,
		});
	});
});

describe('bad calls: the same reasons as for HMAC schemes', () => {
	const seed = RFC_8032[0].seed;
	const publicKey = RFC_8032[0].publicKey;
	const body = Buffer.from('{"type":1}');
	const now = new Date('2026-11-22T12:00:00Z');
	const good = sign(DISCORD, { primary: seed }, body, { timestamp: now });
	const signature = good['X-Signature-Ed25519'];
	const check = (headers: Record<string, string | string[]>): VerifyResult =>
		verify(DISCORD, { primary: publicKey }, body, headers, { now });
	const ts = { 'X-Signature-Timestamp': good['X-Signature-Timestamp'] };

	it.each([
		['no signature header', ts, 'missing_header'],
		[
			'the signature header twice',
			{ ...ts, 'X-Signature-Ed25519': [signature, signature] },
			'duplicate_header',
		],
		[
			'the timestamp header twice',
			{ 'X-Signature-Ed25519': signature, 'x-signature-timestamp': ['1', '2'] },
			'duplicate_header',
		],
		['no timestamp header', { 'X-Signature-Ed25519': signature }, 'timestamp_missing'],
		[
			'a timestamp that is not unix seconds',
			{ 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': 'yesterday' },
			'timestamp_malformed',
		],
		[
			'a timestamp from the future',
			{
				'X-Signature-Ed25519': signature,
				'X-Signature-Timestamp': String(now.getTime() / 1000 + 400),
			},
			'timestamp_too_new',
		],
		[
			'a signature of 63 bytes',
			{ ...ts, 'X-Signature-Ed25519': signature.slice(2) },
			'malformed_header',
		],
		[
			'a signature of 65 bytes',
			{ ...ts, 'X-Signature-Ed25519': `${signature}00` },
			'malformed_header',
		],
		[
			'a signature that is not hex',
			{ ...ts, 'X-Signature-Ed25519': `${signature.slice(2)}zz` },
			'malformed_header',
		],
		[
			'the signature in base64',
			{ ...ts, 'X-Signature-Ed25519': Buffer.from(signature, 'hex').toString('base64') },
			'malformed_header',
		],
		['all zeros', { ...ts, 'X-Signature-Ed25519': '00'.repeat(64) }, 'signature_mismatch'],
	])('%s: %s', (_name, headers, reason) => {
		const result = check(headers);
		expect(result).toMatchObject({ ok: false, reason });
		expect(result.detail).not.toContain(signature.slice(0, 16));
	});

	it('a malformed ECDSA signature (not DER, wrong length) is malformed or a mismatch, never an error', () => {
		const key = { primary: vectorOf('sendgrid-event-webhook').secret };
		const stamp = { 'X-Twilio-Email-Event-Webhook-Timestamp': '1588788367' };
		const call = (value: string) =>
			verify(SENDGRID, key, body, { ...stamp, 'X-Twilio-Email-Event-Webhook-Signature': value });
		expect(call(Buffer.alloc(7, 0x30).toString('base64'))).toMatchObject({
			reason: 'malformed_header',
		});
		expect(call(Buffer.alloc(73, 0x30).toString('base64'))).toMatchObject({
			reason: 'malformed_header',
		});
		expect(call(Buffer.alloc(70, 0x30).toString('base64'))).toMatchObject({
			reason: 'signature_mismatch',
		});
		expect(call('not base64!')).toMatchObject({ reason: 'malformed_header' });
	});

	it('more v1a entries than a real sender writes is malformed, not work', () => {
		const entry = `v1a,${Buffer.alloc(64).toString('base64')}`;
		const headers = {
			'webhook-id': 'msg_1',
			'webhook-timestamp': String(now.getTime() / 1000),
			'webhook-signature': Array(MAX_SIGNATURES_PER_HEADER + 1)
				.fill(entry)
				.join(' '),
		};
		expect(
			verify(STANDARD_WEBHOOKS_V1A, { primary: publicKey }, body, headers, { now }),
		).toMatchObject({
			reason: 'malformed_header',
		});
	});

	it('the checks before the signature refuse what needs no key, without one', () => {
		expect(precheck(DISCORD, body, ts, { now })).toMatchObject({ reason: 'missing_header' });
		expect(precheck(DISCORD, body, good, { now })).toBeUndefined();
	});

	it('the catalog finds them by id, in the one lookup HMAC schemes use, and tells them by kind', () => {
		expect(findScheme('discord')).toBe(DISCORD);
		expect(findScheme('standardWebhooksV1a')).toBe(STANDARD_WEBHOOKS_V1A);
		expect(findScheme('standardWebhooksV1a')?.kind).toBe('public-key');
		expect(findScheme('standardWebhooks')?.kind).toBe('hmac');
		expect(findScheme('nonesuch')).toBeUndefined();
	});
});
