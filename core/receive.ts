import { readHeader, type HeaderBag } from './headers';
import { isConfigurationProblem, type RejectionReason } from './reasons';
import type { ReplayGuard } from './replay';
import type { SecretLabel, SecretSet } from './secrets';
import type { KeyOrder, SchemeDefinition } from './schemes/types';
import { verify, type VerifyOptions } from './verify';

/** Why a receiver refused a call: verify()'s reasons, and two of the receiver's own. */
export type ReceiveRejectionReason =
	| RejectionReason
	/** The same id (or, without one, the same signature) was accepted within the window. */
	| 'replayed_id'
	/** A multipart or content-encoded body: the bytes signed cannot be known. */
	| 'unsupported_body';

export interface IncomingCall {
	/** The exact bytes received; undefined when the framework could not give them. */
	readonly body: Uint8Array | undefined;
	readonly headers: HeaderBag;
	/** The request line, for schemes that sign it (Square, HubSpot v3). */
	readonly method?: string;
	readonly url?: string;
}

export interface ReceiveOptions {
	readonly now: Date;
	/** Seconds, both directions; 0 turns the window off. */
	readonly toleranceSeconds: number;
	readonly signatureHeader?: string;
	/** Set to refuse a call whose id was already accepted within the window. */
	readonly replayGuard?: ReplayGuard;
	/** Distinguishes guards that share one store (one per workflow node). */
	readonly replayScope?: string;
}

export interface Verification {
	readonly scheme: string;
	readonly matchedSecret: SecretLabel;
	readonly keyOrder: KeyOrder;
	/** The signed timestamp, ISO 8601, where the scheme has one. */
	readonly timestamp?: string;
	readonly id?: string;
}

export type ReceiveResult =
	| { readonly accepted: true; readonly verification: Verification }
	| {
			readonly accepted: false;
			readonly reason: ReceiveRejectionReason;
			/** Names headers and limits, never a secret or a signature. */
			readonly detail: string;
			/** The status to answer with: 415 for the body, 500 for our own configuration, else the rejection status. */
			readonly status: number;
			readonly id?: string;
	  };

/** Answer for calls that fail verification, unless the receiver chooses 403. */
export const DEFAULT_REJECTION_STATUS = 401;

/**
 * Decides whether an incoming call is authentic. Never throws. The checks
 * run in the order that leaks least: what can be refused without a secret
 * first, then the signature, then (only for an authentic call) replay.
 */
export function receive(
	scheme: SchemeDefinition,
	secrets: SecretSet,
	call: IncomingCall,
	options: ReceiveOptions,
	rejectionStatus = DEFAULT_REJECTION_STATUS,
): ReceiveResult {
	const refuse = (reason: ReceiveRejectionReason, detail: string, id?: string): ReceiveResult => ({
		accepted: false,
		reason,
		detail,
		status: reason === 'unsupported_body' ? 415 : isConfiguration(reason) ? 500 : rejectionStatus,
		...(id === undefined ? {} : { id }),
	});

	const bodyProblem = describeBodyProblem(call);
	if (bodyProblem) return refuse('unsupported_body', bodyProblem);
	const body = call.body ?? new Uint8Array(0);

	const verifyOptions: VerifyOptions = {
		now: options.now,
		toleranceSeconds: options.toleranceSeconds,
		signatureHeader: options.signatureHeader,
		method: call.method,
		url: call.url,
		replayKey: options.replayGuard !== undefined,
	};
	const result = verify(scheme, secrets, body, call.headers, verifyOptions);
	if (!result.valid) return refuse(result.reason, result.detail, result.id);

	if (options.replayGuard) {
		// Asked for above; without it the call cannot be checked, so it is refused.
		if (result.replayKey === undefined) {
			return refuse('verifier_error', 'The call could not be named for replay protection');
		}
		// Keyed by what the signature covers (see replayKey), never by the raw
		// header or an unsigned id: those a replayer can change at will.
		const window = options.toleranceSeconds > 0 ? options.toleranceSeconds : 300;
		if (
			options.replayGuard.checkAndRemember(
				`${options.replayScope ?? ''}\n${result.replayKey}`,
				options.now,
				window,
			) === 'replayed'
		) {
			return refuse(
				'replayed_id',
				result.replayKey.startsWith('id:')
					? `A call with id ${result.id} was already accepted`
					: 'This exact call was already accepted',
				result.id,
			);
		}
	}

	return {
		accepted: true,
		verification: {
			scheme: scheme.id,
			matchedSecret: result.matchedSecret,
			keyOrder: result.keyOrder,
			...(result.timestamp ? { timestamp: result.timestamp.toISOString() } : {}),
			...(result.id === undefined ? {} : { id: result.id }),
		},
	};
}

function isConfiguration(reason: ReceiveRejectionReason): boolean {
	return (
		reason !== 'replayed_id' && reason !== 'unsupported_body' && isConfigurationProblem(reason)
	);
}

/**
 * Bodies whose signed bytes cannot be known. A multipart body has been parsed
 * into fields and files by the framework; a content-encoded (gzip) body has
 * been decoded, so the bytes seen are not the bytes sent.
 */
function describeBodyProblem(call: IncomingCall): string | undefined {
	const contentType = readHeader(call.headers, 'content-type');
	if (contentType.found === 'one' && /^\s*multipart\//i.test(contentType.value)) {
		return 'Multipart bodies cannot be verified: send the signed payload as the raw request body (e.g. application/json)';
	}
	const encoding = readHeader(call.headers, 'content-encoding');
	if (
		encoding.found === 'many' ||
		(encoding.found === 'one' && !/^\s*(identity)?\s*$/i.test(encoding.value))
	) {
		return 'Content-Encoding is not supported: the signature is checked on the exact bytes sent, so send the body uncompressed';
	}
	if (call.body === undefined) return 'The request body could not be read as raw bytes';
	return undefined;
}
