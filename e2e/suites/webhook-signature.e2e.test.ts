/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it drives a real n8n from Node */
/**
 * The Webhook Signature node in a real n8n (E2E_TARGET 2.x or 1.x) with this
 * package installed as users get it, in the example workflows
 * (examples/webhook-signature-*.json):
 * 1. Verify: n8n's Webhook node (Raw Body on, Respond: Using Respond to
 *    Webhook node) → Verify → Respond to Webhook 200 on Valid, 401 on
 *    Invalid. Calls signed by standardwebhooks, svix, stripe,
 *    @octokit/webhooks-methods and twilio get 200; the same calls with one
 *    byte or a signed header changed, or stale, get 401 with the reason; a
 *    forged call costs an execution (the trigger's would not). A copy of a
 *    processed event stops at n8n's Remove Duplicates node.
 * 2. Sign: Webhook (Header Auth) → Sign → n8n's HTTP Request (v4.2, Body
 *    Content Type "Raw", headers Using JSON) → a receiver on 127.0.0.1 that
 *    verifies with standardwebhooks, stripe and twilio: accepted. HTTP
 *    Request's JSON mode sends other bytes than were signed: refused.
 *    And the Sign example posts to the Verify example: 200.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { getExpectedTwilioSignature, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';

import { ADMIN_KEY_HEADER, DEMO_SECRETS, prepareExample, webhookPaths } from '../harness/examples';
import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, type WorkflowJson } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';
import { startReceiver, type ReceivedCall, type Receiver } from '../../test/helpers/receiver';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

const whsec = `whsec_${randomBytes(32).toString('base64')}`;
const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
const githubSecret = randomBytes(20).toString('hex');
const twilioToken = randomBytes(16).toString('hex');
const SECRETS = {
	...DEMO_SECRETS,
	'Standard Webhooks secret': whsec,
	'Stripe secret': stripeSecret,
	'GitHub secret': githubSecret,
	'Twilio token': twilioToken,
};

interface Call {
	readonly body: string;
	readonly headers: Record<string, string>;
	/** Where it goes, when not the workflow's plain URL (Twilio's ?bodySHA256=). */
	readonly url?: string;
}

interface VerifyCase {
	readonly name: string;
	readonly scheme: string;
	readonly credential: keyof typeof SECRETS;
	readonly genuine: (url: string) => Call;
	/** The reason a call with one body byte changed gets. */
	readonly tamperedReason?: string;
}

const json = { 'content-type': 'application/json' };
const unix = (at = new Date()) => String(Math.floor(at.getTime() / 1000));
const event = () =>
	JSON.stringify({ id: `evt_${randomUUID()}`, type: 'order.created', data: { note: 'Grüße ✓' } });

function octokitSign(secret: string, payload: string): string {
	const script = join(__dirname, '..', '..', 'test', 'helpers', 'octokit-webhooks-methods.mjs');
	const [signature] = JSON.parse(
		execFileSync(process.execPath, [script], {
			input: JSON.stringify([{ op: 'sign', secret, payload }]),
		}).toString(),
	) as string[];
	return signature;
}

function standardCall(at = new Date(), body = event()): Call {
	const id = `msg_${randomUUID()}`;
	return {
		body,
		headers: {
			...json,
			'webhook-id': id,
			'webhook-timestamp': unix(at),
			'webhook-signature': new StandardWebhook(whsec).sign(id, at, body),
		},
	};
}

const CASES: VerifyCase[] = [
	{
		name: 'standardwebhooks',
		scheme: 'standardWebhooks',
		credential: 'Standard Webhooks secret',
		genuine: () => standardCall(),
	},
	{
		name: 'svix',
		scheme: 'svix',
		credential: 'Standard Webhooks secret',
		genuine: () => {
			const body = event();
			const id = `msg_${randomUUID()}`;
			const at = new Date();
			return {
				body,
				headers: {
					...json,
					'svix-id': id,
					'svix-timestamp': unix(at),
					'svix-signature': new SvixWebhook(whsec).sign(id, at, body),
				},
			};
		},
	},
	{
		name: 'stripe',
		scheme: 'stripe',
		credential: 'Stripe secret',
		genuine: () => {
			const body = event();
			const signature = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
				payload: body,
				secret: stripeSecret,
			});
			return { body, headers: { ...json, 'stripe-signature': signature } };
		},
	},
	{
		name: '@octokit/webhooks-methods',
		scheme: 'github',
		credential: 'GitHub secret',
		genuine: () => {
			const body = event();
			return {
				body,
				headers: { ...json, 'x-hub-signature-256': octokitSign(githubSecret, body) },
			};
		},
	},
	{
		name: 'twilio (a form post)',
		scheme: 'twilio',
		credential: 'Twilio token',
		genuine: (url) => {
			const params = { From: '+15550001111', Body: 'Grüße', MessageSid: `SM${randomUUID()}` };
			return {
				body: new URLSearchParams(params).toString(),
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					'x-twilio-signature': getExpectedTwilioSignature(twilioToken, url, params),
				},
			};
		},
	},
	{
		name: 'twilio (JSON, bodySHA256 in the URL)',
		scheme: 'twilio',
		credential: 'Twilio token',
		tamperedReason: 'body_hash_mismatch',
		genuine: (url) => {
			const body = event();
			const signed = `${url}?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
			const signature = getExpectedTwilioSignature(twilioToken, signed, {});
			expect(validateRequestWithBody(twilioToken, signature, signed, body)).toBe(true);
			return { body, headers: { ...json, 'x-twilio-signature': signature }, url: signed };
		},
	},
];

let n8n: N8n;
let receiver: Receiver;
const credentialIds = new Map<string, string>();
/** Verify workflows by scheme: id and path. */
const verifiers = new Map<string, { id: string; path: string }>();

/** The Verify example, for `scheme`, at its own path. */
async function verifyWorkflow(scheme: string, credential: string): Promise<WorkflowJson> {
	const workflow = await prepareExample(
		n8n,
		'webhook-signature-verify.json',
		credentialIds,
		SECRETS,
	);
	const path = `verify-${scheme}`;
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = path;
			node.webhookId = randomUUID();
		}
		if (node.type === 'n8n-nodes-signed-webhooks.webhookSignature') {
			node.parameters.signatureScheme = scheme;
			// Twilio signs the URL: n8n's production URL, and the query as sent.
			if (scheme === 'twilio') {
				node.parameters.url = `={{ "${n8n.baseUrl}/webhook/${path}" + ($json.query.bodySHA256 ? "?bodySHA256=" + $json.query.bodySHA256 : "") }}`;
			}
			const id = await credentialIdFor(credential);
			node.credentials = { webhookSigningSecretApi: { id, name: credential } };
		}
	}
	return { ...workflow, name: `e2e verify ${scheme}` };
}

async function credentialIdFor(name: string): Promise<string> {
	let id = credentialIds.get(name);
	if (!id) {
		const secret = SECRETS[name as keyof typeof SECRETS];
		id = await n8n.createCredential(name, 'webhookSigningSecretApi', {
			secret,
			secondarySecret: '',
			format: 'auto',
		});
		credentialIds.set(name, id);
	}
	return id;
}

/** The receiver's check, by path, with the official library of each scheme. */
function receiverVerifies(call: ReceivedCall): boolean {
	const body = call.body.toString('utf8');
	const one = (name: string) => String(call.headers[name] ?? '');
	try {
		if (call.url.startsWith('/standard')) {
			new StandardWebhook(whsec).verify(body, {
				'webhook-id': one('webhook-id'),
				'webhook-timestamp': one('webhook-timestamp'),
				'webhook-signature': one('webhook-signature'),
			});
			return true;
		}
		if (call.url.startsWith('/stripe')) {
			new Stripe('sk_test_unused').webhooks.constructEvent(
				body,
				one('stripe-signature'),
				stripeSecret,
			);
			return true;
		}
		return validateRequestWithBody(
			twilioToken,
			one('x-twilio-signature'),
			`${receiver.url}${call.url}`,
			body,
		);
	} catch {
		return false;
	}
}

beforeAll(async () => {
	receiver = await startReceiver((call) => ({
		status: 200,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ verified: receiverVerifies(call) }),
	}));
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-signature-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
	for (const { scheme, credential } of CASES) {
		if (verifiers.has(scheme)) continue;
		const workflow = await verifyWorkflow(scheme, credential);
		const paths = webhookPaths(workflow as never);
		verifiers.set(scheme, { id: await n8n.deploy(workflow, paths), path: paths[0] });
	}
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await receiver?.close();
});

async function post(url: string, call: Call): Promise<{ status: number; body: string }> {
	const response = await fetch(call.url ?? url, {
		method: 'POST',
		headers: call.headers,
		body: call.body,
	});
	return { status: response.status, body: await response.text() };
}

const urlOf = (scheme: string) => `${n8n.baseUrl}/webhook/${verifiers.get(scheme)!.path}`;

async function executionCount(scheme: string): Promise<number> {
	return (await n8n.executions(verifiers.get(scheme)!.id, false)).length;
}

describe(`Webhook Signature: Verify, in n8n ${TARGETS[target].n8nVersion}`, () => {
	it.each(CASES.map((each) => [each.name, each] as const))(
		'%s: a genuine call gets 200 through Respond to Webhook; one byte changed gets 401, and costs an execution',
		async (_name, { scheme, genuine, tamperedReason }) => {
			const url = urlOf(scheme);
			const before = await executionCount(scheme);
			const call = genuine(url);
			const answered = await post(url, call);
			expect(answered.status).toBe(200);
			const executions = await n8n.waitForExecutions(verifiers.get(scheme)!.id, before + 1);
			const valid = executions.flatMap((execution) => outputItems(execution, 'Verify Signature'));
			expect(valid).toContainEqual(
				expect.objectContaining({
					verification: expect.objectContaining({ scheme, matchedSecret: 'primary' }),
				}),
			);
			expect(JSON.stringify(valid)).not.toContain(Object.values(call.headers).at(-1));

			const bytes = Buffer.from(call.body);
			bytes[12] ^= 0x01;
			const forged = await post(url, { ...call, body: bytes.toString() });
			expect(forged.status).toBe(401);
			expect(JSON.parse(forged.body)).toEqual({
				error: 'Unauthorized',
				reason: tamperedReason ?? 'signature_mismatch',
			});
			// Unlike the trigger's refusal, a forged call to a Verify step runs the workflow.
			await n8n.waitForExecutions(verifiers.get(scheme)!.id, before + 2);
		},
	);

	it('standardwebhooks: a changed webhook-id, and a call signed ten minutes ago, get 401 with their reasons', async () => {
		const url = urlOf('standardWebhooks');
		const call = standardCall();
		const changedId = await post(url, {
			...call,
			headers: { ...call.headers, 'webhook-id': `${call.headers['webhook-id']}x` },
		});
		expect(changedId.status).toBe(401);
		expect(JSON.parse(changedId.body)).toMatchObject({ reason: 'signature_mismatch' });
		const stale = await post(url, standardCall(new Date(Date.now() - 600_000)));
		expect(stale.status).toBe(401);
		expect(JSON.parse(stale.body)).toMatchObject({ reason: 'timestamp_too_old' });
	});

	it("standardwebhooks: a copy of a processed event stops at n8n's Remove Duplicates node", async () => {
		const url = urlOf('standardWebhooks');
		const { id } = verifiers.get('standardWebhooks')!;
		const call = standardCall();
		const first = await post(url, call);
		expect(first.status).toBe(200);
		const answeredWith = JSON.parse(first.body) as { received: string };
		expect(answeredWith.received).toBe(call.headers['webhook-id']);
		const before = await executionCount('standardWebhooks');
		const copy = await post(url, call);
		const [latest] = await n8n.waitForExecutions(id, before + 1);
		// The copy ran up to Remove Duplicates, which let nothing through.
		expect(outputItems(latest, 'Verify Signature')).toHaveLength(1);
		expect(outputItems(latest, 'Remove Duplicates')).toEqual([]);
		expect(outputItems(latest, 'Respond 200')).toEqual([]);
		// n8n answers a run that ended without a Respond to Webhook node: 200, so the sender stops.
		expect(copy.status).toBe(200);
		expect(copy.body).not.toContain(answeredWith.received);
	});
});

/** The Sign example, sending to `url` with `scheme`'s credential; its HTTP Request as `http` says. */
async function signWorkflow(
	name: string,
	scheme: string,
	credential: string,
	url: string,
	edit: (nodes: Record<string, { parameters: Record<string, unknown> }>) => void = () => {},
): Promise<string> {
	const workflow = await prepareExample(n8n, 'webhook-signature-sign.json', credentialIds, SECRETS);
	const byName: Record<string, { parameters: Record<string, unknown> }> = {};
	for (const node of workflow.nodes) {
		byName[node.name] = node;
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = `sign-${name}`;
			node.webhookId = randomUUID();
		}
		if (node.type === 'n8n-nodes-signed-webhooks.webhookSignature') {
			node.parameters.signatureScheme = scheme;
			const id = await credentialIdFor(credential);
			node.credentials = { webhookSigningSecretApi: { id, name: credential } };
		}
	}
	byName['HTTP Request'].parameters.url = url;
	edit(byName);
	await n8n.deploy({ ...workflow, name: `e2e sign ${name}` }, [`sign-${name}`]);
	return `${n8n.baseUrl}/webhook/sign-${name}`;
}

async function trigger(url: string, body: unknown): Promise<{ status: number; body: string }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { ...json, [ADMIN_KEY_HEADER]: DEMO_SECRETS['Webhook system admin key'] },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: await response.text() };
}

describe(`Webhook Signature: Sign → HTTP Request, in n8n ${TARGETS[target].n8nVersion}`, () => {
	it('standardwebhooks, stripe and twilio receivers verify what HTTP Request sent (Raw body, JSON headers)', async () => {
		const cases = [
			{ name: 'standard', scheme: 'standardWebhooks', credential: 'Standard Webhooks secret' },
			{ name: 'stripe', scheme: 'stripe', credential: 'Stripe secret' },
			{ name: 'twilio', scheme: 'twilio', credential: 'Twilio token' },
		];
		for (const { name, scheme, credential } of cases) {
			const target = `${receiver.url}/${name}?tenant=a`;
			const url = await signWorkflow(name, scheme, credential, target, (nodes) => {
				if (scheme !== 'twilio') return;
				// Twilio signs the URL with the body's hash in it: Sign builds it, HTTP Request uses it.
				nodes.Sign.parameters.url = target;
				nodes['HTTP Request'].parameters.url = '={{ $json.url }}';
			});
			const before = receiver.calls.length;
			const answered = await trigger(url, { event: 'order.created', note: 'Grüße ✓', n: 1.5 });
			expect([name, answered.status, JSON.parse(answered.body)]).toEqual([
				name,
				200,
				{ verified: true },
			]);
			const sent = receiver.calls[before];
			expect(JSON.parse(sent.body.toString())).toEqual({
				event: 'order.created',
				note: 'Grüße ✓',
				n: 1.5,
			});
		}
	});

	it("HTTP Request's JSON body mode parses and rewrites the text: a pretty-printed body no longer verifies", async () => {
		const url = await signWorkflow(
			'json-mode',
			'standardWebhooks',
			'Standard Webhooks secret',
			`${receiver.url}/standard-json-mode`,
			(nodes) => {
				nodes.Sign.parameters.body = '={{ JSON.stringify($json.body, null, 2) }}';
				Object.assign(nodes['HTTP Request'].parameters, {
					contentType: 'json',
					specifyBody: 'json',
					jsonBody: '={{ $json.body }}',
				});
				delete nodes['HTTP Request'].parameters.rawContentType;
				delete nodes['HTTP Request'].parameters.body;
			},
		);
		const before = receiver.calls.length;
		const answered = await trigger(url, { event: 'order.created', n: 1 });
		expect(JSON.parse(answered.body)).toEqual({ verified: false });
		// What went out is the same JSON, written again without the spaces that were signed.
		expect(receiver.calls[before].body.toString()).toBe('{"event":"order.created","n":1}');
	});

	it('the Sign example posts to the Verify example: the call is verified and answered 200', async () => {
		const workflow = await prepareExample(
			n8n,
			'webhook-signature-verify.json',
			credentialIds,
			SECRETS,
		);
		await n8n.deploy(workflow, webhookPaths(workflow));
		const sign = await prepareExample(n8n, 'webhook-signature-sign.json', credentialIds, SECRETS);
		await n8n.deploy(sign, webhookPaths(sign));
		const answered = await trigger(`${n8n.baseUrl}/webhook/sign-and-send`, { hello: 'world' });
		expect(answered.status).toBe(200);
		expect(JSON.parse(answered.body)).toEqual({ received: expect.stringMatching(/^msg_/) });
	});
});
