/**
 * The receiver's decision (receive) and its replay memory, with an injected
 * clock: the parts of the trigger that need no n8n.
 */
import {
	GITHUB,
	ReplayGuard,
	STANDARD_WEBHOOKS,
	STRIPE,
	VINSIGHT,
	receive,
	sign,
} from '../../core';

const t0 = new Date('2026-11-22T10:00:00Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('ReplayGuard', () => {
	it('refuses an id seen within the window, and forgets it after', () => {
		const guard = new ReplayGuard();
		expect(guard.checkAndRemember('a', t0, 300)).toBe('fresh');
		expect(guard.checkAndRemember('a', later(299), 300)).toBe('replayed');
		expect(guard.checkAndRemember('a', later(300), 300)).toBe('fresh');
	});

	it('a replay does not extend the first sighting', () => {
		const guard = new ReplayGuard();
		guard.checkAndRemember('a', t0, 300);
		guard.checkAndRemember('a', later(200), 300);
		expect(guard.checkAndRemember('a', later(301), 300)).toBe('fresh');
	});

	it('forgets expired ids as it goes, and the oldest first when full', () => {
		const guard = new ReplayGuard(3);
		for (const id of ['a', 'b', 'c']) guard.checkAndRemember(id, t0, 300);
		guard.checkAndRemember('d', later(1), 300);
		expect(guard.size).toBe(3);
		expect(guard.checkAndRemember('b', later(2), 300)).toBe('replayed');
		expect(guard.checkAndRemember('a', later(3), 300)).toBe('fresh'); // evicted to make room
		guard.checkAndRemember('e', later(1000), 300);
		expect(guard.size).toBe(1);
	});
});

describe('receive', () => {
	const secret = 'receive-secret';
	const body = Buffer.from('{"a":1}');
	const signed = { 'content-type': 'application/json', ...sign(GITHUB, { primary: secret }, body) };

	it('accepts an authentic call and describes it', () => {
		expect(
			receive(
				GITHUB,
				{ primary: secret },
				{ body, headers: signed },
				{ now: t0, toleranceSeconds: 300 },
			),
		).toEqual({
			accepted: true,
			verification: { scheme: 'github', matchedSecret: 'primary', keyOrder: 'secret-as-key' },
		});
	});

	it('maps reasons to statuses: the caller 401 (or 403), our configuration 500, the body 415', () => {
		const call = { body, headers: signed };
		const options = { now: t0, toleranceSeconds: 300 };
		expect(receive(GITHUB, { primary: 'other' }, call, options)).toMatchObject({
			status: 401,
			reason: 'signature_mismatch',
		});
		expect(receive(GITHUB, { primary: 'other' }, call, options, 403)).toMatchObject({
			status: 403,
		});
		expect(receive(GITHUB, {}, call, options)).toMatchObject({ status: 500, reason: 'no_secret' });
		expect(
			receive(
				GITHUB,
				{ primary: secret },
				{ body, headers: { ...signed, 'content-encoding': 'gzip' } },
				options,
			),
		).toMatchObject({ status: 415, reason: 'unsupported_body' });
		expect(
			receive(GITHUB, { primary: secret }, { body: undefined, headers: signed }, options),
		).toMatchObject({
			status: 415,
		});
	});

	it('replay: by id where the scheme has one, by signature where not, per scope', () => {
		const guard = new ReplayGuard();
		const options = {
			now: t0,
			toleranceSeconds: 300,
			replayGuard: guard,
			replayScope: 'wf1/node1',
		};
		const call = { body, headers: signed };
		expect(receive(GITHUB, { primary: secret }, call, options).accepted).toBe(true);
		expect(receive(GITHUB, { primary: secret }, call, options)).toMatchObject({
			reason: 'replayed_id',
			status: 401,
		});
		expect(
			receive(GITHUB, { primary: secret }, call, { ...options, replayScope: 'wf2/node1' }).accepted,
		).toBe(true);

		const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const first = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, { id: 'msg_1', timestamp: t0 });
		const resigned = sign(STANDARD_WEBHOOKS, { primary: whsec }, body, {
			id: 'msg_1',
			timestamp: later(5),
		});
		expect(
			receive(STANDARD_WEBHOOKS, { primary: whsec }, { body, headers: first }, options).accepted,
		).toBe(true);
		expect(
			receive(
				STANDARD_WEBHOOKS,
				{ primary: whsec },
				{ body, headers: resigned },
				{ ...options, now: later(5) },
			),
		).toMatchObject({ reason: 'replayed_id', id: 'msg_1' });
	});

	// Found by tamper.fuzz.test.ts: the memory was keyed by the raw signature
	// header, or by the id header even where the signature does not cover it,
	// so a replayer changed one of those and the same call was accepted again.
	describe('replay: what the signature does not cover cannot make a call new', () => {
		const options = () => ({ now: t0, toleranceSeconds: 300, replayGuard: new ReplayGuard() });

		it('GitHub: another X-GitHub-Delivery (not signed)', () => {
			const first = { ...signed, 'X-GitHub-Delivery': 'delivery-1' };
			const again = { ...signed, 'X-GitHub-Delivery': 'delivery-2' };
			const opts = options();
			expect(receive(GITHUB, { primary: secret }, { body, headers: first }, opts).accepted).toBe(
				true,
			);
			expect(receive(GITHUB, { primary: secret }, { body, headers: again }, opts)).toMatchObject({
				reason: 'replayed_id',
				detail: 'This exact call was already accepted',
			});
		});

		it('GitHub: the same digest in upper-case hex', () => {
			const signature = sign(GITHUB, { primary: secret }, body)['X-Hub-Signature-256'];
			const upper = { ...signed, 'X-Hub-Signature-256': signature.toUpperCase() };
			const opts = options();
			expect(receive(GITHUB, { primary: secret }, { body, headers: signed }, opts).accepted).toBe(
				true,
			);
			expect(receive(GITHUB, { primary: secret }, { body, headers: upper }, opts)).toMatchObject({
				reason: 'replayed_id',
			});
		});

		it('Stripe during a rotation: one of the two v1 signatures dropped', () => {
			const both = { primary: 'whsec_new', secondary: 'whsec_old' };
			const headers = sign(STRIPE, both, body, { timestamp: t0 });
			const [t, v1New, v1Old] = headers['Stripe-Signature'].split(',');
			expect([t, v1New, v1Old].every((part) => /^(t|v1)=/.test(part))).toBe(true);
			const opts = options();
			expect(receive(STRIPE, both, { body, headers }, opts).accepted).toBe(true);
			expect(
				receive(STRIPE, both, { body, headers: { 'Stripe-Signature': `${t},${v1Old}` } }, opts),
			).toMatchObject({ reason: 'replayed_id' });
		});
	});

	it('Vinsight: two calls whose bodies differ only in trailing zero bytes are two calls', () => {
		// Vinsight keys the HMAC with the content, and HMAC pads short keys with
		// zeros: both bodies carry the same signature. Found by the tamper fuzzer,
		// which saw the second call refused as a replay of the first.
		const opts = { now: t0, toleranceSeconds: 300, replayGuard: new ReplayGuard() };
		const first = Buffer.from('{"a":1}');
		const second = Buffer.concat([first, Buffer.from([0])]);
		const secrets = { primary: 'vinsight-key' };
		const headers = sign(VINSIGHT, secrets, first);
		expect(sign(VINSIGHT, secrets, second)).toEqual(headers);
		expect(receive(VINSIGHT, secrets, { body: first, headers }, opts).accepted).toBe(true);
		expect(receive(VINSIGHT, secrets, { body: second, headers }, opts).accepted).toBe(true);
		expect(receive(VINSIGHT, secrets, { body: second, headers }, opts)).toMatchObject({
			reason: 'replayed_id',
		});
	});
});
