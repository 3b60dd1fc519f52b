/**
 * The signing core's surface: what the nodes use, and what a reader starts
 * from. Pure TypeScript, no n8n imports. Its folders import only from those
 * below them: http ← schemes ← crypto ← verify ← receive, and send beside
 * receive (docs/architecture.md). Anything not named here is a part of one
 * of these; tests reach it through its own file.
 */
export type { Failure, Result } from './result';

// ---- What arrives: headers, and the limits of what is read unsigned ----------
export {
	describeHeaderProblem,
	describeHeaderValueFault,
	findHeaderValueFault,
	type HeaderBag,
	type HeaderValue,
} from './http/headers';
export { MAX_FORM_PARAMETERS } from './http/form';

// ---- Schemes, as data --------------------------------------------------------
export {
	CALENDLY,
	CONNECTGAIN,
	DISCORD,
	findScheme,
	GITHUB,
	GOODFIT,
	HUBSPOT_V3,
	INTERCOM,
	LINEAR,
	MAILGUN,
	PADDLE,
	SCHEMES,
	SENDGRID,
	SHOPIFY,
	SLACK,
	SMARTER_LAUNCH,
	SQUARE,
	STANDARD_WEBHOOKS,
	STANDARD_WEBHOOKS_V1A,
	STRIPE,
	SVIX,
	TWILIO,
	TYPEFORM,
	VINSIGHT,
	ZOOM,
} from './schemes/catalog';
export { buildGenericScheme, type GenericHmacSettings } from './schemes/generic';
export {
	bodySignatureOf,
	receivingProblem,
	type BodySignature,
	type DigestEncoding,
	type HashAlgorithm,
	type HmacScheme,
	type KeyOrder,
	type PublicKeyAlgorithm,
	type PublicKeyScheme,
	type Scheme,
	type SchemeBase,
	type SecretEncoding,
	type SignatureFormat,
	type SignedPart,
	type TimestampFormat,
	type TimestampSource,
} from './schemes/types';

// ---- Secrets and keys ----------------------------------------------------------
export { describeSecretProblem, resolveKeys, type SecretSet } from './crypto/secrets';
export { checkKeySet, resolveKeyObjects } from './crypto/keys';

// ---- Verifying one call ----------------------------------------------------------
export { verify, type VerifyResult } from './verify/verify';
export type { VerifyOptions } from './verify/options';
export type { Rejection } from './verify/rejection';
export { isConfigurationProblem, REJECTION_REASONS, type RejectionReason } from './verify/reasons';
export {
	MAX_PUBLIC_KEY_SIGNATURES_PER_HEADER,
	MAX_SIGNATURES_PER_HEADER,
} from './verify/signatureHeader';
export { DEFAULT_TOLERANCE_SECONDS, effectiveTolerance, signsTimestamp } from './verify/timeWindow';
export { idSeparator } from './verify/replayKey';

// ---- Receiving: inspect without the secret, then verify, claim, answer -------------
export {
	DEFAULT_REJECTION_STATUS,
	IN_PROGRESS_STATUS,
	inspectIncoming,
	receive,
	receiveInspected,
	type CallName,
	type ReceiveRefusal,
	type ReceiveRejectionReason,
	type ReceiveResult,
	type ReplayOptions,
	type Verification,
} from './receive/receive';
export { signsEventId, type ProviderRetry } from './receive/eventId';
export {
	ReplayMemories,
	ReplayMemory,
	type ClaimRequest,
	type ClaimResult,
	type ReplayStore,
	type RunOutcome,
} from './receive/replay';
export { MAX_HANDSHAKE_FIELD_LENGTH, type HandshakeReply } from './receive/handshake';
export { ExpiringCache } from './receive/expiringCache';

// ---- Sending: sign, write, batch, deliver; endpoints as data --------------------------
export {
	headersSignSets,
	sign,
	signBody,
	SigningError,
	withBodyHash,
	type SignOptions,
} from './send/sign';
export { describeUnsendableHeaderName, outgoingHeaders } from './send/outgoing';
export {
	assembleBody,
	bodyWriter,
	MAX_BODY_LENGTH,
	measureJson,
	type BodyWriter,
} from './send/payload';
export {
	describeBatchSizeProblem,
	MAX_BATCH_SIZE,
	splitIntoBatches,
	type Batch,
} from './send/batching';
export {
	deliver,
	mapWithConcurrency,
	type AttemptContext,
	type AttemptRecord,
	type DeliveryIo,
	type DeliveryResult,
} from './send/delivery';
export {
	DEFAULT_RETRY_POLICY,
	describeRetryPolicyProblem,
	LONG_WAIT_MAX_DELAY_SECONDS,
	RETRY_SCHEDULES,
	type AttemptOutcome,
	type RetryLimits,
	type RetryPolicy,
} from './send/retry';
export { callBounds, CANCELLED, Deadline, DestinationBreaker } from './send/bounds';
export {
	describeEventPatternProblem,
	endpointRecord,
	eventMatches,
	MAX_ENDPOINT_ID_LENGTH,
	MAX_EVENT_PATTERNS,
	MAX_SECRET_VERSION,
	readEndpoint,
	type Endpoint,
	type EndpointResult,
} from './send/endpoints';
export {
	deriveEndpointSecret,
	endpointSecretSet,
	type EndpointSecretFailure,
	type EndpointSecretResult,
	type EndpointSecretSetResult,
} from './send/endpointSecrets';
export {
	batchDeliveryId,
	contentDeliveryId,
	describeDeliveryIdProblem,
	newDeliveryId,
	type CallContent,
} from './send/deliveryId';
