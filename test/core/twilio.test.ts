/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it runs in Node, never inside n8n */
/**
 * Twilio, against twilio-node 6.2.0's own webhooks code (dev dependency):
 * what we sign, validateRequest / validateRequestWithBody accept; what
 * getExpectedTwilioSignature signs, we accept, the default-port variants
 * included; and every tampered call is refused with its reason. The form
 * parameters twilio-node is given are what Express's urlencoded parser
 * (Node's querystring) makes of the exact body sent.
 */
import { createHash } from 'node:crypto';
import { parse as parseForm } from 'node:querystring';

import fc from 'fast-check';
import {
	getExpectedBodyHash,
	getExpectedTwilioSignature,
	validateRequest,
	validateRequestWithBody,
} from 'twilio/lib/webhooks/webhooks';

import {
	SigningError,
	TWILIO,
	sign,
	verify,
	withBodyHash,
	type HeaderBag,
	type VerifyResult,
} from '../../core';
import { seeded, seedFrom } from '../helpers/seeded';

/** Replays a failure of the property test below, token included: TWILIO_SEED=<seed> npx jest twilio. */
const SEED = seedFrom('TWILIO_SEED');
const token = seeded(SEED).bytes(16).toString('hex');
const HEADER = 'X-Twilio-Signature';

/** A form body, written as Twilio writes one (URLSearchParams: spaces as `+`). */
function formBody(pairs: readonly (readonly [string, string])[]): Buffer {
	const form = new URLSearchParams();
	for (const [name, value] of pairs) form.append(name, value);
	return Buffer.from(form.toString(), 'utf8');
}

/**
 * What Express's urlencoded parser hands twilio-node: repeated names become
 * arrays. Copied into arrays of this realm: Jest runs the test (and
 * twilio-node) in a sandbox whose Array is not the one node:querystring
 * builds with, and twilio-node tells a repeated name by `instanceof Array`.
 */
function expressParams(body: Buffer): Record<string, string | string[]> {
	return Object.fromEntries(
		Object.entries(parseForm(body.toString('utf8'))).map(([name, value]) => [
			name,
			Array.isArray(value) ? Array.from(value as string[]) : (value ?? ''),
		]),
	);
}

function ours(body: Buffer | string, url: string, secret = token): string {
	return sign(TWILIO, { primary: secret }, body, { url })[HEADER];
}

function check(
	body: Buffer,
	url: string | undefined,
	headers: HeaderBag,
	secrets: { primary?: string; secondary?: string } = { primary: token },
): VerifyResult {
	return verify(TWILIO, secrets, body, headers, { url, method: 'POST' });
}

const checkSignature = (body: Buffer, url: string, signature: string) =>
	check(body, url, { 'x-twilio-signature': signature });

/** Form posts that exercise the encoding: `+`, spaces, escapes, unicode, empty and repeated values. */
const FORM_CASES: { name: string; pairs: [string, string][] }[] = [
	{
		name: 'a voice call',
		pairs: [
			['CallSid', 'CA1234567890ABCDE'],
			['Caller', '+14158675309'],
			['Digits', '1234'],
			['From', '+14158675309'],
			['To', '+18005551212'],
		],
	},
	{
		name: 'an SMS with spaces, + signs, percent signs, & and =',
		pairs: [
			['Body', 'Hi + bye 100% a&b=c %20 not an escape'],
			['From', '+4477 0090 0000'],
			['MessageSid', 'SM123'],
		],
	},
	{
		name: 'unicode: accents, CJK, emoji, a line break',
		pairs: [
			['Body', 'Grüße 東京 ✓ 🎉\nline two'],
			['ProfileName', 'Zoë'],
		],
	},
	{
		name: 'empty values and an empty body field',
		pairs: [
			['Body', ''],
			['NumMedia', '0'],
			['ReferralNumMedia', ''],
		],
	},
	{
		name: 'a repeated name, values out of order and one repeated',
		pairs: [
			['Digits', '5678'],
			['Sid', 'CA123'],
			['Digits', '1234'],
			['Digits', '1234'],
			['SidAccount', 'AC123'],
		],
	},
	{
		name: 'names that sort by code unit (upper case before lower case, a prefix first)',
		pairs: [
			['a', '1'],
			['B', '2'],
			['ab', '3'],
			['A', '4'],
			['_', '5'],
		],
	},
	{ name: 'no parameters at all', pairs: [] },
];

const URLS = [
	'https://mycompany.com/myapp.php?foo=1&bar=2',
	'https://hooks.example.com/webhook/twilio',
	'https://hooks.example.com:8443/n8n/webhook/sms?tenant=a%20b&x=%C3%A9',
	'http://127.0.0.1:5678/webhook/twilio?q=1',
	'http://example.test/webhook/voice',
];

/** The same URL with the scheme's default port written out (twilio-node's addPort). */
function withPort(url: string): string {
	return url.replace(/^(https?):\/\/([^/?#:]+)(?=[/?#]|$)/, (_, scheme: string, host: string) =>
		scheme === 'https' ? `https://${host}:443` : `http://${host}:80`,
	);
}

describe('Twilio form posts, against twilio-node', () => {
	describe.each(FORM_CASES)('$name', ({ pairs }) => {
		const body = formBody(pairs);
		const params = expressParams(body);

		it.each(URLS)('what we sign, validateRequest accepts; byte for byte the same (%s)', (url) => {
			const signature = ours(body, url);
			expect(validateRequest(token, signature, url, params)).toBe(true);
			expect(signature).toBe(getExpectedTwilioSignature(token, url, params));
		});

		it.each(URLS)('what twilio-node signs, we accept (%s)', (url) => {
			const theirs = getExpectedTwilioSignature(token, url, params);
			expect(checkSignature(body, url, theirs)).toMatchObject({ ok: true });
		});
	});

	it.each(URLS.filter((url) => !/:\d+\//.test(url)))(
		'a signature over the URL with the default port written out, or left out, verifies either way, as in twilio-node (%s)',
		(url) => {
			const body = formBody(FORM_CASES[0].pairs);
			const params = expressParams(body);
			const ported = withPort(url);
			expect(ported).not.toBe(url);
			const overPorted = getExpectedTwilioSignature(token, ported, params);
			const overBare = getExpectedTwilioSignature(token, url, params);
			expect(overPorted).not.toBe(overBare);
			for (const [signature, arrived] of [
				[overPorted, url],
				[overBare, ported],
			]) {
				expect(validateRequest(token, signature, arrived, params)).toBe(true);
				expect(checkSignature(body, arrived, signature)).toMatchObject({ ok: true });
			}
		},
	);

	it('a repeated name is signed once per distinct value, sorted: twilio-php’s published vector', () => {
		const body = formBody([
			['Sid', 'CA123'],
			['SidAccount', 'AC123'],
			['Digits', '5678'],
			['Digits', '1234'],
			['Digits', '1234'],
		]);
		const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
		expect(ours(body, url, '12345')).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
		expect(getExpectedTwilioSignature('12345', url, expressParams(body))).toBe(
			'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
		);
	});

	it('reads the exact bytes: raw spaces, lower-case escapes and escaped letters decode as Express decodes them', () => {
		const url = URLS[1];
		// Not how URLSearchParams writes them, but the same parameters to a form parser.
		for (const raw of [
			'Body=a b&From=%2b1',
			'Body=a%20b&From=%2B1',
			'B%6fdy=a+b&From=%2B1',
			'Body=%e2%9c%93&From=x',
		]) {
			const body = Buffer.from(raw, 'latin1');
			const params = expressParams(body);
			const signature = ours(body, url);
			expect(validateRequest(token, signature, url, params)).toBe(true);
			expect(
				checkSignature(body, url, getExpectedTwilioSignature(token, url, params)),
			).toMatchObject({ ok: true });
		}
	});
});

describe('Twilio JSON bodies (bodySHA256), against twilio-node', () => {
	const bodies = [
		'{"property": "value", "boolean": true}',
		'{\n  "pretty": "printed",\n  "unicode": "Grüße ✓ \u2028"\n}',
		JSON.stringify({ records: Array.from({ length: 200 }, (_, i) => ({ id: i })) }),
	];

	it.each(bodies)('withBodyHash + sign: validateRequestWithBody accepts (%#)', (text) => {
		for (const base of URLS) {
			const url = withBodyHash(TWILIO, base, text);
			expect(url).toBe(
				`${base}${base.includes('?') ? '&' : '?'}bodySHA256=${getExpectedBodyHash(text)}`,
			);
			const signature = ours(text, url);
			expect(validateRequestWithBody(token, signature, url, text)).toBe(true);
			expect(signature).toBe(getExpectedTwilioSignature(token, url, {}));
		}
	});

	it.each(bodies)('what twilio-node signs, we accept, with either port form (%#)', (text) => {
		const body = Buffer.from(text, 'utf8');
		for (const base of URLS) {
			const url = `${base}${base.includes('?') ? '&' : '?'}bodySHA256=${getExpectedBodyHash(text)}`;
			const theirs = getExpectedTwilioSignature(token, url, {});
			expect(checkSignature(body, url, theirs)).toMatchObject({ ok: true });
			if (withPort(url) !== url) {
				expect(checkSignature(body, withPort(url), theirs)).toMatchObject({ ok: true });
				expect(validateRequestWithBody(token, theirs, withPort(url), text)).toBe(true);
			}
		}
	});

	it('withBodyHash appends to an empty query as it is, drops a fragment, and refuses a URL that has one already', () => {
		const hash = createHash('sha256').update('{}').digest('hex');
		expect(withBodyHash(TWILIO, 'https://a.test/x?', '{}')).toBe(
			`https://a.test/x?bodySHA256=${hash}`,
		);
		expect(withBodyHash(TWILIO, 'https://a.test/x?a=1&', '{}')).toBe(
			`https://a.test/x?a=1&bodySHA256=${hash}`,
		);
		expect(withBodyHash(TWILIO, 'https://a.test/x?a=1#rc=3', '{}')).toBe(
			`https://a.test/x?a=1&bodySHA256=${hash}`,
		);
		expect(() => withBodyHash(TWILIO, `https://a.test/x?bodySHA256=${hash}`, '{}')).toThrow(
			SigningError,
		);
	});
});

describe('Twilio, a seeded property test against twilio-node', () => {
	/** fc.assert, with the seed to replay a failure: TWILIO_SEED=<seed> npx jest twilio. */
	function assertSeeded<T>(property: fc.IProperty<T>, numRuns: number): void {
		const details = fc.check(property, { seed: SEED, numRuns });
		if (details.failed) {
			throw new Error(`TWILIO_SEED=${SEED}\n${fc.defaultReportMessage(details) ?? ''}`);
		}
	}
	/** Text that stresses form encoding: reserved characters, spaces, unicode, nothing at all. */
	const text = fc.oneof(
		fc.string({ maxLength: 12 }),
		fc.string({ unit: fc.constantFrom('+', ' ', '%', '&', '=', 'a', 'é', '✓', '2', '0', 'B') }),
		fc.string({ unit: 'grapheme', maxLength: 8 }),
	);
	const pairs = fc.array(fc.tuple(text, text), { maxLength: 8 }).chain((drawn) =>
		// Some names repeated, with a value of their own or the same one again.
		fc
			.array(fc.nat(), { maxLength: 3 })
			.map(
				(picks) =>
					[
						...drawn,
						...picks.flatMap((pick) =>
							drawn.length === 0
								? []
								: [drawn[pick % drawn.length], [drawn[pick % drawn.length][0], 'x']],
						),
					] as [string, string][],
			),
	);
	const url = fc
		.tuple(
			fc.constantFrom('https', 'http'),
			fc.domain(),
			fc.constantFrom('', ':443', ':80', ':8443'),
			fc.webPath(),
			fc.option(fc.webQueryParameters(), { nil: undefined }),
		)
		.map(
			([scheme, host, port, path, query]) =>
				`${scheme}://${host}${port}${path.startsWith('/') ? path : `/${path}`}${query === undefined ? '' : `?${query}`}`,
		);

	it('sign agrees with getExpectedTwilioSignature and validateRequest; verify accepts theirs', () => {
		assertSeeded(
			fc.property(pairs, url, (drawn, called) => {
				const body = formBody(drawn);
				const params = expressParams(body);
				const signature = ours(body, called);
				expect(signature).toBe(getExpectedTwilioSignature(token, called, params));
				expect(validateRequest(token, signature, called, params)).toBe(true);
				expect(checkSignature(body, called, signature)).toMatchObject({ ok: true });
				// Signed over the URL with the default port flipped, as twilio-node tolerates.
				const ported = withPort(called);
				if (ported !== called) {
					const theirs = getExpectedTwilioSignature(token, ported, params);
					expect(checkSignature(body, called, theirs)).toMatchObject({ ok: true });
					expect(checkSignature(body, ported, signature)).toMatchObject({ ok: true });
				}
			}),
			300,
		);
	});

	it('a changed, added or removed parameter is refused, as twilio-node refuses it', () => {
		assertSeeded(
			fc.property(
				pairs,
				url,
				fc.nat(),
				fc.constantFrom('change', 'add', 'remove'),
				(drawn, called, pick, how) => {
					fc.pre(drawn.length > 0);
					const signature = ours(formBody(drawn), called);
					const at = pick % drawn.length;
					const [name, value] = drawn[at];
					// A parameter with an empty name and value signs nothing (twilio-node
					// writes name + value): removing it changes nothing anyone signed.
					fc.pre(
						how !== 'remove' || drawn.some(([other, v]) => other === name && other + v !== ''),
					);
					const tampered: [string, string][] =
						how === 'change'
							? drawn.map((pair, i) => (i === at ? [name, `${value}!`] : pair))
							: how === 'add'
								? [...drawn, [`${name}!`, value]]
								: drawn.filter(([other]) => other !== name);
					const body = formBody(tampered);
					expect(checkSignature(body, called, signature)).toMatchObject({
						ok: false,
						reason: 'signature_mismatch',
					});
					// twilio-node also tries the URL as it re-writes it, where `?a` becomes
					// `?a=`: the signed text `…?a` + `=` (a parameter named "=") is then
					// the same as `…?a=` with the parameter gone, and it accepts that
					// (seed 125919151). We sign and check the URL as sent, and refuse.
					const query = new URL(called).search.slice(1);
					const rewritten = query.split('&').some((piece) => piece !== '' && !piece.includes('='));
					if (!rewritten) {
						expect(validateRequest(token, signature, called, expressParams(body))).toBe(false);
					}
				},
			),
			200,
		);
	});
});

describe('Twilio tamper matrix: each refused with its reason', () => {
	const url = 'https://hooks.example.com/webhook/sms?tenant=1';
	const pairs: [string, string][] = [
		['Body', 'Hello there'],
		['From', '+14158675309'],
		['MessageSid', 'SM123'],
	];
	const body = formBody(pairs);
	const signature = ours(body, url);
	const headers = { 'x-twilio-signature': signature };
	const jsonText = '{"event":"message.delivered","sid":"SM123"}';
	const json = Buffer.from(jsonText);
	const jsonUrl = withBodyHash(TWILIO, url, json);
	const jsonHeaders = { 'x-twilio-signature': ours(json, jsonUrl) };
	const hash = getExpectedBodyHash(jsonText);

	const refusals: [string, () => VerifyResult, string][] = [
		[
			'a changed parameter value',
			() => check(formBody([...pairs.slice(0, 2), ['MessageSid', 'SM124']]), url, headers),
			'signature_mismatch',
		],
		[
			'an added parameter',
			() => check(formBody([...pairs, ['Extra', '1']]), url, headers),
			'signature_mismatch',
		],
		[
			'a removed parameter',
			() => check(formBody(pairs.slice(1)), url, headers),
			'signature_mismatch',
		],
		[
			'a changed path',
			() => check(body, url.replace('/sms', '/smz'), headers),
			'signature_mismatch',
		],
		[
			'a changed query',
			() => check(body, url.replace('tenant=1', 'tenant=2'), headers),
			'signature_mismatch',
		],
		[
			'a query dropped',
			() => check(body, url.replace('?tenant=1', ''), headers),
			'signature_mismatch',
		],
		[
			'another host',
			() => check(body, url.replace('hooks.', 'evil.'), headers),
			'signature_mismatch',
		],
		[
			'http instead of https',
			() => check(body, url.replace('https:', 'http:'), headers),
			'signature_mismatch',
		],
		[
			'a port that is not the default',
			() => check(body, url.replace('.com/', '.com:8443/'), headers),
			'signature_mismatch',
		],
		[
			'the other scheme’s default port',
			() => check(body, url.replace('.com/', '.com:80/'), headers),
			'signature_mismatch',
		],
		[
			'signed on a non-default port, arrived without it (twilio-node strips any port; we do not)',
			() =>
				check(body, url, { 'x-twilio-signature': ours(body, url.replace('.com/', '.com:8443/')) }),
			'signature_mismatch',
		],
		[
			'another Auth Token',
			() => check(body, url, { 'x-twilio-signature': ours(body, url, 'other-token') }),
			'signature_mismatch',
		],
		['the signature header missing', () => check(body, url, {}), 'missing_header'],
		[
			'the signature header sent twice',
			() => check(body, url, { 'x-twilio-signature': [signature, signature] }),
			'duplicate_header',
		],
		[
			'the signature header in two spellings',
			() => check(body, url, { 'x-twilio-signature': signature, 'X-Twilio-Signature': signature }),
			'duplicate_header',
		],
		[
			'the signature hex, not base64',
			() =>
				check(body, url, {
					'x-twilio-signature': Buffer.from(signature, 'base64').toString('hex'),
				}),
			'malformed_header',
		],
		[
			'the signature cut short',
			() => check(body, url, { 'x-twilio-signature': signature.slice(0, -4) }),
			'malformed_header',
		],
		[
			'the signature with a stray character',
			() =>
				check(body, url, {
					'x-twilio-signature': `${signature.slice(0, 5)}*${signature.slice(6)}`,
				}),
			'malformed_header',
		],
		[
			'a form body with a bad escape',
			() => check(Buffer.from('Body=100%&From=x'), url, headers),
			'malformed_body',
		],
		[
			'a form body that is not UTF-8',
			() => check(Buffer.from([0x42, 0x3d, 0xff]), url, headers),
			'malformed_body',
		],
		[
			'a form body escaping bytes that are not UTF-8',
			() => check(Buffer.from('Body=%ff'), url, headers),
			'malformed_body',
		],
		[
			'no URL given to the verifier',
			() => check(body, undefined, headers),
			'missing_request_context',
		],
		[
			'JSON: the body changed, bodySHA256 kept',
			() => check(Buffer.from(jsonText.replace('SM123', 'SM124')), jsonUrl, jsonHeaders),
			'body_hash_mismatch',
		],
		[
			'JSON: bodySHA256 in upper case',
			() => check(json, jsonUrl.replace(hash, hash.toUpperCase()), jsonHeaders),
			'body_hash_mismatch',
		],
		[
			'JSON: bodySHA256 cut short',
			() => check(json, jsonUrl.replace(hash, hash.slice(2)), jsonHeaders),
			'body_hash_mismatch',
		],
		[
			'JSON: bodySHA256 empty',
			() => check(json, jsonUrl.replace(hash, ''), jsonHeaders),
			'body_hash_mismatch',
		],
		[
			'JSON: bodySHA256 given twice',
			() => check(json, `${jsonUrl}&bodySHA256=${hash}`, jsonHeaders),
			'body_hash_mismatch',
		],
		[
			'JSON: another body, with its own bodySHA256 in the URL',
			() => {
				const other = '{"event":"message.failed"}';
				return check(Buffer.from(other), withBodyHash(TWILIO, url, other), jsonHeaders);
			},
			'signature_mismatch',
		],
		[
			'JSON: bodySHA256 dropped from the URL (the body is then read as a form)',
			() => check(json, url, jsonHeaders),
			'signature_mismatch',
		],
		[
			'JSON: a changed query next to bodySHA256',
			() => check(json, jsonUrl.replace('tenant=1', 'tenant=9'), jsonHeaders),
			'signature_mismatch',
		],
	];

	it('the untouched calls verify', () => {
		expect(check(body, url, headers)).toMatchObject({ ok: true, matchedSecret: 'primary' });
		expect(check(json, jsonUrl, jsonHeaders)).toMatchObject({ ok: true });
	});

	it.each(refusals.map(([name, attempt, reason]) => ({ name, attempt, reason })))(
		'$name: $reason',
		({ attempt, reason }) => {
			const result = attempt();
			expect(result).toMatchObject({ ok: false, reason });
			expect(result.detail).not.toContain(token);
			expect(result.detail).not.toContain(signature);
			expect(result.detail).not.toContain(jsonHeaders['x-twilio-signature']);
		},
	);

	it('twilio-node refuses the same tampered form posts', () => {
		expect(validateRequest(token, signature, url, expressParams(formBody(pairs.slice(1))))).toBe(
			false,
		);
		expect(
			validateRequest(token, signature, url.replace('tenant=1', 'tenant=2'), expressParams(body)),
		).toBe(false);
		expect(
			validateRequestWithBody(
				token,
				jsonHeaders['x-twilio-signature'],
				jsonUrl,
				jsonText.replace('SM123', 'SM124'),
			),
		).toBe(false);
	});

	it('what Twilio’s format cannot tell apart, twilio-node accepts too: parameter order, `+` for `%20`, an exact duplicate', () => {
		for (const same of [
			formBody([...pairs].reverse()),
			Buffer.from(body.toString().replace('Hello+there', 'Hello%20there')),
			Buffer.concat([body, Buffer.from('&From=%2B14158675309')]),
		]) {
			expect(check(same, url, headers)).toMatchObject({ ok: true });
			expect(validateRequest(token, signature, url, expressParams(same))).toBe(true);
			// And it is the same call for replay protection.
			const replayKey = (call: Buffer) => {
				const result = verify(TWILIO, { primary: token }, call, headers, { url, replayKey: true });
				return result.ok ? result.replayKey : undefined;
			};
			expect(replayKey(same)).toBeDefined();
			expect(replayKey(same)).toBe(replayKey(body));
		}
	});

	it('where a name ends is not signed, and a JSON call can be re-sent as a one-parameter form post: twilio-node accepts both too (see SECURITY.md)', () => {
		// Body=Hello there … signs as "BodyHello there…": so does Bod=yHello there.
		const shifted = Buffer.from(body.toString().replace('Body=Hello', 'Bod=yHello'));
		expect(check(shifted, url, headers)).toMatchObject({ ok: true });
		expect(validateRequest(token, signature, url, expressParams(shifted))).toBe(true);

		// The signed URL without bodySHA256, and its text as the one parameter of a form.
		const bare = jsonUrl.slice(0, jsonUrl.indexOf('&bodySHA256='));
		const spelled = Buffer.from(`${encodeURIComponent('&bodySHA256=')}=${hash}`);
		const signed = jsonHeaders['x-twilio-signature'];
		expect(check(spelled, bare, jsonHeaders)).toMatchObject({ ok: true });
		expect(validateRequest(token, signed, bare, expressParams(spelled))).toBe(true);
		// Replay protection takes it for the original call: it signs the same text.
		const key = (call: Buffer, at: string) => {
			const result = verify(TWILIO, { primary: token }, call, jsonHeaders, {
				url: at,
				replayKey: true,
			});
			return result.ok ? result.replayKey : undefined;
		};
		expect(key(spelled, bare)).toBeDefined();
		expect(key(spelled, bare)).toBe(key(json, jsonUrl));
	});

	it('rotation: a receiver holding the new token and the old one accepts a call signed with either', () => {
		const next = seeded(SEED + 1)
			.bytes(16)
			.toString('hex');
		expect(check(body, url, headers, { primary: next, secondary: token })).toMatchObject({
			ok: true,
			matchedSecret: 'secondary',
		});
	});

	it('sign() refuses what it cannot sign honestly', () => {
		expect(() => ours(json, url)).not.toThrow(); // JSON text is also form text: {…}= is a name
		expect(() => ours(Buffer.from('a=%zz'), url)).toThrow(SigningError);
		expect(() => ours(json, `${url}&bodySHA256=${'0'.repeat(64)}`)).toThrow(SigningError);
		expect(() => ours(json, `${jsonUrl}&bodySHA256=${hash}`)).toThrow(SigningError);
		expect(() => sign(TWILIO, { primary: token }, body, {})).toThrow(/URL|url/);
	});
});
