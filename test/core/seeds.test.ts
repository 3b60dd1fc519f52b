/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test code: it runs in Node, never inside n8n, and its secrets are test values */
/**
 * The four seed systems, each checked the way its own documentation tells a
 * receiver to check (written out here independently of the core), and each
 * call built the way the documentation says it is sent, verified by the core.
 */
import { createHmac } from 'node:crypto';

import { CONNECTGAIN, GOODFIT, SMARTER_LAUNCH, VINSIGHT, sign, verify } from '../../core';
import { goodfitReceiverAccepts } from '../helpers/goodfitReceiver';
import { reasonOf } from '../helpers/results';

const secret = 'goodfit-shared-key-7f3a';
const now = new Date('2026-11-22T10:30:00.000Z');

describe('GoodFit', () => {
	const batch = JSON.stringify(
		Array.from({ length: 200 }, (_, i) => ({ domain: `company${i}.example`, score: i / 2 })),
	);

	it('our x-goodfit-hmac-sha256 header passes the documented receiver, for a batch of 200', () => {
		const headers = sign(GOODFIT, { primary: secret }, batch);
		expect(Object.keys(headers)).toEqual(['x-goodfit-hmac-sha256']);
		expect(headers['x-goodfit-hmac-sha256']).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(
			goodfitReceiverAccepts(secret, Buffer.from(batch), headers['x-goodfit-hmac-sha256']),
		).toBe(true);
		expect(
			goodfitReceiverAccepts(
				secret,
				Buffer.from(batch.replace('company1.', 'company9.')),
				headers['x-goodfit-hmac-sha256'],
			),
		).toBe(false);
	});

	it('a GoodFit-signed call verifies, and an unsigned one does not', () => {
		const value = 'sha256=' + createHmac('sha256', secret).update(batch).digest('hex');
		expect(
			verify(GOODFIT, { primary: secret }, Buffer.from(batch), { 'x-goodfit-hmac-sha256': value })
				.ok,
		).toBe(true);
		expect(reasonOf(verify(GOODFIT, { primary: secret }, Buffer.from(batch), {}))).toBe(
			'missing_header',
		);
	});
});

describe('Smarter Launch', () => {
	const payload = {
		event: 'proposal.accepted',
		proposal: { id: 981, total: 12500.5, client: 'Zoë & Co' },
	};

	it('our signature equals the documented Node computation over JSON.stringify(payload)', () => {
		const documented = createHmac('sha256', secret).update(JSON.stringify(payload)).digest('hex');
		const headers = sign(SMARTER_LAUNCH, { primary: secret }, JSON.stringify(payload), {
			signatureHeader: 'X-SmarterLaunch-Signature',
		});
		expect(headers).toEqual({ 'X-SmarterLaunch-Signature': documented });
	});

	it('verifies the raw body in whatever header name is configured', () => {
		const body = Buffer.from(JSON.stringify(payload));
		const signature = createHmac('sha256', secret).update(body).digest('hex');
		expect(
			verify(
				SMARTER_LAUNCH,
				{ primary: secret },
				body,
				{ 'x-smarterlaunch-signature': signature },
				{
					signatureHeader: 'X-SmarterLaunch-Signature',
				},
			).ok,
		).toBe(true);
	});

	it('the raw bytes decide: the same payload pretty-printed is a different body', () => {
		// Python's json.dumps (the docs' Python sample) writes ", " and ": ", so
		// its digest differs from JSON.stringify's; only the bytes received count.
		const compact = Buffer.from(JSON.stringify(payload));
		const pythonStyle = Buffer.from(
			JSON.stringify(payload).replace(/,"/g, ', "').replace(/":/g, '": '),
		);
		const signature = createHmac('sha256', secret).update(compact).digest('hex');
		const headers = { 'x-signature': signature };
		expect(verify(SMARTER_LAUNCH, { primary: secret }, compact, headers).ok).toBe(true);
		expect(reasonOf(verify(SMARTER_LAUNCH, { primary: secret }, pythonStyle, headers))).toBe(
			'signature_mismatch',
		);
	});
});

describe('ConnectGain', () => {
	const envelope = JSON.stringify({
		event: 'contact.created',
		timestamp: '2026-11-22T10:30:00Z',
		data: { id: 'uuid-here', first_name: 'John', last_name: 'Doe', organization_id: 'org-uuid' },
	});

	it('sends X-Webhook-Event, an ISO X-Webhook-Timestamp and a hex X-Webhook-Signature', () => {
		const headers = sign(CONNECTGAIN, { primary: secret }, envelope, {
			event: 'contact.created',
			timestamp: now,
		});
		expect(headers).toEqual({
			'X-Webhook-Event': 'contact.created',
			'X-Webhook-Timestamp': '2026-11-22T10:30:00.000Z',
			'X-Webhook-Signature': createHmac('sha256', secret).update(envelope).digest('hex'),
		});
		// The docs' Express sample re-serialises req.body; with our compact body
		// that is the same string, so it accepts us too.
		const reserialised = JSON.stringify(JSON.parse(envelope));
		expect(createHmac('sha256', secret).update(reserialised).digest('hex')).toBe(
			headers['X-Webhook-Signature'],
		);
	});

	it('uses the signed envelope timestamp for the window, never the unsigned header', () => {
		const signature = createHmac('sha256', secret).update(envelope).digest('hex');
		const headers = {
			'x-webhook-signature': signature,
			'x-webhook-timestamp': '1999-01-01T00:00:00Z',
		};
		// ConnectGain documents no window: one is enforced only when set.
		const window = { toleranceSeconds: 300 };
		const fresh = verify(CONNECTGAIN, { primary: secret }, Buffer.from(envelope), headers, {
			now,
			...window,
		});
		expect(fresh).toMatchObject({ ok: true, timestamp: new Date('2026-11-22T10:30:00Z') });
		const replayedLater = verify(CONNECTGAIN, { primary: secret }, Buffer.from(envelope), headers, {
			now: new Date(now.getTime() + 3600_000),
			...window,
		});
		expect(reasonOf(replayedLater)).toBe('timestamp_too_old');
	});

	it('by default, a retried delivery whose envelope is ten minutes old is accepted', () => {
		// "Webhooks may be retried" (the docs), and a retry carries the event's
		// own timestamp; no window is documented, so none is enforced.
		const signature = createHmac('sha256', secret).update(envelope).digest('hex');
		const tenMinutesLater = new Date(Date.parse('2026-11-22T10:30:00Z') + 600_000);
		expect(
			verify(
				CONNECTGAIN,
				{ primary: secret },
				Buffer.from(envelope),
				{ 'x-webhook-signature': signature },
				{ now: tenMinutesLater },
			),
		).toMatchObject({ ok: true });
	});
});

describe('Vinsight', () => {
	const published = { secret: '584af7dfa7f130fa3dbe15f5a805bae4', body: '{"test":"json"}' };
	const expected = '33ed67a6f675f2dc414c8933657c50c105a6b816108e7a4fed763dc917b9ba06';

	it('reproduces the published test vector exactly', () => {
		expect(sign(VINSIGHT, { primary: published.secret }, published.body)).toEqual({
			'x-signature': expected,
		});
		const result = verify(VINSIGHT, { primary: published.secret }, Buffer.from(published.body), {
			'x-signature': expected,
		});
		expect(result).toMatchObject({ ok: true, keyOrder: 'content-as-key' });
	});

	it('also accepts the order the prose documents (key = secret), and says which matched', () => {
		const documented = createHmac('sha256', published.secret).update(published.body).digest('hex');
		expect(documented).not.toBe(expected);
		const result = verify(VINSIGHT, { primary: published.secret }, Buffer.from(published.body), {
			'x-signature': documented,
		});
		expect(result).toMatchObject({ ok: true, keyOrder: 'secret-as-key' });
	});

	it('rejects either order under another secret', () => {
		const result = verify(
			VINSIGHT,
			{ primary: '00000000000000000000000000000000' },
			Buffer.from(published.body),
			{
				'x-signature': expected,
			},
		);
		expect(reasonOf(result)).toBe('signature_mismatch');
	});
});
