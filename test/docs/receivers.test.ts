/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * The README's receiver snippets ("Verify what it sends, in your own code")
 * work as printed: each one, in Node.js, Python and PHP, is run on calls Send
 * Webhook really made inside n8n to a receiver on 127.0.0.1, accepts them, and
 * refuses the same calls tampered with, signed with another secret (or, for
 * Standard Webhooks v1a, another key pair), unsigned, or (where the scheme
 * signs a time) stale.
 *
 * A contributor without python3 or php, or without what a snippet needs beyond
 * them (Ed25519 in Python needs the `cryptography` package), sees those
 * languages skipped; CI sets REQUIRE_ALL_SNIPPET_LANGUAGES=1, which turns
 * anything missing into a failure.
 */
import { createHmac, createPrivateKey, randomBytes, sign as signEd25519 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { CONNECTGAIN, STANDARD_WEBHOOKS, STANDARD_WEBHOOKS_V1A, sign } from '../../core';
import { send } from '../nodes/sendWebhookHarness';
import { standardWebhooksPair } from '../helpers/keys';
import { startReceiver, type ReceivedCall, type Receiver } from '../helpers/receiver';
import {
	FENCES,
	interpreterFound,
	LANGUAGES,
	probeSucceeds,
	readmeSnippets,
	runVerify,
	type Language,
	type SnippetCase,
} from '../helpers/snippets';

const SCHEMES = [
	'standard-webhooks',
	'standard-webhooks-v1a',
	'goodfit',
	'smarter-launch',
	'connectgain',
	'vinsight',
] as const;
type Scheme = (typeof SCHEMES)[number];

const snippets = readmeSnippets(
	readFileSync(join(__dirname, '..', '..', 'docs', 'verify-in-your-code.md'), 'utf8'),
);
const requireAll = process.env.REQUIRE_ALL_SNIPPET_LANGUAGES === '1';
const interpreters = {
	node: true,
	python: interpreterFound('python'),
	php: interpreterFound('php'),
};
const interpreterNames: Record<Language, string> = { node: 'node', python: 'python3', php: 'php' };

/** Schemes whose `verify` takes the sender's public key rather than a shared secret. */
const PUBLIC_KEY: ReadonlySet<Scheme> = new Set(['standard-webhooks-v1a']);

/**
 * What a scheme's snippet needs beyond the interpreter, per language: what to
 * install, and a line of code that fails without it.
 */
const EXTRAS: Partial<Record<Scheme, Partial<Record<Language, { needs: string; probe: string }>>>> =
	{
		'standard-webhooks-v1a': {
			python: {
				needs:
					'the `cryptography` package (pip install cryptography; Debian: apt-get install python3-cryptography)',
				probe: 'from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey',
			},
			php: {
				needs: 'the sodium extension (bundled with PHP 8; Debian: php-cli)',
				probe: "exit(function_exists('sodium_crypto_sign_verify_detached') ? 0 : 1);",
			},
		},
	};

/** Why `scheme`'s snippet cannot run in `language` here, or undefined when it can. */
function missing(scheme: Scheme, language: Language): string | undefined {
	if (!interpreters[language]) return `\`${interpreterNames[language]}\` was not found`;
	const extra = EXTRAS[scheme]?.[language];
	if (extra && !probeSucceeds(language, extra.probe))
		return `${interpreterNames[language]} lacks ${extra.needs}`;
	return undefined;
}

interface Case extends SnippetCase {
	readonly name: string;
	readonly expected: boolean;
}

let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver();
});
afterAll(async () => {
	await receiver.close();
});

const textSecret = () => `s3cr3t-${randomBytes(12).toString('hex')}`;
const whsecSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Signs `message` by hand with a whsk_/whpk_ pair (the 32-byte seed and public key as a JWK). */
function ed25519Signature(pair: { whsk: string; whpk: string }, message: Buffer): string {
	const raw = (key: string) =>
		Buffer.from(key.replace(/^wh[sp]k_/, ''), 'base64').toString('base64url');
	const key = createPrivateKey({
		key: { kty: 'OKP', crv: 'Ed25519', d: raw(pair.whsk), x: raw(pair.whpk) },
		format: 'jwk',
	});
	return signEd25519(null, message, key).toString('base64');
}

/** Items with non-ASCII text: a snippet that re-serialises the body (json.dumps escapes it) fails. */
const records = [
	{ json: { id: 1, name: 'Zoë ✓', note: 'Grüße, 東京' } },
	{ json: { id: 2, name: 'Acme Ltd', tags: ['a', 'b'], amount: 12.5 } },
];

/** Runs Send Webhook in n8n and answers the calls it made, byte for byte. */
async function sendCalls(
	parameters: INodeParameters,
	options: Parameters<typeof send>[1],
): Promise<ReceivedCall[]> {
	const before = receiver.calls.length;
	const { delivered, failed } = await send({ url: receiver.url, ...parameters }, options);
	expect(failed).toEqual([]);
	expect(delivered.length).toBeGreaterThan(0);
	return receiver.calls.slice(before);
}

/** A call's headers as `verify` gets them: lower-case names, single values. */
function headersOf(call: ReceivedCall): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(call.headers))
		if (typeof value === 'string') headers[name] = value;
	return headers;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
	expect(headers).toHaveProperty(name);
	const copy = { ...headers };
	delete copy[name];
	return copy;
}

function toCase(
	name: string,
	expected: boolean,
	body: Buffer | string,
	headers: Record<string, string>,
	secret: string,
): Case {
	return {
		name,
		expected,
		bodyBase64: Buffer.from(body).toString('base64'),
		headers,
		secret,
	};
}

/** The body with one byte changed: the first letter's case, so it stays valid JSON. */
function tampered(body: Buffer): Buffer {
	const copy = Buffer.from(body);
	const at = copy.findIndex((byte) => byte >= 0x61 && byte <= 0x7a);
	expect(at).toBeGreaterThanOrEqual(0);
	copy[at] ^= 0x20;
	return copy;
}

/** The cases every scheme has, built on real calls. */
function commonCases(
	calls: readonly ReceivedCall[],
	secret: string,
	signatureHeader: string,
	otherSecret: string,
): Case[] {
	const [first] = calls;
	const headers = headersOf(first);
	return [
		...calls.map((call, i) =>
			toCase(`real call ${i + 1}`, true, call.body, headersOf(call), secret),
		),
		toCase('one body byte changed', false, tampered(first.body), headers, secret),
		toCase('another secret', false, first.body, headers, otherSecret),
		toCase(
			'signature header removed',
			false,
			first.body,
			without(headers, signatureHeader),
			secret,
		),
		toCase('no headers at all', false, first.body, {}, secret),
		toCase(
			'signature header not hex or base64',
			false,
			first.body,
			{ ...headers, [signatureHeader]: '!!! not a signature ✓' },
			secret,
		),
	];
}

const caseBuilders: Record<Scheme, () => Promise<Case[]>> = {
	'standard-webhooks': async () => {
		const secret = whsecSecret();
		const secondary = whsecSecret();
		const calls = await sendCalls(
			{ signatureScheme: 'standardWebhooks' },
			{ secret, items: records },
		);
		expect(calls).toHaveLength(2);
		const [first] = calls;
		const headers = headersOf(first);
		const body = first.body;
		const id = headers['webhook-id'];

		const [rotated] = await sendCalls(
			{ signatureScheme: 'standardWebhooks' },
			{ secret: { secret, secondarySecret: secondary }, items: records.slice(0, 1) },
		);
		expect(headersOf(rotated)['webhook-signature'].split(' ')).toHaveLength(2);

		const signedAt = (date: Date) =>
			lowerCased(sign(STANDARD_WEBHOOKS, { primary: secret }, body, { timestamp: date, id }));
		/** Signed by hand over any timestamp text, so only the timestamp check can refuse it. */
		const signedOver = (timestamp: string) => {
			const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
			const digest = createHmac('sha256', key)
				.update(`${id}.${timestamp}.`)
				.update(body)
				.digest('base64');
			return {
				...headers,
				'webhook-timestamp': timestamp,
				'webhook-signature': `v1,${digest}`,
			};
		};
		const now = String(Math.floor(Date.now() / 1000));
		const digest = headers['webhook-signature'].slice('v1,'.length);

		return [
			...commonCases(calls, secret, 'webhook-signature', whsecSecret()),
			toCase('rotation: the primary secret', true, rotated.body, headersOf(rotated), secret),
			toCase('rotation: the secondary secret', true, rotated.body, headersOf(rotated), secondary),
			toCase('rotation: another secret', false, rotated.body, headersOf(rotated), whsecSecret()),
			toCase('webhook-id removed', false, body, without(headers, 'webhook-id'), secret),
			toCase(
				'webhook-timestamp removed',
				false,
				body,
				without(headers, 'webhook-timestamp'),
				secret,
			),
			toCase('signed by the core now', true, body, signedAt(new Date()), secret),
			toCase(
				'signed 10 minutes ago',
				false,
				body,
				signedAt(new Date(Date.now() - 600_000)),
				secret,
			),
			toCase(
				'signed 10 minutes ahead',
				false,
				body,
				signedAt(new Date(Date.now() + 600_000)),
				secret,
			),
			toCase('signed by hand now', true, body, signedOver(now), secret),
			toCase('timestamp "abc", signed', false, body, signedOver('abc'), secret),
			toCase('timestamp "NaN", signed', false, body, signedOver('NaN'), secret),
			toCase('timestamp empty, signed', false, body, signedOver(''), secret),
			toCase('timestamp 5000 digits, signed', false, body, signedOver('9'.repeat(5000)), secret),
			toCase(
				'signature without its v1, prefix',
				false,
				body,
				{ ...headers, 'webhook-signature': digest },
				secret,
			),
			toCase(
				'signature under another version',
				false,
				body,
				{ ...headers, 'webhook-signature': `v2,${digest}` },
				secret,
			),
		];
	},

	'standard-webhooks-v1a': async () => {
		const pair = standardWebhooksPair();
		const other = standardWebhooksPair();
		const v1a = { signatureScheme: 'standardWebhooksV1a' };
		const keys = { publicKey: pair.whpk, privateKey: pair.whsk };
		const calls = await sendCalls(v1a, { keys, items: records });
		expect(calls).toHaveLength(2);
		const [first] = calls;
		const headers = headersOf(first);
		const body = first.body;
		const id = headers['webhook-id'];
		const entry = headers['webhook-signature'];
		expect(entry).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
		const signature = entry.slice('v1a,'.length);

		// Send Webhook signing with another key pair: real calls, which only that pair's public key accepts.
		const [foreign] = await sendCalls(v1a, {
			keys: { publicKey: other.whpk, privateKey: other.whsk },
			items: records.slice(0, 1),
		});

		const signedAt = (date: Date, privateKeys: { primary: string; secondary?: string }) =>
			lowerCased(sign(STANDARD_WEBHOOKS_V1A, privateKeys, body, { timestamp: date, id }));
		/** Signed by hand over any timestamp text, so only the timestamp check can refuse it. */
		const signedOver = (timestamp: string) => ({
			...headers,
			'webhook-timestamp': timestamp,
			'webhook-signature': `v1a,${ed25519Signature(pair, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))}`,
		});
		// The HMAC scheme's entry over the same id, timestamp and body: what a sender signing both ways adds.
		const hmacEntry = lowerCased(
			sign(STANDARD_WEBHOOKS, { primary: whsecSecret() }, body, {
				timestamp: new Date(Number(headers['webhook-timestamp']) * 1000),
				id,
			}),
		)['webhook-signature'];
		expect(hmacEntry).toMatch(/^v1,/);
		const withSignature = (value: string) => ({ ...headers, 'webhook-signature': value });
		const now = String(Math.floor(Date.now() / 1000));
		const ours = { primary: pair.whsk };

		return [
			...commonCases(calls, pair.whpk, 'webhook-signature', other.whpk),
			toCase('another key pair, a real call', false, foreign.body, headersOf(foreign), pair.whpk),
			toCase(
				'that call, with its own public key',
				true,
				foreign.body,
				headersOf(foreign),
				other.whpk,
			),
			toCase('webhook-id removed', false, body, without(headers, 'webhook-id'), pair.whpk),
			toCase(
				'webhook-timestamp removed',
				false,
				body,
				without(headers, 'webhook-timestamp'),
				pair.whpk,
			),
			toCase('signed by the core now', true, body, signedAt(new Date(), ours), pair.whpk),
			toCase(
				'two v1a entries, ours second',
				true,
				body,
				signedAt(new Date(), { primary: other.whsk, secondary: pair.whsk }),
				pair.whpk,
			),
			toCase(
				'signed 10 minutes ago',
				false,
				body,
				signedAt(new Date(Date.now() - 600_000), ours),
				pair.whpk,
			),
			toCase(
				'signed 10 minutes ahead',
				false,
				body,
				signedAt(new Date(Date.now() + 600_000), ours),
				pair.whpk,
			),
			toCase('signed by hand now', true, body, signedOver(now), pair.whpk),
			toCase('timestamp "abc", signed', false, body, signedOver('abc'), pair.whpk),
			toCase('timestamp "NaN", signed', false, body, signedOver('NaN'), pair.whpk),
			toCase('timestamp empty, signed', false, body, signedOver(''), pair.whpk),
			toCase('timestamp 5000 digits, signed', false, body, signedOver('9'.repeat(5000)), pair.whpk),
			toCase('only a v1, HMAC entry', false, body, withSignature(hmacEntry), pair.whpk),
			toCase(
				'a v1, HMAC entry, then ours',
				true,
				body,
				withSignature(`${hmacEntry} ${entry}`),
				pair.whpk,
			),
			toCase(
				'our signature labelled v1,',
				false,
				body,
				withSignature(`v1,${signature}`),
				pair.whpk,
			),
			toCase('signature without its v1a, prefix', false, body, withSignature(signature), pair.whpk),
			toCase(
				'signature cut to 32 bytes',
				false,
				body,
				withSignature(`v1a,${Buffer.from(signature, 'base64').subarray(0, 32).toString('base64')}`),
				pair.whpk,
			),
			toCase('v1a, and nothing', false, body, withSignature('v1a,'), pair.whpk),
			toCase('v1a, then not base64', false, body, withSignature('v1a,!!!not*base64!!!'), pair.whpk),
		];
	},

	goodfit: async () => {
		const secret = textSecret();
		const [batch] = await sendCalls(
			{ signatureScheme: 'goodfit', batching: 'batch', batchSize: 200 },
			{ secret, items: [...records, { json: { id: 3, name: 'Ødegaard' } }] },
		);
		expect(JSON.parse(batch.body.toString('utf8'))).toHaveLength(3);
		const single = await sendCalls({ signatureScheme: 'goodfit' }, { secret, items: records });
		const headers = headersOf(batch);
		return [
			...commonCases([batch, ...single], secret, 'x-goodfit-hmac-sha256', textSecret()),
			toCase(
				'hex without its sha256= prefix',
				false,
				batch.body,
				{
					...headers,
					'x-goodfit-hmac-sha256': headers['x-goodfit-hmac-sha256'].slice('sha256='.length),
				},
				secret,
			),
		];
	},

	'smarter-launch': async () => {
		const secret = textSecret();
		const calls = await sendCalls({ signatureScheme: 'smarterLaunch' }, { secret, items: records });
		return commonCases(calls, secret, 'x-signature', textSecret());
	},

	connectgain: async () => {
		const secret = textSecret();
		const calls = await sendCalls(
			{ signatureScheme: 'connectgain', eventName: 'contact.created' },
			{ secret, items: records },
		);
		/** Correctly signed by the core, with a fresh (unsigned) X-Webhook-Timestamp header. */
		const signed = (body: string) =>
			lowerCased(
				sign(CONNECTGAIN, { primary: secret }, body, {
					timestamp: new Date(),
					event: 'contact.created',
				}),
			);
		const envelope = (timestamp: unknown) =>
			JSON.stringify({ event: 'contact.created', timestamp, data: records[0].json });
		const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
		const signedCase = (name: string, expected: boolean, body: string) =>
			toCase(name, expected, body, signed(body), secret);

		return [
			...commonCases(calls, secret, 'x-webhook-signature', textSecret()),
			signedCase('envelope signed by the core now', true, envelope(at(0))),
			signedCase('envelope 10 minutes old, header fresh', false, envelope(at(-600_000))),
			signedCase('envelope 10 minutes ahead', false, envelope(at(600_000))),
			signedCase('envelope without a timestamp', false, JSON.stringify({ event: 'x', data: {} })),
			signedCase('envelope timestamp not a date', false, envelope('not a date')),
			signedCase('envelope timestamp null', false, envelope(null)),
			signedCase('body not JSON', false, 'event=contact.created'),
			signedCase('body JSON null', false, 'null'),
			signedCase('body a JSON array', false, '[1,2]'),
			signedCase('body a JSON string', false, '"text"'),
		];
	},

	vinsight: async () => {
		const published = {
			secret: '584af7dfa7f130fa3dbe15f5a805bae4',
			body: '{"test":"json"}',
			signature: '33ed67a6f675f2dc414c8933657c50c105a6b816108e7a4fed763dc917b9ba06',
		};
		const secret = textSecret();
		const calls = await sendCalls({ signatureScheme: 'vinsight' }, { secret, items: records });
		const [vector] = await sendCalls(
			{ signatureScheme: 'vinsight' },
			{ secret: published.secret, items: [{ json: { test: 'json' } }] },
		);
		expect(vector.body.toString('utf8')).toBe(published.body);
		expect(headersOf(vector)['x-signature']).toBe(published.signature);
		return [
			...commonCases(calls, secret, 'x-signature', textSecret()),
			toCase(
				"Vinsight's published test vector",
				true,
				published.body,
				{ 'x-signature': published.signature },
				published.secret,
			),
			toCase(
				'Send Webhook, on the published example',
				true,
				vector.body,
				headersOf(vector),
				published.secret,
			),
		];
	},
};

it('the README prints one receiver per scheme and language, each defining verify', () => {
	expect(snippets.map(({ scheme, language }) => `${scheme}/${language}`).sort()).toEqual(
		SCHEMES.flatMap((scheme) => LANGUAGES.map((language) => `${scheme}/${language}`)).sort(),
	);
	for (const snippet of snippets) {
		const language = snippet.language as Language;
		expect(`${snippet.scheme}/${language}: ${snippet.fence}`).toBe(
			`${snippet.scheme}/${language}: ${FENCES[language]}`,
		);
		const signature = PUBLIC_KEY.has(snippet.scheme as Scheme)
			? {
					node: /^function verify\(rawBody, headers, publicKey\) \{$/m,
					python: /^def verify\(raw_body: bytes, headers: dict, public_key: str\) -> bool:$/m,
					php: /^function verify\(string \$rawBody, array \$headers, string \$publicKey\): bool$/m,
				}[language]
			: {
					node: /^function verify\(rawBody, headers, secret\) \{$/m,
					python: /^def verify\(raw_body: bytes, headers: dict, secret: str\) -> bool:$/m,
					php: /^function verify\(string \$rawBody, array \$headers, string \$secret\): bool$/m,
				}[language];
		expect(snippet.code).toMatch(signature);
		expect(snippet.code).not.toContain('<?php');
	}
});

describe.each(SCHEMES)('%s receivers', (scheme) => {
	let cases: Case[] = [];
	beforeAll(async () => {
		cases = await caseBuilders[scheme]();
		expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
	});

	for (const language of LANGUAGES) {
		const lacking = missing(scheme, language);
		if (lacking && !requireAll) {
			it.skip(`${language}: skipped, ${lacking} (REQUIRE_ALL_SNIPPET_LANGUAGES=1 makes this a failure)`, () => {});
			continue;
		}
		it(`${language}: accepts what Send Webhook sends, refuses everything else`, () => {
			if (lacking)
				throw new Error(`${lacking}, and REQUIRE_ALL_SNIPPET_LANGUAGES=1 requires every language`);
			const snippet = snippets.find((s) => s.scheme === scheme && s.language === language);
			if (!snippet) throw new Error(`README has no ${scheme}/${language} snippet`);
			expect(cases.length).toBeGreaterThan(0);
			const answers = runVerify(language, snippet.code, cases);
			expect(Object.fromEntries(cases.map((c, i) => [c.name, answers[i]]))).toEqual(
				Object.fromEntries(cases.map((c) => [c.name, c.expected])),
			);
		});
	}
});
