/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * Forged calls of maximal size (n8n's body limit, N8N_PAYLOAD_SIZE_MAX: 16
 * MiB) for each scheme family, in the shapes that cost a receiver most before
 * any secret is used: JSON nested millions deep, or millions of small values
 * and members; forms of millions of parameters, or of a thousand huge ones
 * full of escapes. Each is refused, through receive() (the trigger's path),
 * and the work done before the signature decides is counted, never timed:
 * - no JSON.parse is handed more than a few KiB of a body (the members a
 *   scheme reads are found by jsonMembers.ts, which does not parse);
 * - a form's parameters are decoded once, and at most MAX_FORM_PARAMETERS of
 *   them; a form with more is refused before any is decoded;
 * - a public-key header is checked at most MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER
 *   times per key, each a pass over the body; one with more is refused unchecked.
 * What these cost in time is bench/forged.ts's (BENCHMARKS.md, "Forged calls").
 *
 * npm test runs every family and shape once at 16 MiB; npm run fuzz also draws
 * sizes, shapes and their mix at random.
 */
import nodeCrypto from 'node:crypto';

import fc from 'fast-check';

import {
	CONNECTGAIN,
	GITHUB,
	LINEAR,
	MAILGUN,
	MAX_FORM_PARAMETERS,
	MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER,
	MAX_SIGNATURES_PER_HEADER,
	ReplayMemory,
	STANDARD_WEBHOOKS,
	STANDARD_WEBHOOKS_V1A,
	TWILIO,
	VINSIGHT,
	receive,
	sign,
	withBodyHash,
	type ReceiveRejectionReason,
	type Scheme,
	type SecretSet,
} from '../../core';
import { fuzzRuns, fuzzTimeout, LONG_FUZZ } from '../helpers/fuzz';
import { standardWebhooksPair } from '../helpers/keys';

const MAX_BODY = 16 * 1024 * 1024;
const now = new Date();
const unix = Math.floor(now.getTime() / 1000);
const asWhsec = (text: string) => `whsec_${Buffer.from(text).toString('base64')}`;
/** The receiver's two public keys (a rotation doubles the checks), and a forger's key pair. */
const receiverKeys = {
	primary: standardWebhooksPair().whpk,
	secondary: standardWebhooksPair().whpk,
};
const forgerKey = standardWebhooksPair().whsk;

/** The receiver's secrets (two: a rotation doubles the HMACs), and the forger's, in the scheme's format. */
function secretsOf(scheme: Scheme): SecretSet {
	if (scheme.kind === 'public-key') return receiverKeys;
	return scheme.secretEncoding === 'whsec'
		? { primary: asWhsec('the-real-secret'), secondary: asWhsec('the-previous-secret') }
		: { primary: 'the-real-secret', secondary: 'the-previous-secret' };
}
function forgerOf(scheme: Scheme): SecretSet {
	if (scheme.kind === 'public-key') return { primary: forgerKey };
	return {
		primary: scheme.secretEncoding === 'whsec' ? asWhsec('not-the-secret') : 'not-the-secret',
	};
}

/** The largest text JSON.parse is handed before a signature decides: a Mailgun signature member. */
const MAX_PARSED_BEFORE_SIGNATURE = 4096;

type Shape = (size: number) => string;

/** JSON values of about `size` bytes that are costly to parse whole. */
const JSON_SHAPES: Record<string, Shape> = {
	'arrays nested millions deep': (size) => '['.repeat(size / 2) + ']'.repeat(size / 2),
	'objects nested millions deep': (size) => '{"a":'.repeat(size / 6) + '1' + '}'.repeat(size / 6),
	'millions of empty objects': (size) => `[${'{},'.repeat(size / 3 - 1)}{}]`,
	'millions of members': (size) => {
		// 12 bytes each: `"0000042":0,`.
		const members = Array.from(
			{ length: size / 12 },
			(_, i) => `"${String(i).padStart(7, '0')}":0`,
		);
		return `{${members.join(',')}}`;
	},
	'one string of escapes': (size) => `"${'\\u0041'.repeat(size / 6)}"`,
};

/** Form bodies of about `size` bytes. */
const FORM_SHAPES: Record<string, Shape> = {
	'millions of parameters': (size) => 'k=v&'.repeat(size / 4 - 1) + 'k=v',
	'a thousand huge escaped values': (size) => {
		const value = '%41'.repeat(Math.floor(size / MAX_FORM_PARAMETERS / 3) - 2);
		return Array.from({ length: MAX_FORM_PARAMETERS - 4 }, (_, i) => `p${i}=${value}`).join('&');
	},
};

interface ForgedCall {
	readonly scheme: Scheme;
	readonly body: Buffer;
	readonly headers: Record<string, string>;
	readonly url?: string;
	/** Why it must be refused; several where the shape decides. */
	readonly refusedAs: readonly ReceiveRejectionReason[];
}

const textPlain = { 'content-type': 'text/plain' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** A JSON object whose first member the scheme reads and whose second is the hostile value. */
function jsonAround(member: string, hostile: string): Buffer {
	return Buffer.from(`{${member},"data":${hostile}}`);
}

/** Well-formed headers signed with the wrong secret: every check but the signature passes. */
function forgedHeaders(scheme: Scheme, body: Buffer, url?: string) {
	const signed = sign(scheme, forgerOf(scheme), body, { timestamp: now, id: 'msg_forged', url });
	return Object.fromEntries(
		Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]),
	);
}

/** The forged calls of every family, with the hostile value `json` or form `text`. */
const FAMILIES: Record<string, (json: string, formText: string) => ForgedCall[]> = {
	'GitHub (a header, the body signed as it is)': (json) => {
		const body = Buffer.from(json);
		return [
			{
				scheme: GITHUB,
				body,
				headers: forgedHeaders(GITHUB, body),
				refusedAs: ['signature_mismatch'],
			},
		];
	},
	'Standard Webhooks v1 (the most signatures a header may hold)': (json) => {
		const body = Buffer.from(json);
		const headers = forgedHeaders(STANDARD_WEBHOOKS, body);
		const entry = headers['webhook-signature'];
		headers['webhook-signature'] = Array(MAX_SIGNATURES_PER_HEADER).fill(entry).join(' ');
		return [{ scheme: STANDARD_WEBHOOKS, body, headers, refusedAs: ['signature_mismatch'] }];
	},
	'Standard Webhooks v1a (Ed25519 under two keys, every entry a pass over the body)': (json) => {
		const body = Buffer.from(json);
		const headers = forgedHeaders(STANDARD_WEBHOOKS_V1A, body);
		const entry = headers['webhook-signature'];
		const entries = (count: number) => ({
			...headers,
			'webhook-signature': Array(count).fill(entry).join(' '),
		});
		const most = MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER;
		return [
			{
				scheme: STANDARD_WEBHOOKS_V1A,
				body,
				headers: entries(most),
				refusedAs: ['signature_mismatch'],
			},
			{
				scheme: STANDARD_WEBHOOKS_V1A,
				body,
				headers: entries(most + 1),
				refusedAs: ['malformed_header'],
			},
		];
	},
	'Vinsight (a JSON body, never parsed before the signature)': (json) => {
		const body = Buffer.from(json);
		const headers = { ...textPlain, ...forgedHeaders(VINSIGHT, body) };
		return [{ scheme: VINSIGHT, body, headers, refusedAs: ['signature_mismatch'] }];
	},
	'Linear and ConnectGain (the timestamp inside the JSON body)': (json) => {
		const linear = jsonAround(`"webhookTimestamp":${now.getTime()}`, json);
		const connectgain = jsonAround(`"timestamp":"${now.toISOString()}"`, json);
		return [
			{
				scheme: LINEAR,
				body: linear,
				headers: { ...textPlain, ...forgedHeaders(LINEAR, linear) },
				refusedAs: ['signature_mismatch'],
			},
			{
				scheme: { ...CONNECTGAIN, toleranceSeconds: 300 },
				body: connectgain,
				headers: { ...textPlain, ...forgedHeaders(CONNECTGAIN, connectgain) },
				refusedAs: ['signature_mismatch'],
			},
		];
	},
	'Mailgun (the signature inside the body, JSON or form)': (json, formText) => {
		const token = 'a'.repeat(50);
		const signature = '0'.repeat(64);
		const member = `"signature":{"timestamp":"${unix}","token":"${token}","signature":"${signature}"}`;
		const fields = `timestamp=${unix}&token=${token}&signature=${signature}&`;
		return [
			{
				scheme: MAILGUN,
				body: jsonAround(member, json),
				headers: textPlain,
				refusedAs: ['signature_mismatch'],
			},
			{
				scheme: MAILGUN,
				body: Buffer.from(fields + formText),
				headers: form,
				refusedAs: ['signature_mismatch', 'too_many_form_parameters'],
			},
		];
	},
	'Twilio (the form decoded and sorted, or the body hashed into the URL)': (json, formText) => {
		const url = 'https://example.test/twilio';
		const formBody = Buffer.from(formText);
		const jsonBody = Buffer.from(json);
		// The URL claims the digest of another body.
		const hashed = withBodyHash(TWILIO, url, Buffer.from('{}'));
		return [
			{
				scheme: TWILIO,
				body: formBody,
				url,
				headers: { ...form, ...forgedHeaders(TWILIO, Buffer.from('a=b'), url) },
				refusedAs: ['signature_mismatch', 'too_many_form_parameters'],
			},
			{
				scheme: TWILIO,
				body: jsonBody,
				url: hashed,
				headers: {
					'content-type': 'application/json',
					...forgedHeaders(TWILIO, Buffer.from('{}'), hashed),
				},
				refusedAs: ['body_hash_mismatch'],
			},
		];
	},
};

interface Work {
	/** The longest text JSON.parse was handed. */
	longestParsed: number;
	/** decodeURIComponent calls: a form parameter's name or value decoded. */
	decoded: number;
	/** node:crypto verify() calls: public-key checks, each a pass over the signed bytes. */
	keyChecks: number;
}

/** Runs `call` through receive() while counting the work its checks do. */
async function receiveCounting(call: ForgedCall) {
	const work: Work = { longestParsed: 0, decoded: 0, keyChecks: 0 };
	// Counted as they pass, never replaced: the checks are node:crypto's own.
	const verifySpy = jest.spyOn(nodeCrypto, 'verify');
	const parse = JSON.parse;
	const decode = globalThis.decodeURIComponent;
	const parseSpy = jest.spyOn(JSON, 'parse').mockImplementation((text: string, reviver) => {
		work.longestParsed = Math.max(work.longestParsed, text.length);
		return parse(text, reviver) as unknown;
	});
	const decodeSpy = jest.spyOn(globalThis, 'decodeURIComponent').mockImplementation((text) => {
		work.decoded++;
		return decode(text);
	});
	try {
		const result = await receive(
			call.scheme,
			secretsOf(call.scheme),
			{ body: call.body, headers: call.headers, url: call.url, method: 'POST' },
			{ now, replay: { store: new ReplayMemory(), rememberSeconds: 300, duplicateStatus: 200 } },
		);
		return { result, work: { ...work, keyChecks: verifySpy.mock.calls.length } };
	} finally {
		verifySpy.mockRestore();
		parseSpy.mockRestore();
		decodeSpy.mockRestore();
	}
}

async function expectRefusedCheaply(call: ForgedCall): Promise<void> {
	const { result, work } = await receiveCounting(call);
	expect(result.ok).toBe(false);
	if (result.ok) return;
	expect(call.refusedAs).toContain(result.reason);
	expect(work.longestParsed).toBeLessThanOrEqual(MAX_PARSED_BEFORE_SIGNATURE);
	if (result.reason === 'too_many_form_parameters') expect(work.decoded).toBe(0);
	// Each parameter's name and value once: one inspection, never two.
	else expect(work.decoded).toBeLessThanOrEqual(2 * MAX_FORM_PARAMETERS);
	// Every signature under every key (primary and secondary), no more; none for a header refused as too long.
	if (result.reason === 'malformed_header') expect(work.keyChecks).toBe(0);
	else expect(work.keyChecks).toBeLessThanOrEqual(2 * MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER);
}

/** Each shape at the largest size that leaves room for what a family wraps around it, built once. */
const built = new Map<Shape, string>();
function maximal(shape: Shape): string {
	let text = built.get(shape);
	if (text === undefined) built.set(shape, (text = shape(MAX_BODY - 1024)));
	return text;
}

describe('forged calls of maximal size, every family and shape', () => {
	const formShapes = Object.entries(FORM_SHAPES);
	const jsonShapes = Object.entries(JSON_SHAPES);
	for (const [family, calls] of Object.entries(FAMILIES)) {
		// Each JSON shape with each form shape in turn, so every shape meets every family.
		jsonShapes.forEach(([jsonShape, json], index) => {
			const [formShape, formText] = formShapes[index % formShapes.length];
			it(`${family}: ${jsonShape} / ${formShape}`, async () => {
				for (const call of calls(maximal(json), maximal(formText))) {
					expect(call.body.length).toBeLessThanOrEqual(MAX_BODY);
					await expectRefusedCheaply(call);
				}
			});
		});
	}

	it('a form of exactly MAX_FORM_PARAMETERS is read; one more is refused before any is decoded', async () => {
		const atLimit = Array.from({ length: MAX_FORM_PARAMETERS }, (_, i) => `p${i}=${i}`).join('&');
		const url = 'https://example.test/twilio';
		const headers = { ...form, ...forgedHeaders(TWILIO, Buffer.from('a=b'), url) };
		const call = { scheme: TWILIO, url, headers, refusedAs: [] };
		const read = await receiveCounting({ ...call, body: Buffer.from(atLimit) });
		expect(read.result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		expect(read.work.decoded).toBe(2 * MAX_FORM_PARAMETERS);
		const over = await receiveCounting({ ...call, body: Buffer.from(`${atLimit}&one=more`) });
		expect(over.result).toMatchObject({
			ok: false,
			reason: 'too_many_form_parameters',
			status: 413,
		});
		expect(over.work.decoded).toBe(0);
	});
});

describe('public-key checks, counted', () => {
	it('a forged v1a header of the most signatures costs that many checks per key, and the spy sees them', async () => {
		const family =
			FAMILIES['Standard Webhooks v1a (Ed25519 under two keys, every entry a pass over the body)'];
		const [most] = family('{"event":"forged"}', '');
		const { result, work } = await receiveCounting(most);
		expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		expect(work.keyChecks).toBe(2 * MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER);
	});
});

describe('forged calls of random size and mixed shapes', () => {
	const shape = (shapes: Record<string, Shape>) => fc.constantFrom(...Object.values(shapes));
	it(
		'are refused, with the work before the signature bounded the same way',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.constantFrom(...Object.values(FAMILIES)),
					shape(JSON_SHAPES),
					shape(FORM_SHAPES),
					fc.integer({ min: 64 * 1024, max: LONG_FUZZ ? MAX_BODY - 1024 : 1024 * 1024 }),
					async (family, json, formText, size) => {
						// Sizes that keep each shape whole: a multiple of every unit it repeats.
						const even = size - (size % 12);
						for (const call of family(json(even), formText(even))) await expectRefusedCheaply(call);
					},
				),
				{ numRuns: fuzzRuns(10, 200) },
			);
		},
		fuzzTimeout(60_000, 1_800_000),
	);
});
