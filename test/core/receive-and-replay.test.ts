/**
 * The receiver's decision (receive) and its replay memory, with an injected
 * clock: the parts of the trigger that need no n8n.
 */
import { createHash } from 'node:crypto';

import {
	GITHUB,
	IN_PROGRESS_STATUS,
	ReplayMemories,
	ReplayMemory,
	STANDARD_WEBHOOKS,
	STRIPE,
	VINSIGHT,
	idSeparator,
	receive,
	sign,
	verify,
	withBodyHash,
	type RunOutcome,
	type HmacScheme,
	type SecretSet,
} from '../../core';
import { processed, replayOptions } from '../helpers/replay';
import { HMAC_HEADER_SCHEMES, PUBLIC_KEY_SCHEMES, generic } from '../helpers/schemes';

/** A secret the scheme reads, in its own format; another `seed` gives another secret. */
function sampleSecrets(scheme: HmacScheme, seed = 'before'): { primary: string } {
	const text = `replay-rotation-${seed}`;
	if (scheme.secretEncoding === 'whsec')
		return { primary: `whsec_${Buffer.from(text).toString('base64')}` };
	if (scheme.secretEncoding === 'hex') return { primary: Buffer.from(text).toString('hex') };
	if (scheme.secretEncoding === 'base64') return { primary: Buffer.from(text).toString('base64') };
	return { primary: text };
}

const t0 = new Date('2026-11-22T10:00:00Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('ReplayMemory', () => {
	const at = (seconds: number) => t0.getTime() + seconds * 1000;
	const claim = (memory: ReplayMemory, key: string, seconds: number, keepFor = 300) =>
		memory.claim(key, { now: at(seconds), keepUntil: at(seconds + keepFor) });

	it('a claimed call is in progress for its copies until its run ends', async () => {
		const memory = new ReplayMemory();
		const first = await claim(memory, 'a', 0);
		expect(first.status).toBe('claimed');
		expect((await claim(memory, 'a', 1)).status).toBe('in_progress');
		if (first.status === 'claimed') first.settle('succeeded');
		expect((await claim(memory, 'a', 2)).status).toBe('processed');
	});

	it('a run that failed is forgotten: the retry is claimed afresh', async () => {
		const memory = new ReplayMemory();
		const first = await claim(memory, 'a', 0);
		if (first.status === 'claimed') first.settle('failed');
		const retry = await claim(memory, 'a', 10);
		expect(retry.status).toBe('claimed');
		// The first claim's late report cannot touch the retry's claim.
		if (first.status === 'claimed') first.settle('succeeded');
		expect((await claim(memory, 'a', 11)).status).toBe('in_progress');
	});

	it('a processed call is kept until keepUntil, then forgotten', async () => {
		const memory = new ReplayMemory();
		const first = await claim(memory, 'a', 0, 300);
		if (first.status === 'claimed') first.settle('succeeded');
		expect((await claim(memory, 'a', 299)).status).toBe('processed');
		expect((await claim(memory, 'a', 300)).status).toBe('claimed');
	});

	it('a run whose end was never reported is read through its probe when a copy arrives', async () => {
		const memory = new ReplayMemory();
		let outcome: RunOutcome = 'running';
		await memory.claim('a', { now: at(0), keepUntil: at(300), probe: () => outcome });
		expect((await claim(memory, 'a', 1)).status).toBe('in_progress');
		outcome = 'failed'; // n8n answered 500 after the sender had hung up
		expect((await claim(memory, 'a', 2)).status).toBe('claimed');

		await memory.claim('b', { now: at(0), keepUntil: at(300), probe: () => 'succeeded' });
		expect((await claim(memory, 'b', 1)).status).toBe('processed');
	});

	it('a claim never settled lapses at keepUntil', async () => {
		const memory = new ReplayMemory();
		await claim(memory, 'a', 0, 60);
		expect((await claim(memory, 'a', 59)).status).toBe('in_progress');
		expect((await claim(memory, 'a', 60)).status).toBe('claimed');
	});

	describe('a claim with a lease: a run n8n never answered is taken as lost', () => {
		const leased = (memory: ReplayMemory, key: string, seconds: number, leaseFor = 60) =>
			memory.claim(key, {
				now: at(seconds),
				keepUntil: at(seconds + 3600),
				leaseUntil: at(seconds + leaseFor),
				probe: () => 'running',
			});

		it('copies wait (in progress) until the lease ends; then the next copy runs', async () => {
			const memory = new ReplayMemory();
			await leased(memory, 'a', 0);
			expect((await leased(memory, 'a', 59)).status).toBe('in_progress');
			expect((await leased(memory, 'a', 60)).status).toBe('claimed');
		});

		it('a run that succeeds within its lease is kept processed until keepUntil, not the lease', async () => {
			const memory = new ReplayMemory();
			const first = await leased(memory, 'a', 0);
			if (first.status === 'claimed') first.settle('succeeded');
			expect((await leased(memory, 'a', 61)).status).toBe('processed');
			expect((await leased(memory, 'a', 3599)).status).toBe('processed');
		});

		it('a success reported after the lease lapsed, no copy having come, is still kept', async () => {
			const memory = new ReplayMemory();
			const first = await leased(memory, 'a', 0);
			memory.sweep(at(61)); // the lapsed claim is gone
			expect(memory.size).toBe(0);
			if (first.status === 'claimed') first.settle('succeeded');
			expect((await leased(memory, 'a', 62)).status).toBe('processed');
		});

		it('after a lapse the copy that runs decides: the lost run’s late report cannot touch it', async () => {
			const memory = new ReplayMemory();
			const lost = await leased(memory, 'a', 0);
			const copy = await leased(memory, 'a', 61);
			expect(copy.status).toBe('claimed');
			if (lost.status === 'claimed') lost.settle('succeeded');
			expect((await leased(memory, 'a', 62)).status).toBe('in_progress');
			if (copy.status === 'claimed') copy.settle('failed');
			expect((await leased(memory, 'a', 63)).status).toBe('claimed');
		});

		it('a lease longer than keepUntil changes nothing: the claim lapses at keepUntil', async () => {
			const memory = new ReplayMemory();
			await memory.claim('a', { now: at(0), keepUntil: at(30), leaseUntil: at(60) });
			expect((await claim(memory, 'a', 29)).status).toBe('in_progress');
			expect((await claim(memory, 'a', 30)).status).toBe('claimed');
		});
	});

	it('forgets expired entries as it goes, and the oldest first when full', async () => {
		const memory = new ReplayMemory(3);
		for (const key of ['a', 'b', 'c']) await claim(memory, key, 0);
		await claim(memory, 'd', 1);
		expect(memory.size).toBe(3);
		expect((await claim(memory, 'b', 2)).status).toBe('in_progress');
		expect((await claim(memory, 'a', 3)).status).toBe('claimed'); // evicted to make room
		await claim(memory, 'e', 1000);
		expect(memory.size).toBe(1);
	});
});

describe('ReplayMemories', () => {
	it('gives each trigger its own memory: one cannot push out another', async () => {
		const memories = new ReplayMemories(2);
		const busy = memories.of('wf1/busy', 0);
		const quiet = memories.of('wf1/quiet', 0);
		const kept = await quiet.claim('q', { now: 0, keepUntil: 1_000_000 });
		for (const key of ['a', 'b', 'c', 'd']) {
			await busy.claim(key, { now: 0, keepUntil: 1_000_000 });
		}
		expect((await memories.of('wf1/quiet', 1).claim('q', { now: 1, keepUntil: 2 })).status).toBe(
			'in_progress',
		);
		expect(kept.status).toBe('claimed');
		expect(memories.of('wf1/busy', 1)).toBe(busy);
	});

	it('drops the memories of triggers that hold nothing live any more', async () => {
		const memories = new ReplayMemories(10, 60_000);
		await memories.of('wf1/a', 0).claim('x', { now: 0, keepUntil: 1000 });
		await memories.of('wf2/b', 0).claim('y', { now: 0, keepUntil: 120_000 });
		expect(memories.size).toBe(2);
		memories.of('wf3/c', 60_000); // a sweep: wf1/a's only call has expired
		expect(memories.size).toBe(2);
		memories.of('wf3/c', 200_000);
		expect(memories.size).toBe(1);
	});
});

describe('receive', () => {
	const secret = 'receive-secret';
	const body = Buffer.from('{"a":1}');
	const signed = { 'content-type': 'application/json', ...sign(GITHUB, { primary: secret }, body) };

	it('accepts an authentic call and describes it', async () => {
		expect(
			await receive(
				GITHUB,
				{ primary: secret },
				{ body, headers: signed },
				{ now: t0, toleranceSeconds: 300 },
			),
		).toEqual({
			ok: true,
			verification: {
				scheme: 'github',
				matchedSecret: 'primary',
				keyOrder: 'secret-as-key',
				// SHA-256 of "content:" and the signed bytes' SHA-256: it names the
				// call by what is signed, whatever the secret, and shows no signature.
				replayKey: createHash('sha256')
					.update(`content:${createHash('sha256').update(body).digest('base64')}`)
					.digest('base64url'),
			},
		});
	});

	it('maps reasons to statuses: the caller 401 (or 403), our configuration 500, the body 415', async () => {
		const call = { body, headers: signed };
		const options = { now: t0, toleranceSeconds: 300 };
		expect(await receive(GITHUB, { primary: 'other' }, call, options)).toMatchObject({
			status: 401,
			reason: 'signature_mismatch',
		});
		expect(await receive(GITHUB, { primary: 'other' }, call, options, 403)).toMatchObject({
			status: 403,
		});
		expect(await receive(GITHUB, {}, call, options)).toMatchObject({
			status: 500,
			reason: 'no_secret',
		});
		expect(
			await receive(
				GITHUB,
				{ primary: secret },
				{ body, headers: { ...signed, 'content-encoding': 'gzip' } },
				options,
			),
		).toMatchObject({ status: 415, reason: 'unsupported_body' });
		expect(
			await receive(GITHUB, { primary: secret }, { body: undefined, headers: signed }, options),
		).toMatchObject({
			status: 415,
		});
	});

	it('replay: by id where the scheme signs one, by signature where not', async () => {
		const options = { now: t0, toleranceSeconds: 300, replay: replayOptions() };
		const call = { body, headers: signed };
		expect(processed(await receive(GITHUB, { primary: secret }, call, options))).toBe(true);
		expect(await receive(GITHUB, { primary: secret }, call, options)).toMatchObject({
			reason: 'replayed_id',
			status: 401,
		});
		// Another trigger, another memory.
		expect(
			(await receive(GITHUB, { primary: secret }, call, { ...options, replay: replayOptions() }))
				.ok,
		).toBe(true);

		const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const first = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, { id: 'msg_1', timestamp: t0 });
		const resigned = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, {
			id: 'msg_1',
			timestamp: later(5),
		});
		expect(
			processed(
				await receive(STANDARD_WEBHOOKS, { primary: whsec }, { body, headers: first }, options),
			),
		).toBe(true);
		expect(
			await receive(
				STANDARD_WEBHOOKS,
				{ primary: whsec },
				{ body, headers: resigned },
				{ ...options, now: later(5) },
			),
		).toMatchObject({ reason: 'replayed_id', id: 'msg_1' });
	});

	describe('replay: a copy of a call runs once, and a retry of a failed run runs', () => {
		const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const attempt = (seconds: number) =>
			sign(STANDARD_WEBHOOKS, { primary: whsec }, body, { id: 'msg_r', timestamp: later(seconds) });
		const deliver = (replay: ReturnType<typeof replayOptions>, seconds: number) =>
			receive(
				STANDARD_WEBHOOKS,
				{ primary: whsec },
				{ body, headers: attempt(seconds) },
				{ now: later(seconds), replay },
			);

		it('the sender retries after a run that failed (500): the retry is processed', async () => {
			const replay = replayOptions(200);
			const first = await deliver(replay, 0);
			if (!first.ok) throw new Error(first.reason);
			first.settle?.('failed');
			const retry = await deliver(replay, 10);
			expect(retry.ok).toBe(true);
			if (retry.ok) retry.settle?.('succeeded');
			// A third copy, after a run that succeeded, starts nothing and is acknowledged.
			expect(await deliver(replay, 110)).toMatchObject({
				ok: false,
				reason: 'replayed_id',
				status: 200,
			});
		});

		it('a copy while the first run is still going: 503, so the sender comes back', async () => {
			const replay = replayOptions(200);
			const first = await deliver(replay, 0);
			expect(await deliver(replay, 3)).toMatchObject({
				ok: false,
				reason: 'in_progress',
				status: IN_PROGRESS_STATUS,
				id: 'msg_r',
			});
			if (first.ok) first.settle?.('succeeded');
			expect(await deliver(replay, 13)).toMatchObject({ reason: 'replayed_id', status: 200 });
		});

		it('a run never answered holds its copies for leaseSeconds (503), then a copy runs', async () => {
			const replay = { ...replayOptions(200, 3600), leaseSeconds: 300 };
			const lost = await deliver(replay, 0);
			expect(lost.ok).toBe(true);
			expect(await deliver(replay, 299)).toMatchObject({ reason: 'in_progress', status: 503 });
			expect(processed(await deliver(replay, 300))).toBe(true);
			expect(await deliver(replay, 1000)).toMatchObject({ reason: 'replayed_id', status: 200 });
		});

		it('duplicates can be refused with the rejection status instead', async () => {
			const replay = replayOptions(403);
			expect(processed(await deliver(replay, 0))).toBe(true);
			expect(await deliver(replay, 1)).toMatchObject({ reason: 'replayed_id', status: 403 });
		});

		it('is remembered while its signed timestamp can still pass, even past rememberSeconds', async () => {
			// Signed 250 s in the future: acceptable until 550 s, so remembered until then.
			const replay = replayOptions(401, 60);
			const future = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, {
				id: 'msg_f',
				timestamp: later(250),
			});
			const send = (seconds: number) =>
				receive(
					STANDARD_WEBHOOKS,
					{ primary: whsec },
					{ body, headers: future },
					{ now: later(seconds), replay },
				);
			expect(processed(await send(0))).toBe(true);
			expect(await send(500)).toMatchObject({ reason: 'replayed_id' });
			expect(await send(551)).toMatchObject({ reason: 'timestamp_too_old' });
		});
	});

	// Found by tamper.fuzz.test.ts: the memory was keyed by the raw signature
	// header, or by the id header even where the signature does not cover it,
	// so a replayer changed one of those and the same call was accepted again.
	describe('replay: what the signature does not cover cannot make a call new', () => {
		const options = () => ({ now: t0, toleranceSeconds: 300, replay: replayOptions() });

		it('GitHub: another X-GitHub-Delivery (not signed)', async () => {
			const first = { ...signed, 'X-GitHub-Delivery': 'delivery-1' };
			const again = { ...signed, 'X-GitHub-Delivery': 'delivery-2' };
			const opts = options();
			expect(
				processed(await receive(GITHUB, { primary: secret }, { body, headers: first }, opts)),
			).toBe(true);
			expect(
				await receive(GITHUB, { primary: secret }, { body, headers: again }, opts),
			).toMatchObject({
				reason: 'replayed_id',
				detail: 'This exact call was already processed',
			});
		});

		it('GitHub: the same digest in upper-case hex', async () => {
			const signature = sign(GITHUB, { primary: secret }, body)['X-Hub-Signature-256'];
			const upper = { ...signed, 'X-Hub-Signature-256': signature.toUpperCase() };
			const opts = options();
			expect(
				processed(await receive(GITHUB, { primary: secret }, { body, headers: signed }, opts)),
			).toBe(true);
			expect(
				await receive(GITHUB, { primary: secret }, { body, headers: upper }, opts),
			).toMatchObject({
				reason: 'replayed_id',
			});
		});

		it('Stripe during a rotation: one of the two v1 signatures dropped', async () => {
			const both = { primary: 'whsec_new', secondary: 'whsec_old' };
			const headers = sign(STRIPE, both, body, { timestamp: t0 });
			const [t, v1New, v1Old] = headers['Stripe-Signature'].split(',');
			expect([t, v1New, v1Old].every((part) => /^(t|v1)=/.test(part))).toBe(true);
			const opts = options();
			expect(processed(await receive(STRIPE, both, { body, headers }, opts))).toBe(true);
			expect(
				await receive(
					STRIPE,
					both,
					{ body, headers: { 'Stripe-Signature': `${t},${v1Old}` } },
					opts,
				),
			).toMatchObject({ reason: 'replayed_id' });
		});
	});

	describe('replay: the same signed bytes split another way are the same call', () => {
		// A captured call's signed bytes, re-split into another id (or timestamp)
		// and body: the same HMAC input, so the same signature verifies it.
		const captured = Buffer.from('{"amount":1250,"to":"a@example.com"}');
		const cut = captured.indexOf(',');

		it('Generic HMAC {id}{body}: named by the signed bytes, so a re-split copy is a copy', async () => {
			const scheme = generic({ signedContent: '{id}{body}', idHeader: 'X-Id' });
			const headers = sign(scheme, { primary: secret }, captured, { id: 'evt_1' });
			const moved = {
				...headers,
				'X-Id': `evt_1${captured.subarray(0, cut).toString()}`,
			};
			const rest = captured.subarray(cut);
			const opts = { now: t0, replay: replayOptions() };
			expect(
				processed(await receive(scheme, { primary: secret }, { body: captured, headers }, opts)),
			).toBe(true);
			expect(
				await receive(scheme, { primary: secret }, { body: rest, headers: moved }, opts),
			).toMatchObject({
				ok: false,
				reason: 'replayed_id',
				detail: 'This exact call was already processed',
			});
		});

		it('Generic HMAC {id}.{body}: an id holding the "." that ends it is refused', async () => {
			const scheme = generic({ signedContent: '{id}.{body}', idHeader: 'X-Id' });
			const headers = sign(scheme, { primary: secret }, captured, { id: 'evt_1' });
			const moved = { ...headers, 'X-Id': `evt_1.${captured.subarray(0, cut).toString()}` };
			const rest = captured.subarray(cut + 1);
			const opts = { now: t0, replay: replayOptions() };
			expect(
				processed(await receive(scheme, { primary: secret }, { body: captured, headers }, opts)),
			).toBe(true);
			expect(
				await receive(scheme, { primary: secret }, { body: rest, headers: moved }, opts),
			).toMatchObject({ ok: false, reason: 'malformed_header', status: 401 });
		});

		it('Standard Webhooks with the window off: a body holding ".<digits>." cannot be re-split into a new call', async () => {
			const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
			const body = Buffer.from('{"version":"1.5.2"}');
			const headers = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, {
				id: 'msg_1',
				timestamp: t0,
			});
			// id.timestamp.body read as id "msg_1.<t0>.{"version":"1", timestamp 5, body 2"}.
			const split = {
				...headers,
				'webhook-id': `msg_1.${headers['webhook-timestamp']}.{"version":"1`,
				'webhook-timestamp': '5',
			};
			const opts = { now: t0, toleranceSeconds: 0, replay: replayOptions() };
			const call = (headerBag: Record<string, string>, bytes: Buffer) =>
				receive(STANDARD_WEBHOOKS, { primary: whsec }, { body: bytes, headers: headerBag }, opts);
			expect(processed(await call(headers, body))).toBe(true);
			expect(await call(split, Buffer.from('2"}'))).toMatchObject({
				ok: false,
				reason: 'malformed_header',
				detail:
					'Header webhook-id holds ".", which ends the id in the signed content: the same signed bytes could then be read as another id, timestamp and body',
			});
		});

		it('every scheme whose id opens what it signs refuses an id holding the separator, even when signed', () => {
			for (const scheme of [...HMAC_HEADER_SCHEMES, ...PUBLIC_KEY_SCHEMES]) {
				const separator = idSeparator(scheme);
				if (separator === undefined) continue;
				expect(scheme.signedContent[0]).toEqual({ kind: 'id' });
				expect(separator).toBe('.');
			}
			expect(
				idSeparator(
					generic({
						signedContent: 'v1:{id}|{timestamp}.{body}',
						idHeader: 'X-Id',
						timestampHeader: 'X-T',
					}),
				),
			).toBe('|');
			expect(
				idSeparator(
					generic({
						signedContent: '{timestamp}.{id}.{body}',
						idHeader: 'X-Id',
						timestampHeader: 'X-T',
					}),
				),
			).toBeUndefined();
			expect(
				idSeparator(generic({ signedContent: '{id}{body}', idHeader: 'X-Id' })),
			).toBeUndefined();
		});
	});

	describe('replay: rotating the secret does not make a processed call new', () => {
		it('a GitHub call processed under the old secret is a copy once the new one is primary', async () => {
			const opts = { now: t0, toleranceSeconds: 300, replay: replayOptions() };
			const call = { body, headers: signed };
			expect(processed(await receive(GITHUB, { primary: secret }, call, opts))).toBe(true);
			const rotated = { primary: 'the-new-secret', secondary: secret };
			expect(await receive(GITHUB, rotated, call, opts)).toMatchObject({
				ok: false,
				reason: 'replayed_id',
			});
		});

		it('for every built-in HMAC scheme, the name of a call is the same before and after a rotation', () => {
			for (const scheme of HMAC_HEADER_SCHEMES) {
				const before = sampleSecrets(scheme);
				const body = Buffer.from(
					`{"event":"x","timestamp":"${t0.toISOString()}","webhookTimestamp":${t0.getTime()}}`,
				);
				const url = withBodyHash(scheme, 'https://example.test/hook', body);
				const headers = sign(scheme, before, body, {
					timestamp: t0,
					id: 'msg_1',
					url,
					method: 'POST',
				});
				const named = (secrets: SecretSet) =>
					verify(scheme, secrets, body, headers, { now: t0, url, method: 'POST', replayKey: true });
				const first = named(before);
				const after = named({
					primary: sampleSecrets(scheme, 'rotated').primary,
					secondary: before.primary,
				});
				expect({ scheme: scheme.id, verified: first.ok && after.ok }).toEqual({
					scheme: scheme.id,
					verified: true,
				});
				if (first.ok && after.ok) expect(after.replayKey).toBe(first.replayKey);
			}
		});
	});

	describe('Vinsight: no forgery derived from one captured call', () => {
		// The body is the HMAC key, and HMAC pads a key of up to 64 bytes with
		// zeros and hashes a longer one: other bytes carry the same signature.
		const secrets = { primary: 'vinsight-key' };
		const check = async (
			captured: Buffer,
			forged: Buffer,
			replay?: ReturnType<typeof replayOptions>,
		) => {
			const headers = sign(VINSIGHT, secrets, captured);
			expect(sign(VINSIGHT, secrets, forged)).toEqual(headers); // the same signature
			const options = { now: t0, replay };
			expect(
				processed(await receive(VINSIGHT, secrets, { body: captured, headers }, options)),
			).toBe(true);
			expect(await receive(VINSIGHT, secrets, { body: forged, headers }, options)).toMatchObject({
				ok: false,
				reason: 'malformed_body',
				status: 401,
			});
		};
		const short = Buffer.from('{"test":"json"}');
		const long = Buffer.from(JSON.stringify({ records: 'x'.repeat(100) }));
		const digestOfLong = createHash('sha256').update(long).digest();

		it('a body of 64 bytes or less with zero bytes appended', async () => {
			await check(short, Buffer.concat([short, Buffer.alloc(3)]));
			await check(short, Buffer.concat([short, Buffer.alloc(3)]), replayOptions());
		});

		it('the 32 raw bytes of SHA-256 of a longer body', async () => {
			await check(long, digestOfLong);
			await check(long, digestOfLong, replayOptions());
		});

		it('what is not UTF-8 JSON is refused before the signature is looked at', async () => {
			const headers = sign(VINSIGHT, secrets, Buffer.from('not json'));
			expect(
				await receive(VINSIGHT, secrets, { body: Buffer.from('not json'), headers }, { now: t0 }),
			).toMatchObject({ reason: 'malformed_body' });
			const latin1 = Buffer.from('{"name":"caf\xe9"}', 'latin1');
			expect(
				await receive(
					VINSIGHT,
					secrets,
					{ body: latin1, headers: sign(VINSIGHT, secrets, latin1) },
					{
						now: t0,
					},
				),
			).toMatchObject({ reason: 'malformed_body' });
		});
	});
});
