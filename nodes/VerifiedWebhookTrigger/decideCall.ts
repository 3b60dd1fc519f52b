/**
 * Whether a call runs the workflow: the scheme the node is set to, then the
 * core's checks. What can be refused without the secret is refused before
 * the credential is loaded (n8n builds an expression sandbox to hand a
 * webhook its credential); a call that passes is checked against the
 * credential and claimed for replay protection.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import {
	DEFAULT_REJECTION_STATUS,
	inspectIncoming,
	receiveInspected,
	type ReceiveResult,
	type CallName,
	type ReplayOptions,
	type Scheme,
} from '../../core';
import { chooseScheme, type ResolvedScheme } from '../shared/schemeChoice';
import { answerOutcome, type OutgoingResponse } from './answers';
import {
	DEFAULT_CALL_NAME,
	DEFAULT_REMEMBER_SECONDS,
	DEFAULT_RUNNING_CALL_LEASE_SECONDS,
	type DuplicateAnswer,
} from './description';
import { incomingCall, type IncomingRequest, type RawBody } from './incomingRequest';
import { replayStoreFor } from './replayStore';
import { verifyingSecrets } from './secrets';

/** The core's answer, and the scheme it was checked against (undefined when none could be). */
export interface Decision {
	readonly result: ReceiveResult;
	readonly resolved?: ResolvedScheme;
}

export async function decideCall(
	context: IWebhookFunctions,
	request: IncomingRequest,
	response: OutgoingResponse,
	rawBody: RawBody,
): Promise<Decision> {
	const read = (name: string, fallback?: unknown) => context.getNodeParameter(name, fallback);
	const now = new Date();
	const choice = chooseScheme(read);
	// Where the provider fixes it (Discord: 401), whatever the node says.
	const rejectionStatus =
		(choice.ok ? choice.resolved?.scheme.rejectionStatus : undefined) ??
		Number(read('rejectionStatus', DEFAULT_REJECTION_STATUS));
	if (!choice.ok || !choice.resolved) {
		// A trigger that cannot check a signature accepts nothing.
		const detail = choice.ok ? 'No signing scheme is set' : choice.detail;
		return { result: { ok: false, reason: 'verifier_error', detail, status: 500 } };
	}
	const { resolved } = choice;
	const { scheme, signatureHeader } = resolved;
	// Inspected once; the credential is loaded only for a call that passes.
	const inspected = inspectIncoming(
		scheme,
		incomingCall(context, request, rawBody, scheme),
		{ now, toleranceSeconds: readTolerance(read('toleranceSeconds', null)), signatureHeader },
		rejectionStatus,
	);
	if (!inspected.ok) return { result: inspected, resolved };
	const secrets = await verifyingSecrets(context, scheme);
	const replay = replayOptions(context, now, response, rejectionStatus, scheme);
	return { result: await receiveInspected(inspected.call, secrets, { replay }), resolved };
}

/**
 * The Timestamp Tolerance set, or undefined (the scheme's own window) where
 * the parameter is not shown. An expression that gives no number stays NaN,
 * which verify() refuses as our misconfiguration rather than reading as "no
 * window".
 */
export function readTolerance(value: unknown): number | undefined {
	return value === null || value === undefined || value === '' ? undefined : Number(value);
}

/**
 * Replay protection's settings, or undefined when it is off. A copy of a
 * call that was processed is answered with 200 (so an honest sender stops
 * retrying) or refused with the rejection status, as the user chose.
 *
 * A scheme whose signature covers no payload (Mailgun) has it on whatever
 * the setting: each token is then remembered for as long as its timestamp
 * is inside the window (receive() keeps it that long), and a copy is
 * acknowledged with 200.
 */
function replayOptions(
	context: IWebhookFunctions,
	now: Date,
	response: OutgoingResponse,
	rejectionStatus: number,
	scheme: Scheme,
): ReplayOptions | undefined {
	const chosen = context.getNodeParameter('replayProtection', false) === true;
	if (!chosen && scheme.replay !== 'required') return undefined;
	const answer = chosen
		? (context.getNodeParameter('duplicateAnswer', 'acknowledge') as DuplicateAnswer)
		: 'acknowledge';
	return {
		store: replayStoreFor(scheme, context.getWorkflow().id, context.getNode().id, +now),
		rememberSeconds: chosen
			? Number(context.getNodeParameter('replayMemorySeconds', DEFAULT_REMEMBER_SECONDS))
			: 0,
		duplicateStatus: answer === 'reject' ? rejectionStatus : 200,
		probe: () => answerOutcome(response),
		leaseSeconds: chosen
			? Number(
					context.getNodeParameter('runningCallLeaseSeconds', DEFAULT_RUNNING_CALL_LEASE_SECONDS),
				)
			: undefined,
		nameBy: chosen
			? (context.getNodeParameter('nameCallsBy', DEFAULT_CALL_NAME) as CallName)
			: DEFAULT_CALL_NAME,
	};
}
