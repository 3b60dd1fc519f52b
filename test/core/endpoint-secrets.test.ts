/**
 * Endpoint secrets against an independent HKDF: RFC 5869 written out here
 * with createHmac, checked on the RFC's own vectors, so a mistake in how
 * the core calls hkdfSync (salt and info swapped, the wrong length or
 * encoding) cannot pass by agreeing with itself.
 */
import { createHmac } from 'node:crypto';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import {
	deriveEndpointSecret,
	endpointSecretSet,
	GITHUB,
	sign,
	STANDARD_WEBHOOKS,
	verify,
	type SecretSet,
} from '../../core';

/** RFC 5869 §2.2 and §2.3, with HMAC-SHA256. */
function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number) {
	const prk = createHmac('sha256', salt).update(ikm).digest();
	const blocks: Buffer[] = [];
	let previous = Buffer.alloc(0);
	for (let i = 1; blocks.length * 32 < length; i++) {
		previous = createHmac('sha256', prk)
			.update(Buffer.concat([previous, info, Buffer.from([i])]))
			.digest();
		blocks.push(previous);
	}
	return { prk, okm: Buffer.concat(blocks).subarray(0, length) };
}

const hex = (text: string) => Buffer.from(text, 'hex');

/** What deriveEndpointSecret must give, in raw bytes, for a master key's bytes. */
function expectedBytes(masterKey: Buffer, endpointId: string, version: number): Buffer {
	return hkdf(
		masterKey,
		Buffer.from('n8n-nodes-signed-webhooks endpoint secret', 'utf8'),
		Buffer.from(`${version}:${endpointId}`, 'utf8'),
		32,
	).okm;
}

function secretOf(
	master: SecretSet,
	encoding: Parameters<typeof deriveEndpointSecret>[1],
	id: string,
	version: number,
): string {
	const result = deriveEndpointSecret(master, encoding, id, version);
	if (!result.ok) throw new Error(result.detail);
	return result.secret;
}

describe('the HKDF oracle', () => {
	it('gives RFC 5869 test case 1', () => {
		const { prk, okm } = hkdf(
			hex('0b'.repeat(22)),
			hex('000102030405060708090a0b0c'),
			hex('f0f1f2f3f4f5f6f7f8f9'),
			42,
		);
		expect(prk.toString('hex')).toBe(
			'077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
		);
		expect(okm.toString('hex')).toBe(
			'3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
		);
	});

	it('gives RFC 5869 test case 3 (no salt, no info)', () => {
		const { prk, okm } = hkdf(hex('0b'.repeat(22)), Buffer.alloc(0), Buffer.alloc(0), 42);
		expect(prk.toString('hex')).toBe(
			'19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
		);
		expect(okm.toString('hex')).toBe(
			'8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
		);
	});
});

describe('deriveEndpointSecret', () => {
	const masterBytes = hex('7f3a9c0e5b2d4f6a8c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a');

	it('a text master: its UTF-8 bytes in, 64 lowercase hex characters out', () => {
		const master = 'correct horse battery staple ✓';
		const secret = secretOf({ primary: master }, 'text', 'ep_1', 1);
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(secret).toBe(expectedBytes(Buffer.from(master, 'utf8'), 'ep_1', 1).toString('hex'));
	});

	it('a hex master: its bytes in, hex out', () => {
		const secret = secretOf({ primary: masterBytes.toString('hex') }, 'hex', 'ep_1', 3);
		expect(secret).toBe(expectedBytes(masterBytes, 'ep_1', 3).toString('hex'));
	});

	it('a base64 master: its bytes in, base64 out', () => {
		const secret = secretOf({ primary: masterBytes.toString('base64') }, 'base64', 'cg:42', 2);
		expect(secret).toBe(expectedBytes(masterBytes, 'cg:42', 2).toString('base64'));
		expect(Buffer.from(secret, 'base64')).toHaveLength(32);
	});

	it('a Standard Webhooks master: the bytes after whsec_ in, whsec_ and base64 out', () => {
		const master = `whsec_${masterBytes.toString('base64')}`;
		const secret = secretOf({ primary: master }, 'whsec', 'ep_1', 1);
		expect(secret).toBe(`whsec_${expectedBytes(masterBytes, 'ep_1', 1).toString('base64')}`);
	});

	it("the credential's encoding overrides the scheme's, on the way in and out", () => {
		const master: SecretSet = { primary: masterBytes.toString('hex'), encoding: 'hex' };
		expect(secretOf(master, 'text', 'ep_1', 1)).toBe(
			expectedBytes(masterBytes, 'ep_1', 1).toString('hex'),
		);
		// The same text read as text is another master key, so another secret.
		expect(secretOf({ primary: master.primary }, 'text', 'ep_1', 1)).not.toBe(
			secretOf(master, 'text', 'ep_1', 1),
		);
	});

	it('each id and version has its own secret; the version cannot be read into the id', () => {
		const master = { primary: 'master' };
		const pairs: Array<[string, number]> = [
			['ep_1', 1],
			['ep_1', 2],
			['ep_1', 10],
			['ep_2', 1],
			['ep_10', 1],
			['2:x', 1],
			['x', 12],
			['1:x', 1],
			['x', 1],
			['0', 1],
		];
		const secrets = pairs.map(([id, version]) => secretOf(master, 'text', id, version));
		expect(new Set(secrets).size).toBe(pairs.length);
		// The same inputs, the same secret: nothing random, nothing stored.
		expect(secretOf(master, 'text', 'ep_1', 2)).toBe(secrets[1]);
	});

	it('uses the primary secret only', () => {
		const withSecondary = { primary: 'master', secondary: 'old-master' };
		expect(secretOf(withSecondary, 'text', 'ep_1', 1)).toBe(
			secretOf({ primary: 'master' }, 'text', 'ep_1', 1),
		);
	});

	it.each([{}, { primary: '' }, { secondary: 'only-the-old-one' }])(
		'without a primary secret (%j): no_secret',
		(master) => {
			expect(deriveEndpointSecret(master, 'text', 'ep_1', 1)).toEqual({
				ok: false,
				reason: 'no_secret',
				detail:
					"No master secret is configured: the credential's primary secret derives each endpoint's",
			});
		},
	);

	it('a master that is not valid in its encoding: invalid_secret, without showing it', () => {
		const result = deriveEndpointSecret({ primary: 'not-hex-at-all' }, 'hex', 'ep_1', 1);
		expect(result).toEqual({
			ok: false,
			reason: 'invalid_secret',
			detail: 'The primary secret is not valid hex',
		});
		expect(deriveEndpointSecret({ primary: 'c2VjcmV0' }, 'whsec', 'ep_1', 1).ok).toBe(true);
		expect(deriveEndpointSecret({ primary: 'whsec_!!' }, 'whsec', 'ep_1', 1)).toMatchObject({
			reason: 'invalid_secret',
		});
	});

	it.each([
		['', 1, 'The endpoint id is empty'],
		['ep 1', 1, /^The endpoint id has " " \(U\+0020\) at position 3/],
		['a'.repeat(201), 1, 'The endpoint id is 201 characters long; at most 200 are allowed'],
		['ep_1', 0, 'The secret version must be a whole number from 1 to 1000000'],
		['ep_1', 1.5, 'The secret version must be a whole number from 1 to 1000000'],
		['ep_1', 1_000_001, 'The secret version must be a whole number from 1 to 1000000'],
		['ep_1', Number.NaN, 'The secret version must be a whole number from 1 to 1000000'],
	])('refuses id %j version %p: invalid_endpoint', (id, version, detail) => {
		const result = deriveEndpointSecret({ primary: 'master' }, 'text', id, version);
		expect(result).toMatchObject({ ok: false, reason: 'invalid_endpoint' });
		if (!result.ok) expect(result.detail).toMatch(detail);
		expect(deriveEndpointSecret({ primary: 'master' }, 'text', 'ep_1', 1_000_000).ok).toBe(true);
	});
});

describe('endpoint secrets on the wire', () => {
	const master = { primary: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
	const payload = '{"type":"deal.created","data":{"id":42}}';

	it('the official standardwebhooks library verifies a call signed with the revealed whsec_ secret', () => {
		const revealed = secretOf(master, STANDARD_WEBHOOKS.secretEncoding, 'ep_crm', 1);
		const now = new Date();
		const headers = sign(STANDARD_WEBHOOKS, { primary: revealed }, payload, {
			id: 'msg_endpoint',
			timestamp: now,
		});
		expect(new StandardWebhook(revealed).verify(payload, headers)).toEqual(JSON.parse(payload));
		// Another endpoint's secret, or the master itself, does not verify it.
		const other = secretOf(master, STANDARD_WEBHOOKS.secretEncoding, 'ep_erp', 1);
		expect(() => new StandardWebhook(other).verify(payload, headers)).toThrow();
		expect(() => new StandardWebhook(master.primary).verify(payload, headers)).toThrow();
	});

	it('during a rotation both the old and the new secret verify the call', () => {
		const now = new Date();
		const rotation = { overlapMs: 24 * 3600_000, now };
		const set = endpointSecretSet(
			master,
			STANDARD_WEBHOOKS.secretEncoding,
			{ id: 'ep_crm', secretVersion: 2, secretRotatedAt: new Date(now.getTime() - 3600_000) },
			rotation,
		);
		if (!set.ok) throw new Error(set.detail);
		const headers = sign(STANDARD_WEBHOOKS, set.secrets, payload, {
			id: 'msg_rot',
			timestamp: now,
		});
		expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
		for (const version of [1, 2]) {
			const secret = secretOf(master, 'whsec', 'ep_crm', version);
			expect(() => new StandardWebhook(secret).verify(payload, headers)).not.toThrow();
		}
		expect(() =>
			new StandardWebhook(secretOf(master, 'whsec', 'ep_crm', 3)).verify(payload, headers),
		).toThrow();
	});

	it("a text scheme's secret is its hex text on both sides", () => {
		const set = endpointSecretSet(
			{ primary: 'master' },
			GITHUB.secretEncoding,
			{ id: 'ep_1', secretVersion: 1 },
			{
				overlapMs: 0,
				now: new Date(),
			},
		);
		if (!set.ok) throw new Error(set.detail);
		const headers = sign(GITHUB, set.secrets, payload);
		const revealed = secretOf({ primary: 'master' }, 'text', 'ep_1', 1);
		expect(headers['X-Hub-Signature-256']).toBe(
			`sha256=${createHmac('sha256', revealed).update(payload).digest('hex')}`,
		);
		expect(verify(GITHUB, { primary: revealed }, Buffer.from(payload), headers).ok).toBe(true);
	});
});

describe('endpointSecretSet: the rotation window', () => {
	const master = { primary: 'master' };
	const rotatedAt = new Date('2026-03-01T00:00:00Z');
	const overlapMs = 24 * 3600_000;
	const endpoint = { id: 'ep_1', secretVersion: 3, secretRotatedAt: rotatedAt };
	const v3 = secretOf(master, 'text', 'ep_1', 3);
	const v2 = secretOf(master, 'text', 'ep_1', 2);
	const at = (offsetMs: number) => new Date(rotatedAt.getTime() + offsetMs);

	it.each([
		['before the rotation (a clock behind)', -60_000, true],
		['at the rotation', 0, true],
		['1 ms before the overlap ends', overlapMs - 1, true],
		['when the overlap ends', overlapMs, false],
		['after the overlap', overlapMs + 60_000, false],
	])('%s: the old secret is secondary: %p', (_, offsetMs, overlapping) => {
		const result = endpointSecretSet(master, 'text', endpoint, { overlapMs, now: at(offsetMs) });
		expect(result).toStrictEqual({
			ok: true,
			secrets: overlapping ? { primary: v3, secondary: v2 } : { primary: v3 },
		});
	});

	it('no overlap without a rotation time, for version 1, or with an overlap of 0', () => {
		const now = at(1000);
		const only = (version: number) => ({
			ok: true,
			secrets: { primary: secretOf(master, 'text', 'ep_1', version) },
		});
		expect(
			endpointSecretSet(master, 'text', { id: 'ep_1', secretVersion: 3 }, { overlapMs, now }),
		).toStrictEqual(only(3));
		expect(
			endpointSecretSet(
				master,
				'text',
				{ id: 'ep_1', secretVersion: 1, secretRotatedAt: rotatedAt },
				{ overlapMs, now },
			),
		).toStrictEqual(only(1));
		expect(
			endpointSecretSet(master, 'text', endpoint, { overlapMs: 0, now: rotatedAt }),
		).toStrictEqual(only(3));
	});

	it("keeps the master's encoding, so the set is read as it was written", () => {
		const hexMaster: SecretSet = { primary: '00112233445566778899aabbccddeeff', encoding: 'hex' };
		const result = endpointSecretSet(hexMaster, 'whsec', endpoint, { overlapMs, now: at(0) });
		expect(result).toStrictEqual({
			ok: true,
			secrets: {
				primary: secretOf(hexMaster, 'whsec', 'ep_1', 3),
				secondary: secretOf(hexMaster, 'whsec', 'ep_1', 2),
				encoding: 'hex',
			},
		});
		if (result.ok) expect(result.secrets.primary).toMatch(/^[0-9a-f]{64}$/);
	});

	it('passes on what the derivation refuses, and refuses an overlap that is no duration', () => {
		const now = at(0);
		expect(endpointSecretSet({}, 'text', endpoint, { overlapMs, now })).toMatchObject({
			ok: false,
			reason: 'no_secret',
		});
		expect(
			endpointSecretSet(master, 'text', { ...endpoint, secretVersion: 0 }, { overlapMs, now }),
		).toMatchObject({ ok: false, reason: 'invalid_endpoint' });
		for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
			expect(endpointSecretSet(master, 'text', endpoint, { overlapMs: bad, now })).toEqual({
				ok: false,
				reason: 'invalid_rotation',
				detail: 'The rotation overlap must be a number of ms, 0 or more',
			});
	});
});
