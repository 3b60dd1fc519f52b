import {
	bodySignatureOf,
	outgoingHeaders,
	sign,
	signBody,
	withBodyHash,
	type AttemptContext,
} from '../../core';
import type { WebhookCall } from './planCalls';
import type { RunSettings } from './runSettings';
import type { AttemptRequest } from './transport';

/**
 * One attempt's request, written and signed afresh with the attempt's own
 * moment. The bytes signed are the bytes sent: serialised once per attempt,
 * encoded once (signing the string would encode it a second time).
 */
export function prepareAttempt(
	{ batch, writeBody }: WebhookCall,
	settings: RunSettings,
	{ timestamp, id }: AttemptContext,
): AttemptRequest {
	const first = batch.entries[0].item;
	// An endpoint's own secrets, where it has them; else the credential's.
	const signing = settings.signing && {
		resolved: settings.signing.resolved,
		secrets: first.target?.secrets ?? settings.signing.secrets,
	};
	// Mailgun's signature goes in the body, around the payload, with a fresh
	// token each attempt.
	const scheme = signing?.resolved.scheme;
	const text = writeBody(timestamp);
	const body = Buffer.from(
		signing && scheme && bodySignatureOf(scheme)
			? signBody(scheme, signing.secrets, text, { timestamp })
			: text,
		'utf8',
	);
	// Twilio's format carries a JSON body's hash in the URL (bodySHA256),
	// so each body is sent to, and signed with, its own URL.
	const url = signing ? withBodyHash(signing.resolved.scheme, first.url, body) : first.url;
	// Built name by name: a header that cannot be sent throws here, it never
	// vanishes (Object.assign would drop a signature header named __proto__).
	const headers = outgoingHeaders(
		{ 'content-type': 'application/json' },
		first.headers,
		settings.deliveryIdHeader ? { [settings.deliveryIdHeader]: id } : {},
		signing && !bodySignatureOf(signing.resolved.scheme)
			? sign(signing.resolved.scheme, signing.secrets, body, {
					timestamp,
					id,
					event: first.event || undefined,
					method: first.method,
					url,
					signatureHeader: signing.resolved.signatureHeader,
				})
			: {},
	);
	// The text only for a log that shows it: otherwise the body's string (a
	// batch's is hundreds of kilobytes) is let go before the call is made.
	const payloadText = settings.system.logBodies ? text : undefined;
	return { url, method: first.method, headers, body, payloadText };
}
