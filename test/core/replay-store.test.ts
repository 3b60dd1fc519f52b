/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * The ReplayStore interface is all receive() needs: a store written here, as
 * a shared one (Redis, Postgres) would be, that answers only after a turn of
 * the event loop and ignores the probe, keeps a call's work to one run; and
 * a store that fails cannot crash the trigger or show what it holds.
 */
import {
	IN_PROGRESS_STATUS,
	STANDARD_WEBHOOKS,
	receive,
	sign,
	type ClaimRequest,
	type ClaimResult,
	type ReplayOptions,
	type ReplayStore,
	type RunOutcome,
} from '../../core';

const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secrets = { primary: whsec };
const body = Buffer.from('{"event":"order.paid"}');
const t0 = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/** One turn of the event loop: what a round trip to a server at least costs. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A store as a shared one would be written: every answer after a turn of the
 * event loop, the claim an atomic check-and-set (nothing awaited between
 * reading the key and writing it, as one Redis SET NX or one SQL statement),
 * settle asynchronous too, and no probe (an unreported claim lapses).
 */
class AsyncMapStore implements ReplayStore {
	readonly entries = new Map<string, { state: 'claimed' | 'processed'; until: number }>();

	/** The settles not yet applied, for a test to wait on. */
	readonly settling: Array<Promise<void>> = [];

	async claim(key: string, request: ClaimRequest): Promise<ClaimResult> {
		await turn();
		const known = this.entries.get(key);
		if (known && known.until > request.now) {
			return { status: known.state === 'processed' ? 'processed' : 'in_progress' };
		}
		const mine = { state: 'claimed' as 'claimed' | 'processed', until: request.keepUntil };
		this.entries.set(key, mine);
		return {
			status: 'claimed',
			settle: (outcome: Exclude<RunOutcome, 'running'>) => {
				const applied = turn().then(() => {
					if (this.entries.get(key) !== mine) return; // lapsed and claimed anew
					if (outcome === 'failed') this.entries.delete(key);
					else mine.state = 'processed';
				});
				this.settling.push(applied);
				return applied;
			},
		};
	}

	async settled(): Promise<void> {
		await Promise.all(this.settling.splice(0));
	}
}

const replayWith = (store: ReplayStore): ReplayOptions => ({
	store,
	rememberSeconds: 300,
	duplicateStatus: 200,
});

const send = (replay: ReplayOptions, seconds: number, id = 'msg_store') =>
	receive(
		STANDARD_WEBHOOKS,
		secrets,
		{ body, headers: sign(STANDARD_WEBHOOKS, secrets, body, { id, timestamp: at(seconds) }) },
		{ now: at(seconds), replay },
	);

describe('a ReplayStore that answers asynchronously', () => {
	it('claims a call once: a concurrent copy is in progress, a copy after success is a duplicate', async () => {
		const store = new AsyncMapStore();
		const replay = replayWith(store);
		// Both started before either is answered: the store has claimed nothing yet.
		const first = send(replay, 0);
		const concurrent = send(replay, 0);
		expect(store.entries.size).toBe(0);
		const [a, b] = await Promise.all([first, concurrent]);
		expect(a.ok).toBe(true);
		expect(b).toMatchObject({
			ok: false,
			reason: 'in_progress',
			status: IN_PROGRESS_STATUS,
			id: 'msg_store',
		});
		expect(store.entries.size).toBe(1);

		if (!a.ok) throw new Error(a.reason);
		expect(a.settle).toBeDefined();
		a.settle?.('succeeded');
		await store.settled();
		expect(await send(replay, 5)).toMatchObject({
			ok: false,
			reason: 'replayed_id',
			status: 200,
			detail: 'A call with id msg_store was already processed',
		});
	});

	it("after a run that failed, the sender's retry is claimed again", async () => {
		const store = new AsyncMapStore();
		const replay = replayWith(store);
		const first = await send(replay, 0);
		if (!first.ok) throw new Error(first.reason);
		first.settle?.('failed');
		await store.settled();
		expect(store.entries.size).toBe(0);
		const retry = await send(replay, 10);
		expect(retry.ok).toBe(true);
		// And that retry's copy is in progress until it, too, is settled.
		expect(await send(replay, 11)).toMatchObject({ reason: 'in_progress' });
	});

	it('is handed the hashed key the workflow sees, never a signature', async () => {
		const store = new AsyncMapStore();
		const result = await send(replayWith(store), 0);
		if (!result.ok) throw new Error(result.reason);
		expect([...store.entries.keys()]).toEqual([result.verification.replayKey]);
	});

	it('only a verified call is claimed: a forged one never reaches the store', async () => {
		const store = new AsyncMapStore();
		const claim = jest.spyOn(store, 'claim');
		const forged = await receive(
			STANDARD_WEBHOOKS,
			{ primary: 'whsec_' + Buffer.from('another secret').toString('base64') },
			{ body, headers: sign(STANDARD_WEBHOOKS, secrets, body, { id: 'x', timestamp: t0 }) },
			{ now: t0, replay: replayWith(store) },
		);
		expect(forged).toMatchObject({ ok: false, reason: 'signature_mismatch' });
		expect(claim).not.toHaveBeenCalled();
	});
});

describe('a ReplayStore that fails', () => {
	// What a store's error could carry: its connection string, the key.
	const leaky = (key: string) => new Error(`redis://:${whsec}@10.0.0.7:6379 refused SET ${key}`);
	const expectRefusal = (result: Awaited<ReturnType<typeof receive>>) => {
		expect(result).toMatchObject({
			ok: false,
			reason: 'verifier_error',
			status: 500,
			id: 'msg_store',
		});
		if (result.ok) return;
		expect(result.detail).not.toContain(whsec);
		expect(result.detail).not.toMatch(/redis|10\.0\.0\.7|SET/);
	};

	it('a claim that rejects answers 500 verifier_error, names nothing it was told, and lets nothing through', async () => {
		let key = '';
		const store: ReplayStore = {
			async claim(claimed) {
				key = claimed;
				await turn();
				throw leaky(claimed);
			},
		};
		const result = await send(replayWith(store), 0);
		expectRefusal(result);
		if (!result.ok) expect(result.detail).not.toContain(key);
		// Refused with the rejection status the caller chose, too: it is our fault, so 500.
		const forbidding = await receive(
			STANDARD_WEBHOOKS,
			secrets,
			{ body, headers: sign(STANDARD_WEBHOOKS, secrets, body, { id: 'msg_store', timestamp: t0 }) },
			{ now: t0, replay: replayWith(store) },
			403,
		);
		expect(forbidding).toMatchObject({ reason: 'verifier_error', status: 500 });
	});

	it('a claim that throws before returning a promise is answered the same, not thrown', async () => {
		const store: ReplayStore = {
			claim(key) {
				throw leaky(key);
			},
		};
		const pending = send(replayWith(store), 0);
		await expect(pending).resolves.toMatchObject({ reason: 'verifier_error' });
		expectRefusal(await pending);
	});

	it('a settle that throws or rejects is contained: no throw, no unhandled rejection', async () => {
		// An unhandled rejection would end this test process (Node's default):
		// the suite fails if one escapes receive().
		for (const failing of [
			() => Promise.reject(leaky('settle')),
			() => {
				throw leaky('settle');
			},
		]) {
			const store: ReplayStore = {
				claim: () => Promise.resolve({ status: 'claimed', settle: failing }),
			};
			const result = await send(replayWith(store), 0);
			if (!result.ok) throw new Error(result.reason);
			expect(() => result.settle?.('succeeded')).not.toThrow();
			expect(result.settle?.('failed')).toBeUndefined();
		}
		await turn();
		await turn();
	});
});
