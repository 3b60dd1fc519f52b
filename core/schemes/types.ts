/**
 * A signing scheme is data, not code: everything sign() and verify() need to
 * know about a provider's format is written here, so adding a provider means
 * adding one object to the catalog and its known-answer vectors to the tests.
 */

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** How the digest bytes are written in the header. */
export type DigestEncoding = 'hex' | 'base64';

/**
 * How the secret the user pasted becomes the HMAC key.
 * - text:   its UTF-8 bytes (GitHub, Stripe's `whsec_…`, Slack's hex-looking secret)
 * - hex:    hex-decoded
 * - base64: base64-decoded
 * - whsec:  Standard Webhooks / Svix: strip an optional `whsec_` prefix, base64-decode the rest
 */
export type SecretEncoding = 'text' | 'hex' | 'base64' | 'whsec';

export type TimestampFormat = 'unix-seconds' | 'unix-ms' | 'iso8601';

/** One piece of the byte string that is signed, in order. */
export type SignedPart =
	| { kind: 'body' }
	| { kind: 'timestamp' }
	| { kind: 'id' }
	| { kind: 'method' }
	/**
	 * The request URL as sent. `decoded`: characters whose percent-encodings
	 * are decoded first (HubSpot v3 documents twelve). `defaultPort: 'either'`:
	 * a receiver also accepts the URL with its scheme's default port written
	 * out or left out, as twilio-node does.
	 */
	| { kind: 'url'; decoded?: string; defaultPort?: 'either' }
	/**
	 * The body's form parameters as Twilio signs them (see formSignedText in
	 * core/form.ts); a body that is not form text is refused. Empty where the
	 * scheme's bodyHash parameter is in the URL, which then covers the body.
	 */
	| { kind: 'form' }
	| { kind: 'literal'; text: string };

/**
 * Twilio's rule for a body that is not a form (JSON): the body's digest goes
 * in the URL's query under `parameter`, and the URL alone is signed.
 */
export interface BodyHashInUrl {
	readonly parameter: string;
	readonly algorithm: 'sha256';
	readonly encoding: 'hex';
}

/** How the signature(s) are written in the signature header. */
export type SignatureFormat =
	/** `<prefix><digest>`, one signature: `sha256=9f86…` */
	| { style: 'plain'; prefix: string }
	/** Standard Webhooks: `v1,<digest> v1,<digest>`; other versions are skipped. */
	| { style: 'versioned-list'; version: string }
	/**
	 * Stripe-like: `t=<ts>,v1=<digest>,v1=<digest>`; the timestamp travels in the
	 * same header. Keys other than the two named here (e.g. Stripe's `v0`) are
	 * ignored, so a downgrade to a weaker version is impossible.
	 */
	| { style: 'key-value'; pairSeparator: string; timestampKey: string; signatureKey: string };

/** Where the timestamp travels and how it is written. */
export type TimestampSource =
	/** A header of its own. */
	| { in: 'header'; header: string; format: TimestampFormat }
	/** Inside the signature header (key-value style). */
	| { in: 'signature-header'; format: TimestampFormat }
	/**
	 * A top-level field of the JSON body, signed because the body is.
	 * `alsoHeader`: an unsigned copy some providers send too, never trusted.
	 */
	| { in: 'body'; field: string; format: TimestampFormat; alsoHeader?: string }
	/** Beside a signature carried in the body (Mailgun): see BodySignature. */
	| { in: 'body-signature'; format: TimestampFormat };

/**
 * Which of the two HMAC inputs the secret is. Every provider but one uses the
 * secret as the key. Vinsight's published test vector only reproduces with the
 * signed content as the key and the secret as the message.
 */
export type KeyOrder = 'secret-as-key' | 'content-as-key';

/** What every scheme has, whatever signs it: where things travel and what is signed. */
export interface SchemeBase {
	/** Stable identifier, used in node parameters and workflow JSON. */
	readonly id: string;
	/** What users see in the editor. */
	readonly name: string;
	readonly signatureHeader: string;
	/**
	 * The provider documents no header name (Smarter Launch): the receiver and
	 * sender name it, and `signatureHeader` is only the default offered.
	 */
	readonly signatureHeaderNamedByUser?: true;
	readonly signatureFormat: SignatureFormat;
	readonly signedContent: readonly SignedPart[];
	readonly timestamp?: TimestampSource;
	/** Header carrying the delivery id (signed only if signedContent has an id part). */
	readonly idHeader?: string;
	/** Header carrying the event name, where the provider sends one. */
	readonly eventHeader?: string;
	/** Replay window the provider documents, in seconds; 0: none (not checked); absent: 300 s. */
	readonly toleranceSeconds?: number;
	/** One line for the editor and the README. */
	readonly description: string;
	/** Where the provider documents the format. */
	readonly docsUrl?: string;
	/**
	 * The status a refused call must get, whatever the receiver chose, where
	 * the provider checks it (Discord removes an endpoint that does not answer
	 * its deliberately forged calls with 401).
	 */
	readonly rejectionStatus?: number;
	/** A signed call that checks the endpoint and wants an answer, not a run (handshake.ts). */
	readonly handshake?: Handshake;
	/**
	 * Where the URL's query carries this parameter, the body is covered by the
	 * digest it holds, and `form` parts sign nothing (Twilio's bodySHA256).
	 */
	readonly bodyHash?: BodyHashInUrl;
	/**
	 * 'required': the signature does not cover the payload (Mailgun signs a
	 * timestamp and a one-time token only), so only remembering each call's
	 * id stops a captured signature being attached to other data. A reused id
	 * is refused whatever the receiver chose, and the window cannot be off: it
	 * bounds how long an id is kept.
	 */
	readonly replay?: 'required';
	/**
	 * The provider's id of the event, inside the signed body, the same on
	 * every retry of that event however often it is re-signed (Stripe's
	 * `id`): a verified call's `eventId`. docs/research/signed-event-ids.md
	 * gives each provider's source.
	 */
	readonly signedEventId?: SignedEventId;
	/**
	 * Headers in which the provider says a call is a retry, and why (Slack's
	 * X-Slack-Retry-Num, X-Slack-Retry-Reason): a verified call's
	 * `providerRetry`. Unsigned, so informative only: never a call's name.
	 */
	readonly retryHeaders?: RetryHeaders;
}

/** Where a provider marks its retries; see SchemeBase.retryHeaders. */
export interface RetryHeaders {
	readonly number: string;
	readonly reason: string;
	readonly source: string;
}

/** A top-level member of a JSON body that names the event, and where the provider says so. */
export interface SignedEventId {
	readonly member: string;
	readonly source: string;
}

/**
 * A signature that travels in the body (Mailgun): the fields of one member
 * of a JSON body, or top-level fields of a form body. Only the timestamp and
 * token fields (`timestamp` and `id` parts) are signed, exactly as sent.
 */
export interface BodySignature {
	/** The JSON member holding the fields. */
	readonly jsonMember: string;
	readonly timestampField: string;
	/** A random value per call: the call's id, which replay protection remembers. */
	readonly tokenField: string;
	readonly signatureField: string;
	/**
	 * Fields that, when present, hold a signature of the same content made
	 * with another key (Mailgun subaccounts' `parent-signature`, made with
	 * the parent account's key). Either signature verifies the call.
	 */
	readonly alternateSignatureFields: readonly string[];
	/** The JSON member a sender puts its payload in (`event-data`). */
	readonly payloadMember: string;
	/** Longest token accepted, in characters. */
	readonly maxTokenLength: number;
	/** Hex digits in a token Send Webhook makes. */
	readonly tokenLength: number;
}

/** Keys from the top of a JSON object body down to one field: `['payload', 'plainToken']`. */
export type FieldPath = readonly string[];

/** A verified call the trigger answers itself and never runs: which bodies, and their answer. */
export interface Handshake<Answer extends HandshakeAnswer = HandshakeAnswer> {
	/** A JSON object body whose field at `path` is `value` (compared with ===). */
	readonly match: { readonly path: FieldPath; readonly value: string | number };
	readonly answer: Answer;
}

/** What a handshake gets, always with status 200. */
export type HandshakeAnswer =
	/** The same JSON text every time, as application/json (Discord's PONG). */
	| { readonly kind: 'fixed-json'; readonly json: string }
	/** A string field of the body, as text/plain (Slack's challenge). */
	| { readonly kind: 'echo'; readonly path: FieldPath }
	/**
	 * A JSON object whose members, in this order, are the body's string field
	 * at `path` or its HMAC under the secret that verified the call (Zoom).
	 */
	| {
			readonly kind: 'hmac-json';
			readonly path: FieldPath;
			readonly algorithm: HashAlgorithm;
			readonly encoding: DigestEncoding;
			readonly members: readonly {
				readonly name: string;
				readonly value: 'field' | 'hmac';
			}[];
	  };

/** An HMAC scheme: sender and receiver hold the same secret. */
export interface HmacScheme extends SchemeBase {
	readonly kind: 'hmac';
	readonly algorithm: HashAlgorithm;
	readonly digestEncoding: DigestEncoding;
	/** How this provider's secrets are read, unless the credential says otherwise. */
	readonly secretEncoding: SecretEncoding;
	/** The provider's body is always the {event, timestamp, data} envelope (ConnectGain). */
	readonly envelope?: boolean;
	/** Orders accepted on verify; the first is the one sign() produces. */
	readonly keyOrders?: readonly KeyOrder[];
	/**
	 * What the provider's bodies always are. 'json': valid UTF-8 JSON text, and
	 * a body that is not is refused before its signature is looked at. Needed
	 * where the body is the HMAC key (Vinsight): HMAC pads a short key with
	 * zero bytes and hashes a long one, so a body with zeros appended, or the
	 * raw SHA-256 of a long body, would carry a captured call's signature.
	 */
	readonly bodyFormat?: 'json';
	/** The signature travels in the body (Mailgun): `signatureHeader` and `signatureFormat` unused. */
	readonly bodySignature?: BodySignature;
}

/** Where a scheme's signature travels in the body, if it does. */
export function bodySignatureOf(scheme: Scheme): BodySignature | undefined {
	return scheme.kind === 'hmac' ? scheme.bodySignature : undefined;
}

/**
 * - ed25519: RFC 8032 Ed25519, 64-byte signatures (Discord, Standard Webhooks v1a)
 * - ecdsa-p256-sha256: ECDSA on P-256 over SHA-256, DER signatures (SendGrid)
 */
export type PublicKeyAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';

/**
 * A public-key scheme: receivers verify with the public key, so a receiver
 * can never sign (or leak a way to sign). Keys are read in every format
 * providers hand out (core/keys.ts), so they need no encoding setting.
 */
export interface PublicKeyScheme extends SchemeBase {
	readonly kind: 'public-key';
	/** A public key cannot key an HMAC: no hmac-json answer. */
	readonly handshake?: Handshake<Exclude<HandshakeAnswer, { kind: 'hmac-json' }>>;
	readonly algorithm: PublicKeyAlgorithm;
	readonly signatureEncoding: DigestEncoding;
}

/** Every scheme, told apart by `kind`: what a receiver holds (a secret, or a public key). */
export type Scheme = HmacScheme | PublicKeyScheme;

/**
 * Why a scheme cannot be received with these settings, or undefined. The one
 * rule is Mailgun's (`replay: 'required'`): its signature covers no payload,
 * so only a memory of the tokens seen, kept for the timestamp's window, stops
 * a captured signature from carrying other data; neither can be off.
 */
export function receivingProblem(
	scheme: SchemeBase,
	settings: { readonly toleranceSeconds: number; readonly replayMemory?: boolean },
): string | undefined {
	if (scheme.replay !== 'required') return undefined;
	if (settings.toleranceSeconds === 0) {
		return `${scheme.name} signs no payload, only a timestamp and a one-time token: its timestamp window cannot be off, because the window is how long a token is remembered`;
	}
	if (settings.replayMemory === false) {
		return `${scheme.name} calls can only be accepted with replay protection: its signature does not cover the payload, so each token must be accepted once`;
	}
	return undefined;
}
