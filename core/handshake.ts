import type { Handshake, SchemeBase } from './schemes/types';

/**
 * The fixed answer to a scheme's handshake call (Discord's PING), or
 * undefined for any other call. Ask only about a call that was verified:
 * an unsigned PING is as forged as any other call. Never throws.
 */
export function handshakeAnswer(scheme: SchemeBase, body: Uint8Array): string | undefined {
	const handshake: Handshake | undefined = scheme.handshake;
	if (!handshake) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(
			Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
		);
	} catch {
		return undefined;
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
	return (parsed as Record<string, unknown>)[handshake.field] === handshake.value
		? handshake.answer
		: undefined;
}
