/**
 * bench/forged.ts times what a forged call costs the trigger before it is
 * refused. Each of its hostile cases, built here at 64 KiB instead of 16 MiB,
 * must be refused, and for the forgery, not for the receiver's configuration
 * or a header the benchmark got wrong: else the benchmark would time
 * something else. Nothing is timed here.
 */
import { buildForgedCases, refusedAs, runForgedCase, type ForgedCase } from '../../bench/forged';
import { REJECTION_REASONS, type ReceiveResult, type RejectionReason } from '../../core';

const SIZE = 64 * 1024;

/**
 * Refusals of a forgery that is not well-formed: a header, field or
 * timestamp the benchmark built wrong, so the call would stop before the
 * work it is meant to measure. (A limit on the number of signatures or
 * parameters, or on the body's shape, is a refusal the core may make of a
 * hostile call: malformed_header and malformed_body are not in this list.)
 */
const BADLY_BUILT: readonly RejectionReason[] = [
	'missing_header',
	'duplicate_header',
	'missing_body_field',
	'duplicate_body_field',
	'malformed_body_field',
	'timestamp_missing',
	'timestamp_malformed',
	'timestamp_too_old',
	'timestamp_too_new',
	'missing_request_context',
];

const cases = buildForgedCases(SIZE);

describe('bench/forged.ts: every hostile case is a forgery the trigger refuses', () => {
	it('starts with the GitHub call, the floor each row is compared with', () => {
		expect(cases[0].scheme.id).toBe('github');
	});

	it.each(
		cases.map((forged): [string, ForgedCase] => [
			`${forged.family}: ${forged.hostileBody}`,
			forged,
		]),
	)('%s', async (name, forged) => {
		expect(forged.call.body.length).toBe(SIZE);
		const result = await runForgedCase(forged);
		// 401 for a forgery; 413 for a form over the parameters read before a signature.
		expect(result).toMatchObject({ ok: false });
		if (!result.ok) expect([401, 413]).toContain(result.status);
		const reason = refusedAs(result, name) as RejectionReason;
		expect(REJECTION_REASONS).toContain(reason);
		expect(BADLY_BUILT).not.toContain(reason);
	});
});

describe('refusedAs: what would make the benchmark measure the wrong thing stops it', () => {
	it('an accepted call', () => {
		const accepted: ReceiveResult = {
			ok: true,
			verification: { scheme: 'github', matchedSecret: 'primary', replayKey: 'k' },
		};
		expect(() => refusedAs(accepted, 'GitHub')).toThrow('GitHub: the forged call was accepted');
	});

	it("a refusal for the receiver's own configuration", () => {
		const misconfigured: ReceiveResult = {
			ok: false,
			reason: 'no_secret',
			detail: 'No secret is configured',
			status: 500,
		};
		expect(() => refusedAs(misconfigured, 'GitHub')).toThrow(/configuration \(no_secret\)/);
	});
});
