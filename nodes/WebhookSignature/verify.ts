/**
 * The Verify operation: each item's call through the trigger's own path in
 * the core, inspectIncoming then receiveInspected, and onto Valid or
 * Invalid. It runs after n8n has started an execution for the call: it
 * cannot refuse the call before that, only tell the workflow how to answer.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import {
	inspectIncoming,
	receiveInspected,
	ReplayMemories,
	type ReceiveResult,
	type ReplayOptions,
	type Scheme,
} from '../../core';
import { readIncomingCall } from './incomingCall';
import { readVerifySettings, type VerifySettings } from './settings';
import { invalidItem, validItem } from './verifiedItems';

/**
 * Mailgun's tokens seen by Verify steps in this process. Its signature covers
 * no data, so the core accepts a token only once, from a memory: this one
 * is per process (in queue mode, per worker), and apart from the trigger's.
 * Every other scheme is checked without one: a step cannot keep a memory
 * that holds across processes, so duplicates are left to n8n's Remove
 * Duplicates node, keyed on verification.eventId or replayKey (README).
 */
const tokenMemories = new ReplayMemories();

export async function verifyItems(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	let settings: VerifySettings;
	try {
		settings = await readVerifySettings(this);
	} catch (error) {
		// Thrown under Continue On Fail, n8n would put the error item on the
		// first output, Valid, where a workflow answers 200: put them on Invalid.
		if (!this.continueOnFail()) throw asNodeError(this, error, 0);
		const message = (error as Error).message;
		return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
	}
	const valid: INodeExecutionData[] = [];
	const invalid: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await verifyItem(this, itemIndex, settings);
			if (result.ok) {
				valid.push(
					validItem(
						items[itemIndex],
						itemIndex,
						settings.resolved,
						result.verification,
						result.handshake,
					),
				);
			} else {
				invalid.push(invalidItem(items[itemIndex], itemIndex, settings.resolved, result));
			}
		} catch (error) {
			// An error item never goes to Valid, where a workflow answers 200.
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			invalid.push({
				json: { error: (error as Error).message },
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [valid, invalid];
}

function asNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number) {
	return error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * One call, as the trigger decides it. A refusal for the node's own
 * configuration (status 500: a tolerance that is not a number, Mailgun's
 * window turned off) is the workflow's to fix, so it throws rather than
 * putting a genuine call on Invalid.
 */
async function verifyItem(
	context: IExecuteFunctions,
	itemIndex: number,
	{ resolved, secrets, toleranceSeconds, rejectionStatus }: VerifySettings,
): Promise<ReceiveResult> {
	const { scheme, signatureHeader } = resolved;
	const call = await readIncomingCall(context, itemIndex, scheme);
	const now = new Date();
	const inspected = inspectIncoming(
		scheme,
		call,
		{ now, toleranceSeconds, signatureHeader },
		rejectionStatus,
	);
	const result = inspected.ok
		? await receiveInspected(inspected.call, secrets, { replay: tokenReplay(scheme, now) })
		: inspected;
	if (!result.ok && result.status === 500) {
		throw new NodeOperationError(context.getNode(), `${result.reason}: ${result.detail}`, {
			itemIndex,
			description: 'Fix the Webhook Signature node: every call would be refused so.',
		});
	}
	// Nothing reports how the run ends: the token counts as used once verified.
	if (result.ok) result.settle?.('succeeded');
	return result;
}

/** Only for a scheme that cannot be accepted without it (Mailgun): see tokenMemories. */
function tokenReplay(scheme: Scheme, now: Date): ReplayOptions | undefined {
	if (scheme.replay !== 'required') return undefined;
	return {
		store: tokenMemories.of(`scheme:${scheme.id}`, now.getTime()),
		rememberSeconds: 0,
		// A copy of a token already used: acknowledged, as the trigger does.
		duplicateStatus: 200,
	};
}
