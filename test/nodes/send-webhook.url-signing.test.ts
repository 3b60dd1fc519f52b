/**
 * Square and HubSpot v3 sign the request URL: Send Webhook must sign the URL
 * exactly as it goes out (n8n's HTTP client percent-encodes what the user
 * typed), and the trigger must apply HubSpot's documented decoding, so that
 * both sides agree with what a receiver that follows the docs computes.
 */
import { createHmac } from 'node:crypto';

import { HUBSPOT_V3, sign } from '../../core';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { record, send } from './sendWebhookHarness';
import { deliverTo } from './triggerHarness';

const secret = 'url-signing-secret';
const HUBSPOT_DECODED = ":/?@!$'()*,;";

/** HubSpot's rule, written out from its docs for the test: those twelve escapes decoded. */
function hubspotUri(url: string): string {
	return url.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
		const character = String.fromCharCode(parseInt(hex, 16));
		return HUBSPOT_DECODED.includes(character) ? character : escape;
	});
}

describe('Send Webhook signs the URL as it is sent', () => {
	let receiver: Receiver;
	beforeAll(async () => {
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await receiver.close();
	});

	it('Square: a path with a space and a query with é verify against what arrived', async () => {
		const { delivered } = await send(
			{ url: `${receiver.url}/a b?x=é`, signatureScheme: 'square' },
			{ secret },
		);
		expect(delivered).toHaveLength(1);
		const call = receiver.calls.at(-1)!;
		expect(call.url).toBe('/a%20b?x=%C3%A9');
		const arrived = `${receiver.url}${call.url}`;
		const expected = createHmac('sha256', secret)
			.update(arrived)
			.update(call.body)
			.digest('base64');
		expect(call.headers['x-square-hmacsha256-signature']).toBe(expected);
		// The record says where the call went, as sent.
		expect(record(delivered[0]).url).toBe(arrived);
	});

	it('Square: a #fragment, which never leaves the client, is neither sent nor signed', async () => {
		const { delivered } = await send(
			{ url: `${receiver.url}/sq?x=1#section`, signatureScheme: 'square' },
			{ secret },
		);
		expect(delivered).toHaveLength(1);
		const call = receiver.calls.at(-1)!;
		expect(call.url).toBe('/sq?x=1');
		const expected = createHmac('sha256', secret)
			.update(`${receiver.url}/sq?x=1`)
			.update(call.body)
			.digest('base64');
		expect(call.headers['x-square-hmacsha256-signature']).toBe(expected);
		expect(record(delivered[0]).url).toBe(`${receiver.url}/sq?x=1`);
	});

	it('HubSpot v3: signed over the URL sent, with its twelve escapes decoded', async () => {
		await send(
			{ url: `${receiver.url}/hub spot/(x)?q=a:b%2Cc`, signatureScheme: 'hubspotV3' },
			{ secret },
		);
		const call = receiver.calls.at(-1)!;
		const uri = hubspotUri(`${receiver.url}${call.url}`);
		const timestamp = String(call.headers['x-hubspot-request-timestamp']);
		const expected = createHmac('sha256', secret)
			.update(`POST${uri}${call.body.toString('utf8')}${timestamp}`)
			.digest('base64');
		expect(call.headers['x-hubspot-signature-v3']).toBe(expected);
	});
});

describe('Verified Webhook Trigger applies HubSpot v3’s decoding rule', () => {
	it('a call whose URL carries escapes HubSpot decodes before signing is accepted', async () => {
		const path = '/webhook/hubspot?filter=%28a%29%2Cb&name=x%20y';
		const url = `http://127.0.0.1:5678${path}`;
		const body = '[{"eventId":1}]';
		const timestamp = String(Date.now());
		// Signed as HubSpot's docs say: (, ) and , decoded; %20 left as it is.
		const signature = createHmac('sha256', secret)
			.update(
				`POSThttp://127.0.0.1:5678/webhook/hubspot?filter=(a),b&name=x%20y${body}${timestamp}`,
			)
			.digest('base64');
		const outcome = await deliverTo(
			{ signatureScheme: 'hubspotV3', path: 'hubspot' },
			{
				secret,
				body,
				path,
				headers: {
					'content-type': 'application/json',
					'x-hubspot-signature-v3': signature,
					'x-hubspot-request-timestamp': timestamp,
				},
			},
		);
		expect(outcome.started).toBe(true);
		// And our own signing of the escaped URL gives the same signature.
		expect(
			sign(HUBSPOT_V3, { primary: secret }, body, {
				method: 'POST',
				url,
				timestamp: new Date(Number(timestamp)),
			})['X-HubSpot-Signature-v3'],
		).toBe(signature);
	});
});
