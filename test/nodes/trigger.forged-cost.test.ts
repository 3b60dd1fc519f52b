/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * What a forged call makes the trigger do before its signature decides,
 * through webhook() in n8n-core's WebhookContext, counted rather than timed
 * (the times are bench/forged.ts's): each call is inspected once, so a form
 * is decoded once; and a JSON body n8n did not parse (text/plain) is not
 * parsed by the trigger either, only the member the scheme reads.
 */
import { createHmac } from 'node:crypto';

import { MAX_FORM_PARAMETERS } from '../../core';
import { deliverTo } from './triggerHarness';

const secret = 'forged-cost-secret';

/** Counts, while `run` runs, form components decoded and the longest text JSON.parse is handed. */
async function counting<T>(run: () => Promise<T>) {
	const work = { decoded: 0, longestParsed: 0 };
	const decode = globalThis.decodeURIComponent;
	const parse = JSON.parse;
	const decodeSpy = jest.spyOn(globalThis, 'decodeURIComponent').mockImplementation((text) => {
		work.decoded++;
		return decode(text);
	});
	const parseSpy = jest.spyOn(JSON, 'parse').mockImplementation((text: string, reviver) => {
		work.longestParsed = Math.max(work.longestParsed, text.length);
		return parse(text, reviver) as unknown;
	});
	try {
		return { outcome: await run(), work };
	} finally {
		decodeSpy.mockRestore();
		parseSpy.mockRestore();
	}
}

describe('a forged call costs the trigger one inspection', () => {
	it('Twilio: a form of MAX_FORM_PARAMETERS is decoded once (each name and value), one more not at all', async () => {
		const form = Array.from({ length: MAX_FORM_PARAMETERS }, (_, i) => `p${i}=v${i}`).join('&');
		const deliver = (body: string) =>
			deliverTo(
				{ signatureScheme: 'twilio', path: 'twilio' },
				{
					secret,
					path: '/webhook/twilio',
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						'x-twilio-signature': createHmac('sha1', 'not-the-token').update(body).digest('base64'),
					},
					body,
				},
			);
		const forged = await counting(() => deliver(form));
		expect(forged.outcome).toMatchObject({ started: false, status: 401 });
		expect(forged.outcome.responseBody).toMatchObject({ reason: 'signature_mismatch' });
		expect(forged.work.decoded).toBe(2 * MAX_FORM_PARAMETERS);

		const over = await counting(() => deliver(`${form}&one=more`));
		expect(over.outcome).toMatchObject({ started: false, status: 413 });
		expect(over.outcome.responseBody).toMatchObject({ reason: 'too_many_form_parameters' });
		expect(over.work.decoded).toBe(0);
	});

	it('Linear: a 1 MiB text/plain body is never parsed, only its webhookTimestamp', async () => {
		const nested = '['.repeat(512 * 1024) + ']'.repeat(512 * 1024);
		const body = `{"webhookTimestamp":${Date.now()},"data":${nested}}`;
		const forged = await counting(() =>
			deliverTo(
				{ signatureScheme: 'linear' },
				{
					secret,
					headers: {
						'content-type': 'text/plain',
						'linear-signature': createHmac('sha256', 'not-the-secret').update(body).digest('hex'),
					},
					body,
				},
			),
		);
		expect(forged.outcome).toMatchObject({ started: false, status: 401 });
		expect(forged.outcome.responseBody).toMatchObject({ reason: 'signature_mismatch' });
		expect(forged.work.longestParsed).toBeLessThan(1024);
	});
});
