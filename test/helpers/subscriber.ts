/**
 * A Standard Webhooks subscriber's check, as its own code runs it: the
 * official `standardwebhooks` library, on the raw body and the three headers
 * a call arrived with.
 */
import { Webhook } from 'standardwebhooks';

import { header, type ReceivedCall } from './receiver';

/** Whether `secret` (whsec_…) verifies the call. */
export function verifiesStandardWebhook(secret: string, call: ReceivedCall): boolean {
	try {
		new Webhook(secret).verify(call.body.toString('utf8'), {
			'webhook-id': header(call, 'webhook-id'),
			'webhook-timestamp': header(call, 'webhook-timestamp'),
			'webhook-signature': header(call, 'webhook-signature'),
		});
		return true;
	} catch {
		return false;
	}
}
