/**
 * The trigger's process-wide replay memory (replayStoreFor): one store per
 * trigger, the same one on every call, and none shared between triggers,
 * but for Mailgun, whose tokens every trigger of it in the process shares.
 */
import { randomUUID } from 'node:crypto';

import { GITHUB, MAILGUN, type ClaimRequest } from '../../core';

import { replayMemoryCensus, replayStoreFor } from '../../nodes/VerifiedWebhookTrigger/replayStore';

const now = Date.parse('2026-11-26T08:00:00Z');
const request: ClaimRequest = { now, keepUntil: now + 60_000 };

describe('replayStoreFor', () => {
	it('gives a trigger the same store on every call', () => {
		const workflow = randomUUID();
		expect(replayStoreFor(GITHUB, workflow, 'node-1', now)).toBe(
			replayStoreFor(GITHUB, workflow, 'node-1', now),
		);
	});

	it("two triggers never see each other's calls", async () => {
		const workflow = randomUUID();
		const other = randomUUID();
		const scopes = [
			replayStoreFor(GITHUB, workflow, 'node-1', now),
			// Another node in the same workflow, the same node id in another workflow.
			replayStoreFor(GITHUB, workflow, 'node-2', now),
			replayStoreFor(GITHUB, other, 'node-1', now),
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
			(await replayStoreFor(GITHUB, randomUUID(), 'node-1', now).claim('the-same-key', request))
				.status,
		).toBe('claimed');
	});

	it('Mailgun triggers share one store: its signing key is account-wide, and its signature covers no data', async () => {
		const first = replayStoreFor(MAILGUN, randomUUID(), 'node-1', now);
		const second = replayStoreFor(MAILGUN, randomUUID(), 'node-2', now);
		expect(second).toBe(first);
		const key = `token-${randomUUID()}`;
		expect((await first.claim(key, request)).status).toBe('claimed');
		expect((await second.claim(key, request)).status).toBe('in_progress');
		// Never the store of a trigger of another scheme in the same workflow and node.
		expect(replayStoreFor(GITHUB, randomUUID(), 'node-1', now)).not.toBe(first);
	});

	it('counts what it remembers for monitoring (npm run soak), without changing it', async () => {
		const before = replayMemoryCensus();
		const store = replayStoreFor(GITHUB, randomUUID(), 'node-1', now);
		expect(replayMemoryCensus()).toEqual({ memories: before.memories + 1, calls: before.calls });
		expect((await store.claim(`census-${randomUUID()}`, request)).status).toBe('claimed');
		expect((await store.claim(`census-${randomUUID()}`, request)).status).toBe('claimed');
		expect(replayMemoryCensus()).toEqual({
			memories: before.memories + 1,
			calls: before.calls + 2,
		});
	});
});
