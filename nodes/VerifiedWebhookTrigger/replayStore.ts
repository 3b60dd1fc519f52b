import { ReplayMemories, type ReplayStore } from '../../core';

/**
 * State kept for the life of the n8n process, because replay protection is
 * made of it: what each trigger remembers of the calls it let through.
 * Bounded: one memory per trigger (so a busy trigger cannot push out
 * another's calls) of at most 100,000 calls, oldest forgotten first, and
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

/** The store of the trigger `nodeId` in workflow `workflowId`, the same one on every call. */
export function replayStoreFor(
	workflowId: string | undefined,
	nodeId: string,
	now: number,
): ReplayStore {
	return memories.of(`${workflowId ?? ''}/${nodeId}`, now);
}
