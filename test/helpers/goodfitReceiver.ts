/**
 * GoodFit's documented receiver (the Express sample in its webhook docs),
 * written out independently of our core: sha256= + hex HMAC-SHA256 of the
 * raw body, compared with timingSafeEqual after a length check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function goodfitReceiverAccepts(
	secret: string,
	rawBody: Buffer,
	headerValue: string | string[] | undefined,
): boolean {
	const digest = Buffer.from(
		'sha256' + '=' + createHmac('sha256', secret).update(rawBody).digest('hex'),
		'utf8',
	);
	const providerSig = Buffer.from(typeof headerValue === 'string' ? headerValue : '', 'utf8');
	return providerSig.length === digest.length && timingSafeEqual(digest, providerSig);
}
