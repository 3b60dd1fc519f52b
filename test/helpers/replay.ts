/**
 * Replay protection as the trigger sets it up, for core tests: a fresh
 * memory, and a way to report a let-through call's run as n8n's 2xx answer
 * does.
 */
import { ReplayMemory, type ReceiveResult, type ReplayOptions } from '../../core';

export function replayOptions(duplicateStatus = 401, rememberSeconds = 300): ReplayOptions {
	return { store: new ReplayMemory(), rememberSeconds, duplicateStatus };
}

/** Whether the call was let through; if so, its run is reported as having succeeded. */
export function processed(result: ReceiveResult): boolean {
	if (result.ok) result.settle?.('succeeded');
	return result.ok;
}
