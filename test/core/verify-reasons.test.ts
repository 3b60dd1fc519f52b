/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
import { createHmac } from 'node:crypto';

import {
	DISCORD,
	GITHUB,
	HUBSPOT_V3,
	LINEAR,
	MAILGUN,
	MAX_SIGNATURES_PER_HEADER,
	REJECTION_REASONS,
	SHOPIFY,
	SLACK,
	STANDARD_WEBHOOKS,
	STRIPE,
	MAX_FORM_PARAMETERS,
	TWILIO,
	VINSIGHT,
	sign,
	verify,
	withBodyHash,
	type RejectionReason,
	type VerifyResult,
} from '../../core';
import { generic } from '../helpers/schemes';
import { reasonOf } from '../helpers/results';

const secret = "It's a Secret to Everybody";
const body = Buffer.from('{"hello":"world"}');
const now = new Date('2026-11-22T12:00:00Z');
const hexDigest = createHmac('sha256', secret).update(body).digest('hex');

const seen = new Set<RejectionReason>();
function expectReason(result: VerifyResult, reason: RejectionReason) {
	expect(result).toMatchObject({ ok: false, reason });
	seen.add(reason);
	// A rejection must never echo secrets or signatures back.
	expect(result.detail).not.toContain(secret);
	expect(result.detail).not.toContain(hexDigest.slice(0, 16));
}

describe('verify() reasons', () => {
	afterAll(() => {
		// Every reason code has at least one test here.
		expect([...seen].sort()).toEqual([...REJECTION_REASONS].sort());
	});

	it('no_secret: nothing configured means nothing is accepted, even a correctly formed call', () => {
		const headers = { 'x-hub-signature-256': `sha256=${hexDigest}` };
		expectReason(verify(GITHUB, {}, body, headers), 'no_secret');
		expectReason(verify(GITHUB, { primary: '' }, body, headers), 'no_secret');
		expectReason(verify(GITHUB, { primary: '', secondary: '' }, body, headers), 'no_secret');
	});

	it('malformed_body: a body a JSON-only sender (Vinsight) cannot have sent', () => {
		const json = Buffer.from('{"test":"json"}');
		const headers = sign(VINSIGHT, { primary: secret }, json);
		expect(verify(VINSIGHT, { primary: secret }, json, headers)).toMatchObject({ ok: true });
		const padded = Buffer.concat([json, Buffer.alloc(1)]);
		const result = verify(VINSIGHT, { primary: secret }, padded, headers);
		expectReason(result, 'malformed_body');
		expect(result.detail).toBe('Vinsight signs JSON text; this body is not valid UTF-8 JSON');
	});

	it('missing_body_field, duplicate_body_field, malformed_body_field: a signature carried in the body (Mailgun)', () => {
		const timestamp = String(Math.floor(now.getTime() / 1000));
		const token = 'a'.repeat(50);
		const signature = createHmac('sha256', secret)
			.update(timestamp + token)
			.digest('hex');
		const json = { 'content-type': 'application/json' };
		const check = (fields: object, headers: Record<string, string> = json) =>
			verify(MAILGUN, { primary: secret }, Buffer.from(JSON.stringify(fields)), headers, { now });
		expect(check({ signature: { timestamp, token, signature } })).toMatchObject({ ok: true });

		const missing = check({ signature: { timestamp, signature } });
		expectReason(missing, 'missing_body_field');
		expect(missing.detail).toBe(
			'The token field (in the JSON body\'s "signature" object) is missing',
		);
		const malformed = check({ signature: { timestamp, token, signature: signature.slice(1) } });
		expectReason(malformed, 'malformed_body_field');
		expect(malformed.detail).toBe(
			'The signature field (in the JSON body\'s "signature" object) is not a hex digest of 32 bytes',
		);
		const form = `timestamp=${timestamp}&token=${token}&signature=${signature}&signature=${signature}`;
		const duplicate = verify(
			MAILGUN,
			{ primary: secret },
			Buffer.from(form),
			{ 'content-type': 'application/x-www-form-urlencoded' },
			{ now },
		);
		expectReason(duplicate, 'duplicate_body_field');
		expect(duplicate.detail).toBe('The signature field of the form body was sent more than once');
	});

	it('body_hash_mismatch: a body that is not the one the signed URL names by its hash (Twilio)', () => {
		const url = withBodyHash(TWILIO, 'https://example.test/twilio?x=1', body);
		const headers = sign(TWILIO, { primary: secret }, body, { url });
		expect(verify(TWILIO, { primary: secret }, body, headers, { url })).toMatchObject({
			ok: true,
		});
		const other = Buffer.from('{"hello":"w0rld"}');
		const result = verify(TWILIO, { primary: secret }, other, headers, { url });
		expectReason(result, 'body_hash_mismatch');
		expect(result.detail).toBe('bodySHA256 in the URL is not the SHA-256 of the body received');
	});

	it('too_many_form_parameters: a form body with more parameters than are read before a signature is checked (Twilio, Mailgun)', () => {
		const url = 'https://example.test/twilio';
		const atLimit = Buffer.from(
			Array.from({ length: MAX_FORM_PARAMETERS }, (_, i) => `p${i}=${i}`).join('&'),
		);
		const headers = sign(TWILIO, { primary: secret }, atLimit, { url });
		expect(verify(TWILIO, { primary: secret }, atLimit, headers, { url })).toMatchObject({
			ok: true,
		});
		const over = Buffer.concat([atLimit, Buffer.from('&one=more')]);
		const result = verify(TWILIO, { primary: secret }, over, headers, { url });
		expectReason(result, 'too_many_form_parameters');
		expect(result.detail).toBe(
			'The form body has more than 1000 parameters, more than is read before a signature is checked',
		);
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		expectReason(verify(MAILGUN, { primary: secret }, over, form), 'too_many_form_parameters');
	});

	it('invalid_secret: a secret that does not decode in its format', () => {
		const result = verify(STANDARD_WEBHOOKS, { primary: 'whsec_not*base64!' }, body, {});
		expectReason(result, 'invalid_secret');
		expect(result.detail).toMatch(/primary secret is not valid/);
		expectReason(verify(GITHUB, { primary: 'abc', encoding: 'hex' }, body, {}), 'invalid_secret');
	});

	it('invalid_key: a key a public-key scheme cannot use (test/core/public-keys.test.ts has them all)', () => {
		const privateSeed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
		const result = verify(
			DISCORD,
			{ primary: `whsk_${Buffer.from(privateSeed, 'hex').toString('base64')}` },
			body,
			{},
		);
		expectReason(result, 'invalid_key');
		expect(result.detail).toBe(
			'The primary public key is a private key: paste the public key here, and keep the private key to the sender',
		);
	});

	it('missing_request_context: a scheme that signs the URL, verified without one', () => {
		const headers = sign(HUBSPOT_V3, { primary: secret }, body, {
			method: 'POST',
			url: 'https://example.test/h',
			timestamp: now,
		});
		expectReason(
			verify(HUBSPOT_V3, { primary: secret }, body, headers, { now }),
			'missing_request_context',
		);
	});

	it('missing_header', () => {
		expectReason(verify(GITHUB, { primary: secret }, body, {}, { now }), 'missing_header');
		expectReason(
			verify(GITHUB, { primary: secret }, body, { 'x-hub-signature-256': undefined }, { now }),
			'missing_header',
		);
		// Standard Webhooks signs the id: without webhook-id nothing can be checked.
		const headers = sign(
			STANDARD_WEBHOOKS,
			{ primary: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
			body,
			{
				id: 'msg_1',
				timestamp: now,
			},
		);
		delete headers['webhook-id'];
		expectReason(
			verify(
				STANDARD_WEBHOOKS,
				{ primary: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
				body,
				headers,
				{ now },
			),
			'missing_header',
		);
	});

	it('duplicate_header: as an array (headersDistinct) and as two keys in different case', () => {
		const value = `sha256=${hexDigest}`;
		expectReason(
			verify(GITHUB, { primary: secret }, body, { 'x-hub-signature-256': [value, value] }),
			'duplicate_header',
		);
		expectReason(
			verify(GITHUB, { primary: secret }, body, {
				'X-Hub-Signature-256': value,
				'x-hub-signature-256': value,
			}),
			'duplicate_header',
		);
		const slack = sign(SLACK, { primary: secret }, body, { timestamp: now });
		expectReason(
			verify(
				SLACK,
				{ primary: secret },
				body,
				{ ...slack, 'x-slack-request-timestamp': ['1', '2'] },
				{ now },
			),
			'duplicate_header',
		);
	});

	it('a single-entry array is one header', () => {
		const result = verify(GITHUB, { primary: secret }, body, {
			'x-hub-signature-256': [`sha256=${hexDigest}`],
		});
		expect(result.ok).toBe(true);
	});

	it.each([
		['an empty value', ''],
		['no prefix', hexDigest],
		['another prefix', `sha1=${hexDigest}`],
		['non-hex characters', `sha256=${hexDigest.slice(0, -1)}g`],
		['an odd number of hex digits', `sha256=${hexDigest.slice(0, -1)}`],
		['a digest one byte short', `sha256=${hexDigest.slice(0, -2)}`],
		['a digest one byte long', `sha256=${hexDigest}00`],
		['base64 where hex belongs', `sha256=${Buffer.from(hexDigest, 'hex').toString('base64')}`],
		['two values joined by Node', `sha256=${hexDigest}, sha256=${hexDigest}`],
	])('malformed_header: %s', (_, value) => {
		expectReason(
			verify(GITHUB, { primary: secret }, body, { 'x-hub-signature-256': value }),
			'malformed_header',
		);
	});

	it.each([
		['non-base64 characters', '!!!notbase64!!!'],
		['base64 of the wrong length', Buffer.alloc(20).toString('base64')],
		['hex where base64 belongs', createHmac('sha256', secret).update(body).digest('hex')],
	])('malformed_header (base64 scheme): %s', (_, value) => {
		expectReason(
			verify(SHOPIFY, { primary: secret }, body, { 'x-shopify-hmac-sha256': value }),
			'malformed_header',
		);
	});

	it('malformed_header: a Standard Webhooks header with no v1 entry, or too many', () => {
		const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const headers = sign(STANDARD_WEBHOOKS, { primary: key }, body, {
			id: 'msg_1',
			timestamp: now,
		});
		const [, digest] = headers['webhook-signature'].split(',');
		expectReason(
			verify(
				STANDARD_WEBHOOKS,
				{ primary: key },
				body,
				{ ...headers, 'webhook-signature': `v1a,${digest} v2,${digest}` },
				{ now },
			),
			'malformed_header',
		);
		const many = Array.from({ length: MAX_SIGNATURES_PER_HEADER + 1 }, () => `v1,${digest}`).join(
			' ',
		);
		expectReason(
			verify(
				STANDARD_WEBHOOKS,
				{ primary: key },
				body,
				{ ...headers, 'webhook-signature': many },
				{ now },
			),
			'malformed_header',
		);
		// Unknown versions next to a good v1 are skipped, not fatal.
		const mixed = `v1a,${digest} v1,${digest}`;
		expect(
			verify(
				STANDARD_WEBHOOKS,
				{ primary: key },
				body,
				{ ...headers, 'webhook-signature': mixed },
				{ now },
			).ok,
		).toBe(true);
	});

	it('Stripe: a v0 signature never stands in for v1 (no downgrade)', () => {
		const headers = sign(STRIPE, { primary: secret }, body, { timestamp: now });
		const v1 = headers['Stripe-Signature'].split(',')[1].slice(3);
		const downgraded = `t=${Math.floor(now.getTime() / 1000)},v0=${v1}`;
		expectReason(
			verify(STRIPE, { primary: secret }, body, { 'stripe-signature': downgraded }, { now }),
			'malformed_header',
		);
		const twoTimestamps = `t=1,t=2,v1=${v1}`;
		expectReason(
			verify(STRIPE, { primary: secret }, body, { 'stripe-signature': twoTimestamps }, { now }),
			'malformed_header',
		);
	});

	it('timestamp_missing and timestamp_malformed', () => {
		const slack = sign(SLACK, { primary: secret }, body, { timestamp: now });
		const withoutTimestamp = { ...slack };
		delete withoutTimestamp['X-Slack-Request-Timestamp'];
		expectReason(
			verify(SLACK, { primary: secret }, body, withoutTimestamp, { now }),
			'timestamp_missing',
		);
		for (const bad of ['', '1.5', '-1', '12e3', ' 1764000000', 'yesterday']) {
			const result = verify(
				SLACK,
				{ primary: secret },
				body,
				{ ...slack, 'X-Slack-Request-Timestamp': bad },
				{ now },
			);
			expectReason(result, bad === '' ? 'timestamp_missing' : 'timestamp_malformed');
		}
		// Stripe: the t= part is missing from the signature header.
		const stripe = sign(STRIPE, { primary: secret }, body, { timestamp: now })['Stripe-Signature'];
		expectReason(
			verify(
				STRIPE,
				{ primary: secret },
				body,
				{ 'stripe-signature': stripe.replace(/^t=\d+,/, '') },
				{ now },
			),
			'timestamp_missing',
		);
		// Linear: the signed body lacks webhookTimestamp.
		const linearBody = Buffer.from('{"action":"create"}');
		const linear = sign(LINEAR, { primary: secret }, linearBody);
		expectReason(
			verify(LINEAR, { primary: secret }, linearBody, linear, { now }),
			'timestamp_missing',
		);
		// …which is fine when the window is off.
		expect(
			verify(LINEAR, { primary: secret }, linearBody, linear, { now, toleranceSeconds: null }).ok,
		).toBe(true);
	});

	it('timestamp_too_old and timestamp_too_new, with the seconds in the detail', () => {
		const headers = sign(SLACK, { primary: secret }, body, { timestamp: now });
		const old = verify(SLACK, { primary: secret }, body, headers, {
			now: new Date(now.getTime() + 301_000),
		});
		expectReason(old, 'timestamp_too_old');
		expect(old.detail).toBe('The signed timestamp is 301 s old; at most 300 s is accepted');
		const future = verify(SLACK, { primary: secret }, body, headers, {
			now: new Date(now.getTime() - 3600_000),
		});
		expectReason(future, 'timestamp_too_new');
		// Exactly at the edge is still inside.
		expect(
			verify(SLACK, { primary: secret }, body, headers, { now: new Date(now.getTime() + 300_000) })
				.ok,
		).toBe(true);
		// A custom window.
		expectReason(
			verify(SLACK, { primary: secret }, body, headers, {
				now: new Date(now.getTime() + 11_000),
				toleranceSeconds: 10,
			}),
			'timestamp_too_old',
		);
	});

	it('a stale timestamp is refused before the signature is computed, forged or not (as the standardwebhooks library does)', () => {
		// So a receiver can refuse it without loading its secret (precheck).
		// The price: a sender with the wrong secret and a wrong clock hears
		// about the clock first.
		const headers = sign(SLACK, { primary: 'another secret' }, body, { timestamp: now });
		expectReason(
			verify(SLACK, { primary: secret }, body, headers, {
				now: new Date(now.getTime() + 3600_000),
			}),
			'timestamp_too_old',
		);
	});

	it('verifier_error: a tolerance that is not a number of seconds never turns the window off', () => {
		const headers = sign(SLACK, { primary: 'slack-secret' }, body, { timestamp: new Date(0) });
		for (const toleranceSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
			expect(
				reasonOf(verify(SLACK, { primary: 'slack-secret' }, body, headers, { toleranceSeconds })),
			).toBe('verifier_error');
		}
	});

	it('verifier_error: an Invalid Date for now never turns the window off', () => {
		// Found by tamper.fuzz.test.ts: the skew came out NaN, both window
		// comparisons were false, and a call of any age was accepted.
		const headers = sign(SLACK, { primary: 'slack-secret' }, body, { timestamp: new Date(0) });
		const result = verify(SLACK, { primary: 'slack-secret' }, body, headers, {
			now: new Date(Number.NaN),
		});
		expectReason(result, 'verifier_error');
		expect(result.detail).toBe('The current time is not a valid date');
		// With the window off there is nothing to compare, so the clock is not needed.
		expect(
			verify(SLACK, { primary: 'slack-secret' }, body, headers, {
				now: new Date(Number.NaN),
				toleranceSeconds: 0,
			}).ok,
		).toBe(true);
	});

	it('signature_mismatch', () => {
		expectReason(
			verify(GITHUB, { primary: secret }, Buffer.from('{"hello":"World"}'), {
				'x-hub-signature-256': `sha256=${hexDigest}`,
			}),
			'signature_mismatch',
		);
	});

	it('verifier_error: a hand-built scheme that cannot run is an answer, not a throw', () => {
		const broken = { ...GITHUB, signedContent: null as unknown as [] };
		const headers = { 'x-hub-signature-256': `sha256=${hexDigest}` };
		expectReason(verify(broken, { primary: secret }, body, headers), 'verifier_error');
	});

	it('matches header names in any case, and hex digests in upper case', () => {
		expect(
			verify(GITHUB, { primary: secret }, body, { 'X-HUB-SIGNATURE-256': `sha256=${hexDigest}` })
				.ok,
		).toBe(true);
		expect(
			verify(GITHUB, { primary: secret }, body, {
				'x-hub-signature-256': `SHA256=${hexDigest.toUpperCase()}`,
			}).ok,
		).toBe(true);
	});

	it('reports the id, and reports it on rejections too', () => {
		const key = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const headers = sign(STANDARD_WEBHOOKS, { primary: key }, body, {
			id: 'msg_42',
			timestamp: now,
		});
		expect(verify(STANDARD_WEBHOOKS, { primary: key }, body, headers, { now })).toMatchObject({
			ok: true,
			id: 'msg_42',
			timestamp: new Date(Math.floor(now.getTime() / 1000) * 1000),
		});
		expect(
			verify(STANDARD_WEBHOOKS, { primary: key }, Buffer.from('x'), headers, { now }),
		).toMatchObject({
			ok: false,
			id: 'msg_42',
		});
	});

	it('Generic HMAC: an unsigned timestamp header is never trusted for the window', () => {
		const scheme = generic({ timestampHeader: 'X-Timestamp', signedContent: '{body}' });
		const headers = sign(scheme, { primary: secret }, body, { timestamp: now });
		// Rewriting the unsigned timestamp changes nothing: it is not read.
		const result = verify(
			scheme,
			{ primary: secret },
			body,
			{ ...headers, 'X-Timestamp': '1' },
			{ now },
		);
		expect(result).toMatchObject({ ok: true });
		expect(result.timestamp).toBeUndefined();
	});
});
