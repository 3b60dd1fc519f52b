import type { HmacScheme, PublicKeyScheme, Scheme, SchemeBase, SignedPart } from './types';

const body: SignedPart = { kind: 'body' };
const timestamp: SignedPart = { kind: 'timestamp' };
const id: SignedPart = { kind: 'id' };
const lit = (text: string): SignedPart => ({ kind: 'literal', text });

/** Standard Webhooks' headers and signed content, the same for v1 (HMAC) and v1a (Ed25519). */
const STANDARD_WEBHOOKS_CALL = {
	signatureHeader: 'webhook-signature',
	signedContent: [id, lit('.'), timestamp, lit('.'), body],
	timestamp: { in: 'header', header: 'webhook-timestamp', format: 'unix-seconds' },
	idHeader: 'webhook-id',
	toleranceSeconds: 300,
	docsUrl:
		'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
} satisfies Partial<SchemeBase>;

export const STANDARD_WEBHOOKS: HmacScheme = {
	kind: 'hmac',
	...STANDARD_WEBHOOKS_CALL,
	id: 'standardWebhooks',
	name: 'Standard Webhooks',
	description: 'webhook-id, webhook-timestamp, webhook-signature: v1,<base64> of id.timestamp.body',
	algorithm: 'sha256',
	digestEncoding: 'base64',
	signatureFormat: { style: 'versioned-list', version: 'v1' },
	secretEncoding: 'whsec',
};

export const SVIX: HmacScheme = {
	...STANDARD_WEBHOOKS,
	id: 'svix',
	name: 'Svix',
	description: 'svix-id, svix-timestamp, svix-signature: v1,<base64> of id.timestamp.body',
	signatureHeader: 'svix-signature',
	timestamp: { in: 'header', header: 'svix-timestamp', format: 'unix-seconds' },
	idHeader: 'svix-id',
	docsUrl: 'https://docs.svix.com/receiving/verifying-payloads/how-manual',
};

/** Stripe's format, which Calendly copies: `t=<unix>,v1=<hex>` of `t.body`. */
const STRIPE_FORMAT = {
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: {
		style: 'key-value',
		pairSeparator: ',',
		timestampKey: 't',
		signatureKey: 'v1',
	},
	secretEncoding: 'text',
	signedContent: [timestamp, lit('.'), body],
	timestamp: { in: 'signature-header', format: 'unix-seconds' },
} satisfies Partial<HmacScheme>;

export const STRIPE: HmacScheme = {
	kind: 'hmac',
	...STRIPE_FORMAT,
	id: 'stripe',
	name: 'Stripe',
	description: 'Stripe-Signature: t=<unix>,v1=<hex> of t.body (whsec_ secret used as text)',
	signatureHeader: 'Stripe-Signature',
	toleranceSeconds: 300,
	docsUrl: 'https://docs.stripe.com/webhooks',
	signedEventId: {
		member: 'id',
		source: 'https://docs.stripe.com/webhooks#handle-duplicate-events',
	},
};

export const GITHUB: HmacScheme = {
	kind: 'hmac',
	id: 'github',
	name: 'GitHub',
	description: 'X-Hub-Signature-256: sha256=<hex> of the body',
	signatureHeader: 'X-Hub-Signature-256',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: 'sha256=' },
	secretEncoding: 'text',
	signedContent: [body],
	idHeader: 'X-GitHub-Delivery',
	eventHeader: 'X-GitHub-Event',
	docsUrl: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
};

export const SHOPIFY: HmacScheme = {
	kind: 'hmac',
	id: 'shopify',
	name: 'Shopify',
	description: 'X-Shopify-Hmac-Sha256: <base64> of the body',
	signatureHeader: 'X-Shopify-Hmac-Sha256',
	algorithm: 'sha256',
	digestEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [body],
	idHeader: 'X-Shopify-Webhook-Id',
	eventHeader: 'X-Shopify-Topic',
	docsUrl: 'https://shopify.dev/docs/apps/build/webhooks/verify-deliveries',
};

export const SLACK: HmacScheme = {
	kind: 'hmac',
	id: 'slack',
	name: 'Slack',
	description: 'X-Slack-Signature: v0=<hex> of v0:timestamp:body; X-Slack-Request-Timestamp',
	signatureHeader: 'X-Slack-Signature',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: 'v0=' },
	secretEncoding: 'text',
	signedContent: [lit('v0:'), timestamp, lit(':'), body],
	timestamp: { in: 'header', header: 'X-Slack-Request-Timestamp', format: 'unix-seconds' },
	toleranceSeconds: 300,
	docsUrl: 'https://api.slack.com/authentication/verifying-requests-from-slack',
	// Signed like every Slack call; answered in plain text, the form Slack's
	// docs give first (api.slack.com/events/url_verification). @slack/bolt
	// answers {"challenge":…} as JSON, which Slack accepts too.
	handshake: {
		match: { path: ['type'], value: 'url_verification' },
		answer: { kind: 'echo', path: ['challenge'] },
	},
	signedEventId: {
		member: 'event_id',
		source: 'https://docs.slack.dev/apis/events-api',
	},
	retryHeaders: {
		number: 'X-Slack-Retry-Num',
		reason: 'X-Slack-Retry-Reason',
		source: 'https://docs.slack.dev/apis/events-api#retries',
	},
};

export const ZOOM: HmacScheme = {
	...SLACK,
	id: 'zoom',
	name: 'Zoom',
	description: 'x-zm-signature: v0=<hex> of v0:timestamp:body; x-zm-request-timestamp',
	signatureHeader: 'x-zm-signature',
	timestamp: { in: 'header', header: 'x-zm-request-timestamp', format: 'unix-seconds' },
	docsUrl: 'https://developers.zoom.us/docs/api/webhooks/',
	// Zoom documents no event id (docs/research/signed-event-ids.md): not Slack's.
	signedEventId: undefined,
	retryHeaders: undefined,
	// Zoom's own, never Slack's (spread above): the answer @zoom/rivet gives,
	// member order included.
	handshake: {
		match: { path: ['event'], value: 'endpoint.url_validation' },
		answer: {
			kind: 'hmac-json',
			path: ['payload', 'plainToken'],
			algorithm: 'sha256',
			encoding: 'hex',
			members: [
				{ name: 'encryptedToken', value: 'hmac' },
				{ name: 'plainToken', value: 'field' },
			],
		},
	},
};

export const TYPEFORM: HmacScheme = {
	kind: 'hmac',
	id: 'typeform',
	name: 'Typeform',
	description: 'Typeform-Signature: sha256=<base64> of the body',
	signatureHeader: 'Typeform-Signature',
	algorithm: 'sha256',
	digestEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: 'sha256=' },
	secretEncoding: 'text',
	signedContent: [body],
	docsUrl: 'https://www.typeform.com/developers/webhooks/secure-your-webhooks/',
};

export const LINEAR: HmacScheme = {
	kind: 'hmac',
	id: 'linear',
	name: 'Linear',
	description: 'Linear-Signature: <hex> of the body; webhookTimestamp (ms) inside the body',
	signatureHeader: 'Linear-Signature',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [body],
	timestamp: { in: 'body', field: 'webhookTimestamp', format: 'unix-ms' },
	idHeader: 'Linear-Delivery',
	eventHeader: 'Linear-Event',
	toleranceSeconds: 60,
	docsUrl: 'https://developers.linear.app/docs/graphql/webhooks',
};

export const PADDLE: HmacScheme = {
	kind: 'hmac',
	id: 'paddle',
	name: 'Paddle Billing',
	description: 'Paddle-Signature: ts=<unix>;h1=<hex> of ts:body',
	signatureHeader: 'Paddle-Signature',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: {
		style: 'key-value',
		pairSeparator: ';',
		timestampKey: 'ts',
		signatureKey: 'h1',
	},
	secretEncoding: 'text',
	signedContent: [timestamp, lit(':'), body],
	timestamp: { in: 'signature-header', format: 'unix-seconds' },
	// Paddle's SDK allows 5 s; that breaks on ordinary clock skew, so the
	// default here is the common 300 s (tighten it in the node if you wish).
	toleranceSeconds: 300,
	docsUrl: 'https://developer.paddle.com/webhooks/signature-verification',
	signedEventId: {
		member: 'event_id',
		source: 'https://developer.paddle.com/webhooks/about/how-webhooks-work',
	},
};

export const CALENDLY: HmacScheme = {
	kind: 'hmac',
	...STRIPE_FORMAT,
	id: 'calendly',
	name: 'Calendly',
	description: 'Calendly-Webhook-Signature: t=<unix>,v1=<hex> of t.body',
	signatureHeader: 'Calendly-Webhook-Signature',
	toleranceSeconds: 180,
};

export const INTERCOM: HmacScheme = {
	kind: 'hmac',
	id: 'intercom',
	name: 'Intercom',
	description: 'X-Hub-Signature: sha1=<hex> of the body (HMAC-SHA1)',
	signatureHeader: 'X-Hub-Signature',
	algorithm: 'sha1',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: 'sha1=' },
	secretEncoding: 'text',
	signedContent: [body],
	signedEventId: {
		member: 'id',
		source: 'https://intercom-developer-hub.readme.io/reference/notification-model',
	},
};

export const SQUARE: HmacScheme = {
	kind: 'hmac',
	id: 'square',
	name: 'Square',
	description: 'x-square-hmacsha256-signature: <base64> of notification URL + body',
	signatureHeader: 'x-square-hmacsha256-signature',
	algorithm: 'sha256',
	digestEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	// The notification URL as Square calls it; no decoding is documented.
	signedContent: [{ kind: 'url' }, body],
	signedEventId: {
		member: 'event_id',
		source: 'https://developer.squareup.com/docs/webhooks/step4manage',
	},
};

/**
 * HubSpot's request validation page: "decode any of the URL-encoded
 * characters" of its table (%3A, %2F, %3F, %40, %21, %24, %27, %28, %29,
 * %2A, %2C, %3B) before signing; other escapes stay. Both sides apply it, so
 * a URL HubSpot (or our sender) escapes differently still verifies.
 */
const HUBSPOT_DECODED = ":/?@!$'()*,;";

export const HUBSPOT_V3: HmacScheme = {
	kind: 'hmac',
	id: 'hubspotV3',
	name: 'HubSpot (v3)',
	description: 'X-HubSpot-Signature-v3: <base64> of method + URL + body + timestamp (ms)',
	signatureHeader: 'X-HubSpot-Signature-v3',
	algorithm: 'sha256',
	digestEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [{ kind: 'method' }, { kind: 'url', decoded: HUBSPOT_DECODED }, body, timestamp],
	timestamp: { in: 'header', header: 'X-HubSpot-Request-Timestamp', format: 'unix-ms' },
	toleranceSeconds: 300,
};

/**
 * Twilio signs the URL it calls (query included) and the POST form
 * parameters, sorted; for a JSON body, the URL alone, with the body's
 * SHA-256 added to its query as bodySHA256. The Auth Token is the secret (a
 * secondary token only signs once promoted: no rotation signatures). Like
 * twilio-node, a signature over the URL with or without the default port is
 * accepted. No timestamp: only replay protection stops a copy.
 *
 * Both ways: Send Webhook sends JSON, so it adds bodySHA256 to the URL it
 * calls (see withBodyHash) and signs that URL, which is what Twilio does and
 * what twilio-node's validateRequestWithBody checks.
 */
export const TWILIO: HmacScheme = {
	kind: 'hmac',
	id: 'twilio',
	name: 'Twilio',
	description:
		'X-Twilio-Signature: <base64> HMAC-SHA1 of the URL + sorted form parameters (JSON: URL with bodySHA256)',
	signatureHeader: 'X-Twilio-Signature',
	algorithm: 'sha1',
	digestEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [{ kind: 'url', defaultPort: 'either' }, { kind: 'form' }],
	bodyHash: { parameter: 'bodySHA256', algorithm: 'sha256', encoding: 'hex' },
	toleranceSeconds: 0,
	docsUrl: 'https://www.twilio.com/docs/usage/webhooks/webhooks-security',
};

// ---- The four seed systems -------------------------------------------------

export const GOODFIT: HmacScheme = {
	kind: 'hmac',
	id: 'goodfit',
	name: 'GoodFit',
	description: 'x-goodfit-hmac-sha256: sha256=<hex> of the raw JSON body',
	signatureHeader: 'x-goodfit-hmac-sha256',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: 'sha256=' },
	secretEncoding: 'text',
	signedContent: [body],
};

/**
 * Smarter Launch documents the digest (hex HMAC-SHA256 of the JSON body) but
 * not the header it travels in, so the header name is a setting and this is
 * only its default.
 */
export const SMARTER_LAUNCH: HmacScheme = {
	kind: 'hmac',
	id: 'smarterLaunch',
	name: 'Smarter Launch',
	description: '<hex> HMAC-SHA256 of the JSON body, in a header you name',
	signatureHeader: 'X-Signature',
	signatureHeaderNamedByUser: true,
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [body],
};

/**
 * ConnectGain signs only the body. Its X-Webhook-Timestamp header is not
 * signed, so a replay window can only use the `timestamp` inside the signed
 * {event, timestamp, data} envelope. ConnectGain documents no window and says
 * deliveries may be retried, and a retry carries the event's original
 * envelope: no age is enforced unless the user sets a tolerance.
 */
export const CONNECTGAIN: HmacScheme = {
	kind: 'hmac',
	id: 'connectgain',
	name: 'ConnectGain',
	description: 'X-Webhook-Signature: <hex> of the {event, timestamp, data} body; X-Webhook-Event',
	signatureHeader: 'X-Webhook-Signature',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [body],
	timestamp: {
		in: 'body',
		field: 'timestamp',
		format: 'iso8601',
		alsoHeader: 'X-Webhook-Timestamp',
	},
	eventHeader: 'X-Webhook-Event',
	envelope: true,
	toleranceSeconds: 0,
};

/**
 * Vinsight's docs say HMAC(key = secret, data = body), but their published
 * test vector only reproduces with the two swapped. We sign as the vector does
 * (it is the only concrete value published) and accept either order, which
 * is no weaker: both need the secret.
 */
export const VINSIGHT: HmacScheme = {
	kind: 'hmac',
	id: 'vinsight',
	name: 'Vinsight',
	description: "x-signature: <hex> HMAC-SHA256 as in Vinsight's published test vector",
	signatureHeader: 'x-signature',
	algorithm: 'sha256',
	digestEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	secretEncoding: 'text',
	signedContent: [body],
	keyOrders: ['content-as-key', 'secret-as-key'],
	bodyFormat: 'json',
	docsUrl: 'https://docs.vinsight.net/webhooks',
};

/**
 * Mailgun signs no body: the hex HMAC-SHA256 of `timestamp + token` (no
 * separator), with the webhook signing key as text, all three in the body
 * (JSON: the `signature` member beside `event-data`; legacy form posts:
 * top-level fields). The event data is not covered, so one captured
 * signature would carry any data: each token is accepted once (`replay:
 * 'required'`) and remembered until its timestamp leaves the window.
 *
 * The window: Mailgun's docs set none, and third-party reports say retries
 * (5 min to about 8 h later) resend the original signature. 300 s is kept
 * anyway: the window is also how long a token is remembered, and the memory
 * lives in one n8n process (after a restart, or on another webhook process
 * in queue mode, a token can be reused while its timestamp is fresh). A
 * receiver that must take late retries widens it (README, Mailgun).
 */
export const MAILGUN: HmacScheme = {
	kind: 'hmac',
	id: 'mailgun',
	name: 'Mailgun',
	description:
		'In the body: signature {timestamp, token, signature: <hex> of timestamp + token}; event-data unsigned',
	// Not used: the signature travels in the body (bodySignature).
	signatureHeader: '',
	signatureFormat: { style: 'plain', prefix: '' },
	algorithm: 'sha256',
	digestEncoding: 'hex',
	secretEncoding: 'text',
	signedContent: [timestamp, id],
	timestamp: { in: 'body-signature', format: 'unix-seconds' },
	bodySignature: {
		jsonMember: 'signature',
		timestampField: 'timestamp',
		tokenField: 'token',
		signatureField: 'signature',
		alternateSignatureFields: ['parent-signature'],
		payloadMember: 'event-data',
		maxTokenLength: 256,
		tokenLength: 50,
	},
	toleranceSeconds: 300,
	replay: 'required',
	docsUrl: 'https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks',
};

// ---- Public-key schemes ------------------------------------------------------
// The receiver holds the sender's public key, the sender a key pair (the nodes
// offer them with their own credential). Their names carry the algorithm, so
// the editor's one list tells Standard Webhooks' v1 and v1a apart.

/**
 * Standard Webhooks' asymmetric form: v1's headers and signed content,
 * signed with Ed25519. One header may carry v1 and v1a entries side by
 * side; each scheme reads only its own, so a receiver holding the HMAC
 * secret checks the v1 ones and one holding the whpk_ key the v1a ones.
 */
export const STANDARD_WEBHOOKS_V1A: PublicKeyScheme = {
	kind: 'public-key',
	...STANDARD_WEBHOOKS_CALL,
	id: 'standardWebhooksV1a',
	name: 'Standard Webhooks v1a (Ed25519)',
	description:
		'webhook-id, webhook-timestamp, webhook-signature: v1a,<base64 Ed25519> of id.timestamp.body',
	algorithm: 'ed25519',
	signatureEncoding: 'base64',
	signatureFormat: { style: 'versioned-list', version: 'v1a' },
};

/**
 * Discord interactions. discord-interactions checks no timestamp, and
 * Discord documents no window; but Discord sends each interaction once,
 * stamped when sent, and wants an answer within 3 s, so the usual 300 s
 * never refuses a genuine call and does refuse a captured one replayed later.
 */
export const DISCORD: PublicKeyScheme = {
	kind: 'public-key',
	id: 'discord',
	name: 'Discord Interactions (Ed25519)',
	description: 'X-Signature-Ed25519: <hex Ed25519> of timestamp + body; X-Signature-Timestamp',
	signatureHeader: 'X-Signature-Ed25519',
	algorithm: 'ed25519',
	signatureEncoding: 'hex',
	signatureFormat: { style: 'plain', prefix: '' },
	signedContent: [timestamp, body],
	timestamp: { in: 'header', header: 'X-Signature-Timestamp', format: 'unix-seconds' },
	toleranceSeconds: 300,
	docsUrl:
		'https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization',
	// Discord saves an endpoint only if it answers a PING with PONG, and
	// removes it if its routine forged calls get anything but 401.
	rejectionStatus: 401,
	handshake: {
		match: { path: ['type'], value: 1 },
		answer: { kind: 'fixed-json', json: '{"type":1}' },
	},
};

/**
 * SendGrid's Event Webhook: verify only (see sign()). The official helper
 * checks no timestamp and SendGrid retries failed posts for up to 24 hours
 * without saying whether a retry is stamped anew, so no window is enforced
 * unless the user sets one (sg_event_id names each event for de-duplication).
 */
export const SENDGRID: PublicKeyScheme = {
	kind: 'public-key',
	id: 'sendgrid',
	name: 'SendGrid Event Webhook (ECDSA P-256)',
	description:
		'X-Twilio-Email-Event-Webhook-Signature: <base64 DER ECDSA P-256> of timestamp + body',
	signatureHeader: 'X-Twilio-Email-Event-Webhook-Signature',
	algorithm: 'ecdsa-p256-sha256',
	signatureEncoding: 'base64',
	signatureFormat: { style: 'plain', prefix: '' },
	signedContent: [timestamp, body],
	timestamp: {
		in: 'header',
		header: 'X-Twilio-Email-Event-Webhook-Timestamp',
		format: 'unix-seconds',
	},
	toleranceSeconds: 0,
	docsUrl:
		'https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features',
};

/** Every built-in scheme: HMAC ones (Mailgun's signature in the body), then public-key ones. */
export const SCHEMES: readonly Scheme[] = [
	STANDARD_WEBHOOKS,
	SVIX,
	GOODFIT,
	SMARTER_LAUNCH,
	CONNECTGAIN,
	VINSIGHT,
	GITHUB,
	STRIPE,
	SHOPIFY,
	SLACK,
	TYPEFORM,
	LINEAR,
	PADDLE,
	CALENDLY,
	ZOOM,
	INTERCOM,
	SQUARE,
	HUBSPOT_V3,
	TWILIO,
	MAILGUN,
	STANDARD_WEBHOOKS_V1A,
	DISCORD,
	SENDGRID,
];

const byId = new Map(SCHEMES.map((scheme) => [scheme.id, scheme]));

/** The built-in scheme with this id (Generic HMAC is built from settings: see generic.ts). */
export function findScheme(schemeId: string): Scheme | undefined {
	return byId.get(schemeId);
}
