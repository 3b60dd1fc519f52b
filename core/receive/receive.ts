import { createHash } from 'node:crypto';

import { handshakeReply, type HandshakeReply } from './handshake';
import { providerRetry, signedEventId, type ProviderRetry } from './eventId';
import { readHeader, type HeaderBag } from '../http/headers';
import { isConfigurationProblem, type RejectionReason } from '../verify/reasons';
import type { ClaimResult, ReplayStore, RunOutcome } from './replay';
import { resolveKeys, type HmacKey, type SecretLabel, type SecretSet } from '../crypto/secrets';
import { receivingProblem, type KeyOrder, type Scheme } from '../schemes/types';
import { effectiveTolerance } from '../verify/timeWindow';
import { inspectCall, type Inspection } from '../verify/inspect';
import type { Failure } from '../result';
import { checkSignature, type InspectedCall, type VerifyResult } from '../verify/verify';

/** Why a receiver refused a call: verify()'s reasons, and two of the receiver's own. */
export type ReceiveRejectionReason =
	| RejectionReason
	/** A copy of a call that was processed (its run succeeded): nothing runs again. */
	| 'replayed_id'
	/** A copy of a call whose run has not ended yet: the sender should try again later. */
	| 'in_progress'
	/** A multipart or content-encoded body: the bytes signed cannot be known. */
	| 'unsupported_body'
	/** A body over the framework's size limit (n8n: N8N_PAYLOAD_SIZE_MAX): it was never read. */
	| 'body_too_large';

interface IncomingCall {
	/** The exact bytes received; undefined when the framework could not give them. */
	readonly body: Uint8Array | undefined;
	/** Why `body` is undefined, where the framework refused it for its size limit. */
	readonly bodyTooLarge?: boolean;
	readonly headers: HeaderBag;
	/** The request line, for schemes that sign it (Square, HubSpot v3). */
	readonly method?: string;
	readonly url?: string;
}

interface ReceiveOptions {
	readonly now: Date;
	/** Seconds, both directions; 0 turns the window off; undefined is the scheme's own window. */
	readonly toleranceSeconds?: number;
	readonly signatureHeader?: string;
	/** Set to run each call's work once: see ReplayStore. */
	readonly replay?: ReplayOptions;
}

export interface ReplayOptions {
	readonly store: ReplayStore;
	/**
	 * Seconds a processed call is remembered; longer while its signed
	 * timestamp stays inside the window, so no copy outlives the memory of it.
	 */
	readonly rememberSeconds: number;
	/** The answer to a copy of a processed call: 200 (the sender stops retrying) or a rejection status. */
	readonly duplicateStatus: number;
	/** Tells how this call's run ended, when its end could not be reported through settle. */
	readonly probe?: () => RunOutcome;
	/**
	 * Seconds a call's copies wait (503) for its run to answer; after that the
	 * run is taken as lost and a copy runs. Absent: until the memory forgets
	 * the call. Ignored where the scheme requires the memory (Mailgun): there
	 * a token must stay refused while its timestamp is fresh, whatever its run.
	 */
	readonly leaseSeconds?: number;
	/**
	 * What names a call, so that its copies are known: what its signature
	 * covers (the default), or the provider's event id where the verified
	 * call carries one (eventId.ts), so that a retry the provider re-signed
	 * with a new timestamp is a copy of the event it retries. A call without
	 * an event id is named by what its signature covers.
	 */
	readonly nameBy?: CallName;
}

/** What replay protection names a call by; see ReplayOptions.nameBy. */
export type CallName = 'signedContent' | 'eventId';

export interface Verification {
	readonly scheme: string;
	readonly matchedSecret: SecretLabel;
	/** Absent for a public-key scheme. */
	readonly keyOrder?: KeyOrder;
	/** The signed timestamp, ISO 8601, where the scheme has one. */
	readonly timestamp?: string;
	readonly id?: string;
	/**
	 * The provider's id of the event, from the signed content, the same on
	 * its retries even when they are re-signed (eventId.ts); absent where the
	 * scheme or the body has none.
	 */
	readonly eventId?: string;
	/**
	 * The provider's own marks of a retry (Slack's X-Slack-Retry-Num and
	 * -Reason), where its scheme has them and the call carries them; from
	 * unsigned headers, so informative only.
	 */
	readonly providerRetry?: ProviderRetry;
	/**
	 * The key replay protection uses: what the signature covers, the same for
	 * every copy of the call and different for any other, hashed (SHA-256,
	 * base64url) so that it carries no signature. A workflow can de-duplicate
	 * on it across n8n processes (README, queue mode).
	 */
	readonly replayKey: string;
}

/** A refused call: why, and the status to answer with. */
export interface ReceiveRefusal extends Failure<ReceiveRejectionReason> {
	/**
	 * 415 for the body, 413 for its size or its form's length, 500 for our own
	 * configuration, 503 for a copy of a call still running, the duplicate
	 * status for a copy of a processed call, else the rejection status.
	 */
	readonly status: number;
	readonly id?: string;
}

export type ReceiveResult =
	| {
			readonly ok: true;
			readonly verification: Verification;
			/** With replay protection: report how the run ended (see ReplayStore). Never throws. */
			readonly settle?: Settle;
			/** A verified handshake's answer, to send byte for byte, running nothing. Never with settle. */
			readonly handshake?: HandshakeReply;
	  }
	| ReceiveRefusal;

type Settle = (outcome: Exclude<RunOutcome, 'running'>) => void;

/** Answer for calls that fail verification, unless the receiver chooses 403. */
export const DEFAULT_REJECTION_STATUS = 401;

/** The answer to a copy of a call still running: every sender that retries at all retries a 503. */
export const IN_PROGRESS_STATUS = 503;

/**
 * A call that passed every check needing no secret (see inspectIncoming),
 * waiting for its signature to be checked by receiveInspected().
 */
export interface InspectedIncoming {
	readonly scheme: Scheme;
	readonly body: Uint8Array;
	readonly inspection: InspectedCall;
	readonly now: Date;
	readonly toleranceSeconds?: number;
	readonly rejectionStatus: number;
	/** Read with the headers, shown only once the call is verified. */
	readonly providerRetry?: ProviderRetry;
}

/**
 * The checks of a call that need no secret, made once: the body (readable,
 * not multipart or compressed), the signature's carrier, the timestamp's
 * window and the signed parts (inspectCall). A refused call is answered
 * without the secret ever being loaded (n8n builds a sandbox to hand a
 * trigger its credential); one that passes goes on to receiveInspected(),
 * which checks its signature on this same inspection.
 */
export function inspectIncoming(
	scheme: Scheme,
	call: IncomingCall,
	options: Pick<ReceiveOptions, 'now' | 'toleranceSeconds' | 'signatureHeader'>,
	rejectionStatus = DEFAULT_REJECTION_STATUS,
): { readonly ok: true; readonly call: InspectedIncoming } | ReceiveRefusal {
	const refused = (reason: ReceiveRejectionReason, detail: string, id?: string) =>
		refusal(reason, detail, rejectionStatus, id);
	const bodyProblem = describeBodyProblem(call);
	if (bodyProblem) return refused(bodyProblem.reason, bodyProblem.detail);
	const body = call.body ?? new Uint8Array(0);
	const { now, toleranceSeconds, signatureHeader } = options;
	let inspection: Inspection;
	try {
		inspection = inspectCall(scheme, body, call.headers, {
			now,
			toleranceSeconds,
			signatureHeader,
			method: call.method,
			url: call.url,
		});
	} catch (error) {
		// A defect, or an impossible hand-built scheme: an answer, never a crash.
		return refused('verifier_error', `Verification could not run: ${(error as Error).message}`);
	}
	if (!inspection.ok) return refused(inspection.reason, inspection.detail, inspection.id);
	const retry = providerRetry(scheme, call.headers);
	return {
		ok: true,
		call: {
			...{ scheme, body, inspection, now, toleranceSeconds, rejectionStatus },
			...(retry ? { providerRetry: retry } : {}),
		},
	};
}

function refusal(
	reason: ReceiveRejectionReason,
	detail: string,
	rejectionStatus: number,
	id?: string,
	status = statusFor(reason, rejectionStatus),
): ReceiveRefusal {
	return { ok: false, reason, detail, status, ...(id === undefined ? {} : { id }) };
}

/**
 * Decides whether an incoming call is authentic: inspectIncoming(), then
 * receiveInspected(), each once. Never throws, and never rejects.
 */
export async function receive(
	scheme: Scheme,
	secrets: SecretSet,
	call: IncomingCall,
	options: ReceiveOptions,
	rejectionStatus = DEFAULT_REJECTION_STATUS,
): Promise<ReceiveResult> {
	const inspected = inspectIncoming(scheme, call, options, rejectionStatus);
	return inspected.ok ? receiveInspected(inspected.call, secrets, options) : inspected;
}

/**
 * The rest of receive(), for a call inspectIncoming() passed. The checks run
 * in the order that leaks least: the signature, then (only for an authentic
 * call) replay, the one step that waits: on the ReplayStore's claim.
 */
export async function receiveInspected(
	incoming: InspectedIncoming,
	secrets: SecretSet,
	options: Pick<ReceiveOptions, 'replay'> = {},
): Promise<ReceiveResult> {
	const { scheme, body, inspection, rejectionStatus } = incoming;
	const result = checkSignature(scheme, secrets, inspection, body, { replayKey: true });
	if (!result.ok) return refusal(result.reason, result.detail, rejectionStatus, result.id);
	// Asked for above; without it the call cannot be named, so it is refused.
	if (result.replayKey === undefined) {
		return refusal(
			'verifier_error',
			'The call could not be named for replay protection',
			rejectionStatus,
		);
	}
	// Mailgun's rule: without a memory of the tokens seen, one captured
	// signature would carry any data. Refused, not waved through.
	const tolerance = effectiveTolerance(scheme, incoming.toleranceSeconds);
	const problem = receivingProblem(scheme, {
		toleranceSeconds: tolerance,
		replayMemory: options.replay !== undefined,
	});
	if (problem) return refusal('verifier_error', problem, rejectionStatus, result.id);
	const verification = describeVerification(
		scheme,
		result,
		result.replayKey,
		signedEventId(scheme, body, result.id),
		incoming.providerRetry,
	);

	// A verified handshake is answered before replay protection, and never
	// enters its memory: it runs nothing; its sender needs the answer every
	// time (a retry given the duplicate notice reads as a failed check, and
	// Discord drops an endpoint whose PING is not answered PONG); and it takes
	// no slot an ordinary call needs. A copy learns nothing new: the answer
	// depends only on the signed body (and, for Zoom, the secret).
	const handshake = handshakeReply(scheme, body, () =>
		verifyingKey(scheme, secrets, result.matchedSecret),
	);
	if (handshake) return { ok: true, verification, handshake };
	if (!options.replay) return { ok: true, verification };
	const name = nameOf(verification, result, options.replay.nameBy);
	const claim = await claimCall(incoming, result, name, options.replay);
	return claim.ok ? { ok: true, verification, settle: claim.settle } : claim;
}

/** The key a call is claimed by, hashed, and how a refused copy is told what it copies. */
interface ClaimName {
	readonly key: string;
	readonly copyOf: string;
}

/**
 * Names a verified call for its claim: by its event id when asked and the
 * call has one (prefixed, so no event id can equal another call's key), else
 * by what its signature covers. Only ever a verified call's: an event id is
 * read from signed bytes, so a forger cannot take a real event's name.
 */
function nameOf(
	verification: Verification,
	result: Extract<VerifyResult, { ok: true }>,
	nameBy: CallName = 'signedContent',
): ClaimName {
	const { eventId } = verification;
	if (nameBy === 'eventId' && eventId !== undefined) {
		const key = createHash('sha256').update(`event:${eventId}`).digest('base64url');
		return { key, copyOf: `Event ${eventId}` };
	}
	const copyOf = result.replayKey?.startsWith('id:')
		? `A call with id ${result.id}`
		: 'This exact call';
	return { key: verification.replayKey, copyOf };
}

/** What the item says of a verified call; its replay key hashed, so it carries no signature. */
function describeVerification(
	scheme: Scheme,
	result: Extract<VerifyResult, { ok: true }>,
	replayKey: string,
	eventId: string | undefined,
	retry: ProviderRetry | undefined,
): Verification {
	return {
		scheme: scheme.id,
		matchedSecret: result.matchedSecret,
		...(result.keyOrder ? { keyOrder: result.keyOrder } : {}),
		...(result.timestamp ? { timestamp: result.timestamp.toISOString() } : {}),
		...(result.id === undefined ? {} : { id: result.id }),
		...(eventId === undefined ? {} : { eventId }),
		...(retry ? { providerRetry: retry } : {}),
		replayKey: createHash('sha256').update(replayKey).digest('base64url'),
	};
}

/**
 * Claims a verified call in the replay store under its name (nameOf: what
 * its signature covers, or its signed event id), never by the raw header or
 * an unsigned id: those a replayer can change at will. A copy is refused;
 * the claimer gets settle.
 */
async function claimCall(
	incoming: InspectedIncoming,
	result: Extract<VerifyResult, { ok: true }>,
	name: ClaimName,
	replay: ReplayOptions,
): Promise<{ readonly ok: true; readonly settle: Settle } | ReceiveRefusal> {
	const { rejectionStatus } = incoming;
	const now = incoming.now.getTime();
	const tolerance = effectiveTolerance(incoming.scheme, incoming.toleranceSeconds);
	const staleAt =
		result.timestamp && tolerance > 0 ? result.timestamp.getTime() + tolerance * 1000 : 0;
	let claim: ClaimResult;
	try {
		// The hashed key: a shared store is handed no signature.
		claim = await replay.store.claim(name.key, {
			now,
			// A copy at staleAt itself is still inside the window: kept one ms past it.
			keepUntil: Math.max(now + replay.rememberSeconds * 1000, staleAt + 1),
			leaseUntil:
				replay.leaseSeconds === undefined || incoming.scheme.replay === 'required'
					? undefined
					: now + replay.leaseSeconds * 1000,
			probe: replay.probe,
		});
	} catch {
		// Nothing of the error: a store's message may name the key or its
		// connection string. Not let through: its work could run twice.
		const detail = 'The replay store did not answer, so the call could not be checked for replays';
		return refusal('verifier_error', detail, rejectionStatus, result.id);
	}
	if (claim.status === 'claimed') return { ok: true, settle: containedSettle(claim.settle) };
	const { copyOf } = name;
	return claim.status === 'processed'
		? refusal(
				'replayed_id',
				`${copyOf} was already processed`,
				rejectionStatus,
				result.id,
				replay.duplicateStatus,
			)
		: refusal(
				'in_progress',
				`${copyOf} is being processed; try again later`,
				rejectionStatus,
				result.id,
			);
}

/**
 * A store's settle, made safe to call from a response's event: what it
 * throws or rejects is dropped, and the claim lapses at keepUntil as one
 * never reported does (ReplayStore's contract).
 */
function containedSettle(
	settle: (outcome: Exclude<RunOutcome, 'running'>) => void | Promise<void>,
): Settle {
	return (outcome) => {
		try {
			// Any thenable, not only a native Promise, has its rejection caught.
			Promise.resolve(settle(outcome)).catch(() => undefined);
		} catch {
			// dropped: see above
		}
	};
}

/**
 * The HMAC key of the secret that verified the call (the one verify() named),
 * read as verify() read it; undefined for a public-key scheme. Handed only to
 * handshakeReply(), which keeps it to itself.
 */
function verifyingKey(scheme: Scheme, secrets: SecretSet, label: SecretLabel): HmacKey | undefined {
	if (scheme.kind === 'public-key') return undefined;
	const keys = resolveKeys(secrets, scheme.secretEncoding);
	return keys.ok ? keys.keys.find((key) => key.label === label)?.key : undefined;
}

function statusFor(reason: ReceiveRejectionReason, rejectionStatus: number): number {
	switch (reason) {
		case 'unsupported_body':
			return 415;
		case 'body_too_large':
		case 'too_many_form_parameters':
			return 413;
		case 'in_progress':
			return IN_PROGRESS_STATUS;
		case 'replayed_id':
			return rejectionStatus;
		default:
			return isConfigurationProblem(reason) ? 500 : rejectionStatus;
	}
}

/**
 * Bodies whose signed bytes cannot be known. A multipart body has been parsed
 * into fields and files by the framework; a content-encoded (gzip) body has
 * been decoded, so the bytes seen are not the bytes sent.
 */
function describeBodyProblem(
	call: IncomingCall,
): { reason: 'unsupported_body' | 'body_too_large'; detail: string } | undefined {
	const unsupported = (detail: string) => ({ reason: 'unsupported_body' as const, detail });
	const contentType = readHeader(call.headers, 'content-type');
	if (contentType.found === 'one' && /^\s*multipart\//i.test(contentType.value)) {
		return unsupported(
			'Multipart bodies cannot be verified: send the signed payload as the raw request body (e.g. application/json)',
		);
	}
	const encoding = readHeader(call.headers, 'content-encoding');
	if (
		encoding.found === 'many' ||
		(encoding.found === 'one' && !/^\s*(identity)?\s*$/i.test(encoding.value))
	) {
		return unsupported(
			'Content-Encoding is not supported: the signature is checked on the exact bytes sent, so send the body uncompressed',
		);
	}
	if (call.body === undefined && call.bodyTooLarge === true) {
		return {
			reason: 'body_too_large',
			detail: "The body is larger than the receiver's size limit, so it was not read",
		};
	}
	if (call.body === undefined)
		return unsupported('The request body could not be read as raw bytes');
	return undefined;
}
