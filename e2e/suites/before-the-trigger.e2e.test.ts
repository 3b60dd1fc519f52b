/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * What n8n answers itself, before the trigger runs (README: "What n8n
 * answers before the trigger runs"): each row of that table is sent to a
 * real n8n (E2E_TARGET 2.x or 1.x) and must get the status the row states,
 * so a user reading it does not debug the node for n8n's answer.
 * N8N_PAYLOAD_SIZE_MAX is set to 1 (MiB) here so that a body over it is small.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

const SECRET = 'before-the-trigger-secret';
const PATH = 'before-the-trigger';
const OVER_THE_LIMIT = 'x'.repeat(1024 * 1024 + 1024);

interface Request {
	readonly method: string;
	readonly path: string;
	readonly headers: Record<string, string>;
	readonly body?: string | Buffer;
}

const signed = (body: string) => ({
	'x-hub-signature-256': 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'),
});

/** One request per row of the README table, keyed by the row's first cell. */
const ROWS: Record<string, Request | Request[]> = {
	'POST to a path no active workflow has': {
		method: 'POST',
		path: 'no-such-path',
		headers: { 'content-type': 'application/json' },
		body: '{}',
	},
	'GET to a trigger set to POST': { method: 'GET', path: PATH, headers: {} },
	'`application/json` body that is not JSON': {
		method: 'POST',
		path: PATH,
		headers: { 'content-type': 'application/json', ...signed('{"a":') },
		body: '{"a":',
	},
	'`text/plain; charset=iso-8859-1` (or any charset Node cannot decode, such as `utf-16`)': {
		method: 'POST',
		path: PATH,
		headers: { 'content-type': 'text/plain; charset=iso-8859-1', ...signed('caf\xe9') },
		body: Buffer.from('caf\xe9', 'latin1'),
	},
	'`application/xml` body that is not XML': {
		method: 'POST',
		path: PATH,
		headers: { 'content-type': 'application/xml', ...signed('<a>') },
		body: '<a>',
	},
	'`Content-Encoding: gzip` body that does not decompress': {
		method: 'POST',
		path: PATH,
		headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...signed('{}') },
		body: 'not gzip',
	},
	'JSON, form, text or XML body over `N8N_PAYLOAD_SIZE_MAX` (16 MiB by default)': [
		['application/json', JSON.stringify({ padding: OVER_THE_LIMIT })],
		['application/x-www-form-urlencoded', `padding=${OVER_THE_LIMIT}`],
		['text/plain', OVER_THE_LIMIT],
		['application/xml', `<padding>${OVER_THE_LIMIT}</padding>`],
	].map(([contentType, body]) => ({
		method: 'POST',
		path: PATH,
		headers: { 'content-type': contentType },
		body,
	})),
};

let n8n: N8n;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-before-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder, env: { N8N_PAYLOAD_SIZE_MAX: '1' } });
	await n8n.signIn();
	const credentialId = await n8n.createCredential('GitHub secret', 'webhookSigningSecretApi', {
		secret: SECRET,
		secondarySecret: '',
		format: 'auto',
	});
	await n8n.deploy(
		{
			name: 'before the trigger',
			nodes: [
				{
					id: randomUUID(),
					name: 'Webhook Trigger (Verified)',
					type: 'n8n-nodes-signed-webhooks.verifiedWebhookTrigger',
					typeVersion: 1.1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters: { path: PATH, signatureScheme: 'github', options: {} },
					credentials: { webhookSigningSecretApi: { id: credentialId, name: 'GitHub secret' } },
				},
			],
			connections: {},
		},
		[PATH],
	);
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

async function send(request: Request): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${n8n.baseUrl}/webhook/${request.path}`, {
		method: request.method,
		headers: request.headers,
		body: request.body,
	});
	const text = await response.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// n8n's answers are JSON; an empty one stays {}
	}
	return { status: response.status, json };
}

/** The README table's rows: first cell and stated status. */
function documentedRows(): Array<[string, number]> {
	const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'troubleshooting.md'), 'utf8');
	const table = readme.slice(
		readme.indexOf('<!-- before-the-trigger:start -->'),
		readme.indexOf('<!-- before-the-trigger:end -->'),
	);
	return table
		.split('\n')
		.filter((line) => line.startsWith('| ') && !line.startsWith('| Call |'))
		.map((line) => {
			const [call, status] = line.slice(2).split(' | ');
			return [call, Number(status)];
		});
}

describe(`what n8n ${TARGETS[target].n8nVersion} answers before the trigger runs`, () => {
	it('the README lists exactly the calls this suite sends', () => {
		expect(documentedRows().map(([call]) => call)).toEqual(Object.keys(ROWS));
	});

	it.each(documentedRows())('%s: n8n answers %d itself', async (call, status) => {
		for (const request of [ROWS[call]].flat()) {
			const answer = await send(request);
			expect({ contentType: request.headers['content-type'], status: answer.status }).toEqual({
				contentType: request.headers['content-type'],
				status,
			});
			// n8n's own answer ({code, message}), never one of the trigger's ({error, reason}).
			expect(answer.json).not.toHaveProperty('reason');
			expect(answer.json).toHaveProperty('message');
		}
	});

	it('what reaches the trigger instead: a body that decompresses, one over the limit n8n does not parse, and multipart', async () => {
		const body = '{"a":1}';
		const gzip = await send({
			method: 'POST',
			path: PATH,
			headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...signed(body) },
			body: gzipSync(body),
		});
		expect(gzip).toMatchObject({ status: 415, json: { reason: 'unsupported_body' } });

		const octets = await send({
			method: 'POST',
			path: PATH,
			headers: { 'content-type': 'application/octet-stream' },
			body: Buffer.from(OVER_THE_LIMIT),
		});
		expect(octets).toMatchObject({ status: 413, json: { reason: 'body_too_large' } });

		const form = new FormData();
		form.append('field', 'value');
		const multipart = await fetch(`${n8n.baseUrl}/webhook/${PATH}`, { method: 'POST', body: form });
		expect(multipart.status).toBe(415);
		expect(await multipart.json()).toMatchObject({ reason: 'unsupported_body' });

		const broken = await send({
			method: 'POST',
			path: PATH,
			headers: { 'content-type': 'multipart/form-data' },
			body: 'not multipart',
		});
		// n8n 2.x refuses a multipart body it cannot parse; 1.x passes it on.
		expect(broken.status).toBe(target === '2.x' ? 400 : 415);
	});
});
