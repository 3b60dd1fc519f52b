/**
 * The signing core: pure TypeScript, no n8n imports. The nodes are thin
 * adapters over what is exported here.
 */
export * from './send/batching';
export * from './send/bounds';
export * from './send/delivery';
export * from './send/deliveryId';
export * from './crypto/encoding';
export * from './receive/expiringCache';
// A limit of what is read before a signature is checked.
export { MAX_FORM_PARAMETERS } from './http/form';
// Only the reply's shape: a handshake is answered by receive(), for verified calls only.
export { MAX_HANDSHAKE_FIELD_LENGTH, type HandshakeReply } from './receive/handshake';
export * from './http/headers';
export * from './crypto/keys';
export * from './send/outgoing';
export * from './send/payload';
export * from './verify/reasons';
export * from './receive/receive';
export * from './receive/replay';
export { idSeparator } from './verify/replayKey';
export * from './send/retry';
export * from './schemes/catalog';
export * from './schemes/generic';
export * from './schemes/types';
export * from './crypto/secrets';
export * from './send/sign';
// Of the readers verify() is made of, only their limits and the window's rules: the readers serve verify().
export {
	MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER,
	MAX_SIGNATURES_PER_HEADER,
} from './verify/signatureHeader';
export { DEFAULT_TOLERANCE_SECONDS, effectiveTolerance, signsTimestamp } from './verify/timeWindow';
export * from './verify/verify';
export type { VerifyOptions } from './verify/options';
export type { Rejection } from './verify/rejection';
export type { Failure, Result } from './result';
