/**
 * Only nodes/VerifiedWebhookTrigger/webhook.ts still imports from here, while
 * that file changes on another branch: once its import names schemeChoice.ts
 * and credentialData.ts, delete this file.
 */
export { chooseScheme } from './schemeChoice';
export { credentialFor } from './credentialData';
