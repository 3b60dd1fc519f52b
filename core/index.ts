/**
 * The signing core: pure TypeScript, no n8n imports. The nodes are thin
 * adapters over what is exported here.
 */
export * from './batching';
export * from './bounds';
export * from './delivery';
export * from './deliveryId';
export * from './encoding';
export * from './expiringCache';
// A limit of what is read before a signature is checked.
export { MAX_FORM_PARAMETERS } from './form';
// Only the reply's shape: a handshake is answered by receive(), for verified calls only.
export { MAX_HANDSHAKE_FIELD_LENGTH, type HandshakeReply } from './handshake';
export * from './headers';
export * from './keys';
export * from './outgoing';
export * from './payload';
export * from './reasons';
export * from './receive';
export * from './replay';
export { idSeparator } from './replayKey';
export * from './retry';
export * from './schemes/catalog';
export * from './schemes/generic';
export * from './schemes/types';
export * from './secrets';
export * from './sign';
// Of the readers verify() is made of, only their limits and the window's rules: the readers serve verify().
export { MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER, MAX_SIGNATURES_PER_HEADER } from './signatureHeader';
export { DEFAULT_TOLERANCE_SECONDS, effectiveTolerance, signsTimestamp } from './timeWindow';
export * from './verify';
