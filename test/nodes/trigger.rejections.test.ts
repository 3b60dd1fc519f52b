/**
 * Verified Webhook Trigger through its webhook(), as n8n calls it: every
 * refusal answers the right status with a short body and starts no execution.
 */
import { createHmac, randomBytes } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';

import { deliverTo, type IncomingOptions, type Outcome } from './triggerHarness';

const whsec = `whsec_${randomBytes(32).toString('base64')}`;
const body = '{"type":"invoice.paid","amount":4200}';
const json = { 'content-type': 'application/json' };

/** A call signed now by the standardwebhooks library. */
function standardCall(
	id = `msg_${randomBytes(8).toString('hex')}`,
	at = new Date(),
	payload = body,
) {
	return {
		...json,
		'webhook-id': id,
		'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
		'webhook-signature': new StandardWebhook(whsec).sign(id, at, payload),
	};
}

function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
	const copy = { ...headers };
	delete copy[name];
	return copy;
}

function githubSignature(secret: string, payload: string | Buffer): string {
	return 'sha256=' + createHmac('sha256', secret).update(payload).digest('hex');
}

function expectRefused(outcome: Outcome, status: number, reason: string): void {
	expect({ status: outcome.status, body: outcome.responseBody, started: outcome.started }).toEqual({
		status,
		body: { error: expect.any(String), reason },
		started: false,
	});
}

describe('a valid call', () => {
	it('starts the workflow with what was verified', async () => {
		const headers = standardCall('msg_ok');
		const outcome = await deliverTo({}, { secret: whsec, headers, body });
		expect(outcome.started).toBe(true);
		expect(outcome.status).toBe(200);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.verified[0].json).toMatchObject({
			body: { type: 'invoice.paid', amount: 4200 },
			verification: { scheme: 'standardWebhooks', matchedSecret: 'primary', id: 'msg_ok' },
		});
	});
});

describe('every reason code, through webhook()', () => {
	const github = { signatureScheme: 'github' };
	const slack = { signatureScheme: 'slack' };
	const now = () => Math.floor(Date.now() / 1000);
	const slackSig = (ts: string) =>
		'v0=' + createHmac('sha256', 'slack-secret').update(`v0:${ts}:${body}`).digest('hex');

	const cases: Array<[string, INodeParameters, IncomingOptions, number]> = [
		[
			'no_secret',
			github,
			{ headers: { ...json, 'x-hub-signature-256': githubSignature('s', body) }, body },
			500,
		],
		[
			'invalid_secret',
			{},
			{ secret: { secret: 'not base64 !', format: 'whsec' }, headers: standardCall(), body },
			500,
		],
		['missing_header', github, { secret: 's', headers: json, body }, 401],
		[
			'duplicate_header',
			github,
			{
				secret: 's',
				headers: {
					...json,
					'X-Hub-Signature-256': [githubSignature('s', body), githubSignature('s', body)],
				},
				body,
			},
			401,
		],
		[
			'malformed_header',
			github,
			{ secret: 's', headers: { ...json, 'x-hub-signature-256': 'sha256=zz' }, body },
			401,
		],
		[
			'timestamp_missing',
			slack,
			{ secret: 'slack-secret', headers: { ...json, 'x-slack-signature': slackSig('1') }, body },
			401,
		],
		[
			'timestamp_malformed',
			slack,
			{
				secret: 'slack-secret',
				headers: {
					...json,
					'x-slack-signature': slackSig('soon'),
					'x-slack-request-timestamp': 'soon',
				},
				body,
			},
			401,
		],
		[
			'timestamp_too_old',
			slack,
			{
				secret: 'slack-secret',
				headers: {
					...json,
					'x-slack-signature': slackSig(String(now() - 400)),
					'x-slack-request-timestamp': String(now() - 400),
				},
				body,
			},
			401,
		],
		[
			'timestamp_too_new',
			slack,
			{
				secret: 'slack-secret',
				headers: {
					...json,
					'x-slack-signature': slackSig(String(now() + 400)),
					'x-slack-request-timestamp': String(now() + 400),
				},
				body,
			},
			401,
		],
		[
			'signature_mismatch',
			github,
			{
				secret: 's',
				headers: { ...json, 'x-hub-signature-256': githubSignature('other', body) },
				body,
			},
			401,
		],
		[
			'verifier_error',
			{
				signatureScheme: 'generic',
				signatureHeader: 'X-Sig',
				genericSignedContent: 'no body here',
			},
			{ secret: 's', headers: { ...json, 'x-sig': 'ab' }, body },
			500,
		],
		[
			'unsupported_body',
			github,
			{
				secret: 's',
				headers: {
					'content-type': 'multipart/form-data; boundary=x',
					'x-hub-signature-256': githubSignature('s', body),
				},
				body,
			},
			415,
		],
	];

	it.each(cases)('%s', async (reason, parameters, options, status) => {
		expectRefused(await deliverTo(parameters, options), status, reason);
	});

	it('a tolerance that evaluates to no number is our misconfiguration (500), never "no window"', async () => {
		expectRefused(
			await deliverTo(
				{ toleranceSeconds: '={{ "five minutes" }}' },
				{ secret: whsec, headers: standardCall(), body },
			),
			500,
			'verifier_error',
		);
	});

	it('replayed_id: the same call sent again within the window (refused, as chosen)', async () => {
		const headers = standardCall('msg_replayed');
		const parameters = { replayProtection: true, duplicateAnswer: 'reject' };
		expect((await deliverTo(parameters, { secret: whsec, headers, body })).started).toBe(true);
		expectRefused(
			await deliverTo(parameters, { secret: whsec, headers, body }),
			401,
			'replayed_id',
		);
		// Re-signed with a fresh timestamp, the same id is still a replay.
		const again = await deliverTo(parameters, {
			secret: whsec,
			headers: standardCall('msg_replayed'),
			body,
		});
		expectRefused(again, 401, 'replayed_id');
	});

	it('a forged call never poisons the replay memory', async () => {
		const parameters = { replayProtection: true };
		const forged = {
			...standardCall('msg_future'),
			'webhook-signature': `v1,${randomBytes(32).toString('base64')}`,
		};
		expectRefused(
			await deliverTo(parameters, { secret: whsec, headers: forged, body }),
			401,
			'signature_mismatch',
		);
		expect(
			(await deliverTo(parameters, { secret: whsec, headers: standardCall('msg_future'), body }))
				.started,
		).toBe(true);
	});

	it('replay protection off (the default): the same call is accepted twice', async () => {
		const headers = standardCall('msg_twice');
		expect((await deliverTo({}, { secret: whsec, headers, body })).started).toBe(true);
		expect((await deliverTo({}, { secret: whsec, headers, body })).started).toBe(true);
	});

	it('answers 403 instead of 401 when set to', async () => {
		expectRefused(
			await deliverTo({ ...github, rejectionStatus: 403 }, { secret: 's', headers: json, body }),
			403,
			'missing_header',
		);
	});

	it('a 401 says how to authenticate (WWW-Authenticate), a 415 or 500 does not', async () => {
		const refused = await deliverTo(github, { secret: 's', headers: json, body });
		expect(refused.responseHeaders['www-authenticate']).toBe('Signature realm="n8n webhook"');
		const misconfigured = await deliverTo(github, {
			headers: { ...json, 'x-hub-signature-256': githubSignature('s', body) },
			body,
		});
		expect(misconfigured.responseHeaders['www-authenticate']).toBeUndefined();
	});
});

describe('bad-input matrix (Standard Webhooks): the right status, and no execution', () => {
	const signature = () => standardCall()['webhook-signature'].split(',')[1];
	const matrix: Array<[string, string, () => Record<string, string | string[]>, string | Buffer]> =
		[
			[
				'no signature header',
				'missing_header',
				() => ({ ...json, 'webhook-id': 'msg_1', 'webhook-timestamp': '1' }),
				body,
			],
			[
				'no id header (the id is signed)',
				'missing_header',
				() => withoutHeader(standardCall(), 'webhook-id'),
				body,
			],
			[
				'a signature without the v1, prefix',
				'malformed_header',
				() => ({ ...standardCall(), 'webhook-signature': signature() }),
				body,
			],
			[
				'two signature headers',
				'duplicate_header',
				() => ({
					...standardCall(),
					'webhook-signature': [standardCall()['webhook-signature'], 'v1,x'],
				}),
				body,
			],
			[
				'two timestamp headers',
				'duplicate_header',
				() => ({ ...standardCall(), 'webhook-timestamp': ['1', '2'] }),
				body,
			],
			[
				'a signature of the wrong length',
				'malformed_header',
				() => ({
					...standardCall(),
					'webhook-signature': `v1,${randomBytes(31).toString('base64')}`,
				}),
				body,
			],
			[
				'a signature that is not base64',
				'malformed_header',
				() => ({ ...standardCall(), 'webhook-signature': 'v1,@@@@' }),
				body,
			],
			[
				'a stale timestamp',
				'timestamp_too_old',
				() => standardCall(undefined, new Date(Date.now() - 600_000)),
				body,
			],
			[
				'a future timestamp',
				'timestamp_too_new',
				() => standardCall(undefined, new Date(Date.now() + 600_000)),
				body,
			],
			[
				'a non-numeric timestamp',
				'timestamp_malformed',
				() => ({ ...standardCall(), 'webhook-timestamp': 'yesterday' }),
				body,
			],
			['a tampered byte', 'signature_mismatch', () => standardCall(), body.replace('4200', '4201')],
			['an empty body signed as non-empty', 'signature_mismatch', () => standardCall(), ''],
			['an unsigned empty body', 'missing_header', () => json, ''],
			[
				'a non-JSON body with a forged signature',
				'signature_mismatch',
				() => ({
					...standardCall(),
					'content-type': 'text/plain',
					'webhook-signature': `v1,${randomBytes(32).toString('base64')}`,
				}),
				'hello',
			],
			// n8n decompresses a gzip body before the node runs: the bytes seen are not the bytes sent.
			[
				'a gzip-encoded body',
				'unsupported_body',
				() => ({ ...standardCall(), 'content-encoding': 'gzip' }),
				body,
			],
		];

	it.each(matrix)('%s → %s', async (_name, reason, headers, payload) => {
		const outcome = await deliverTo({}, { secret: whsec, headers: headers(), body: payload });
		expectRefused(outcome, reason === 'unsupported_body' ? 415 : 401, reason);
	});

	it('an empty body, properly signed, is accepted (the signature covers it)', async () => {
		const outcome = await deliverTo(
			{},
			{ secret: whsec, headers: standardCall(undefined, new Date(), ''), body: '' },
		);
		expect(outcome.started).toBe(true);
		expect(outcome.verified[0].json.body).toEqual({});
	});

	it('a non-JSON body, properly signed, is accepted and output as text', async () => {
		const outcome = await deliverTo(
			{},
			{
				secret: whsec,
				headers: {
					...standardCall(undefined, new Date(), 'plain words'),
					'content-type': 'text/plain',
				},
				body: 'plain words',
			},
		);
		expect(outcome.verified[0].json.body).toBe('plain words');
	});
});

describe('the Rejected output (auditing)', () => {
	it('gets the refused call with why, while the caller still gets 401', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github', rejectedOutput: true },
			{
				secret: 's',
				headers: { ...json, 'x-hub-signature-256': githubSignature('wrong', body) },
				body,
			},
		);
		expect(outcome.status).toBe(401);
		expect(outcome.verified).toEqual([]);
		expect(outcome.rejected).toHaveLength(1);
		expect(outcome.rejected[0].json).toMatchObject({
			body: { type: 'invoice.paid', amount: 4200 },
			rejection: {
				reason: 'signature_mismatch',
				status: 401,
				detail: expect.stringMatching(/does not match/),
			},
		});
		// The signature sent is not passed along, even for a forged call.
		expect(JSON.stringify(outcome.rejected)).not.toContain(githubSignature('wrong', body).slice(7));
	});

	it('a verified call goes to the first output, the second stays empty', async () => {
		const outcome = await deliverTo(
			{ signatureScheme: 'github', rejectedOutput: true },
			{
				secret: 's',
				headers: { ...json, 'x-hub-signature-256': githubSignature('s', body) },
				body,
			},
		);
		expect(outcome.verified).toHaveLength(1);
		expect(outcome.rejected).toEqual([]);
	});
});

describe('what can be refused without the secret is refused before it is loaded', () => {
	it('a call without a signature gets 401 even when no credential could be loaded', async () => {
		// Without a credential, a well-formed call is refused 500 (no_secret):
		// that answer needs the credential lookup. A call with no signature at
		// all never gets that far.
		const unsigned = await deliverTo({ signatureScheme: 'github' }, { headers: json, body });
		expect(unsigned).toMatchObject({ status: 401, started: false });
		expect(unsigned.responseBody).toMatchObject({ reason: 'missing_header' });
		const wellFormed = await deliverTo(
			{ signatureScheme: 'github' },
			{ headers: { ...json, 'x-hub-signature-256': githubSignature('s', body) }, body },
		);
		expect(wellFormed).toMatchObject({ status: 500, started: false });
		expect(wellFormed.responseBody).toMatchObject({ reason: 'no_secret' });
	});
});
