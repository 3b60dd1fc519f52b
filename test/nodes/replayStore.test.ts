/**
 * The trigger's process-wide replay memory (replayStoreFor): one store per
 * trigger, the same one on every call, and none shared between triggers.
 */
import { randomUUID } from 'node:crypto';

import type { ClaimRequest } from '../../core';

import { replayStoreFor } from '../../nodes/VerifiedWebhookTrigger/replayStore';

const now = Date.parse('2026-11-26T08:00:00Z');
const request: ClaimRequest = { now, keepUntil: now + 60_000 };

describe('replayStoreFor', () => {
	it('gives a trigger the same store on every call', () => {
		const workflow = randomUUID();
		expect(replayStoreFor(workflow, 'node-1', now)).toBe(replayStoreFor(workflow, 'node-1', now));
	});

	it("two triggers never see each other's calls", async () => {
		const workflow = randomUUID();
		const other = randomUUID();
		const scopes = [
			replayStoreFor(workflow, 'node-1', now),
			// Another node in the same workflow, the same node id in another workflow.
			replayStoreFor(workflow, 'node-2', now),
			replayStoreFor(other, 'node-1', now),
		];
		expect(new Set(scopes).size).toBe(3);
		for (const store of scopes) {
			expect((await store.claim('the-same-key', request)).status).toBe('claimed');
		}
		// Each remembers its own claim.
		for (const store of scopes) {
			expect((await store.claim('the-same-key', request)).status).toBe('in_progress');
		}
		expect(
			(await replayStoreFor(randomUUID(), 'node-1', now).claim('the-same-key', request)).status,
		).toBe('claimed');
	});
});
