import { ReplayMemories, type ReplayStore, type SchemeBase } from '../../core';

/**
 * State kept for the life of the n8n process, because replay protection is
 * made of it: what each trigger remembers of the calls it let through.
 * Bounded: one memory per trigger (so a busy trigger cannot push out
 * another's calls), or per scheme for Mailgun (see replayStoreFor), of at
 * most 100,000 calls, oldest forgotten first, and
 * memories with nothing live are swept away (a deleted trigger leaves
 * nothing behind for long). Module level because a node object does not
 * outlive one call.
 *
 * It is this process's: in queue mode each webhook processor remembers only
 * the calls it received. A store all processes share is a ReplayStore of its
 * own; until there is one, the README's "Receiving each call once across
 * processors" claims `verification.replayKey` in Redis inside the workflow.
 */
const memories = new ReplayMemories();

/**
 * The store the trigger `nodeId` in workflow `workflowId` claims its calls
 * in, the same one on every call: its own, except for a scheme whose
 * signature covers no payload (Mailgun). Its signing key is account-wide, so
 * several triggers check the same signatures, and a token accepted by one
 * must not be accepted by another with other data: such a scheme's calls are
 * claimed in one store for every trigger of it in this process.
 */
export function replayStoreFor(
	scheme: SchemeBase,
	workflowId: string | undefined,
	nodeId: string,
	now: number,
): ReplayStore {
	const scope =
		scheme.replay === 'required' ? `scheme:${scheme.id}` : `trigger:${workflowId ?? ''}/${nodeId}`;
	return memories.of(scope, now);
}

/**
 * How much this process remembers now: memories (triggers, or Mailgun's one)
 * and calls over all of them. Read-only, for monitoring: `npm run soak`
 * samples it inside a running n8n.
 */
export function replayMemoryCensus(): { memories: number; calls: number } {
	return { memories: memories.size, calls: memories.calls };
}
