/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-http-request-with-manual-auth, @n8n/community-nodes/webhook-lifecycle-complete -- test code: inline nodes that exercise n8n's helpers, run in Node, with test secrets */
/**
 * Proves test/helpers/n8n/ runs a node the way n8n 2.41 does (n8n-core's
 * own contexts, real expressions, real credentials path, real HTTP), and pins
 * down the n8n-core HTTP behaviour that nodes/SendWebhook/transport.ts relies
 * on, so an n8n-core upgrade that changes it fails here first.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { runCredentialTest, runExecute, runWebhook } from '../helpers/n8n';

// ---------------------------------------------------------------- a loopback server

interface Received {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	/** Names and values as they came off the wire, in order. */
	rawHeaders: string[];
	body: Buffer;
}

type Reply = (
	request: Received,
	respond: (status: number, body?: string, headers?: Record<string, string>) => void,
) => void;

interface Loopback {
	url: string;
	readonly received: Received[];
	reply: Reply;
}

const okReply: Reply = (_request, respond) =>
	respond(200, '{"ok":true}', { 'content-type': 'application/json' });
const loopback: Loopback = { url: '', received: [], reply: okReply };
let server: Server;

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				rawHeaders: req.rawHeaders,
				body: Buffer.concat(chunks),
			};
			loopback.received.push(request);
			loopback.reply(request, (status, body, headers) => {
				res.writeHead(status, headers);
				res.end(body);
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	loopback.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
	loopback.received.length = 0;
	loopback.reply = okReply;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------- an inline action node

const probeDescription: INodeTypeDescription = {
	displayName: 'Harness Probe',
	name: 'harnessProbe',
	group: ['output'],
	version: 1,
	description: 'Calls a URL per item',
	defaults: { name: 'Harness Probe' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{ name: 'webhookSigningSecretApi', required: true },
		{
			name: 'webhookHeaderAuthApi',
			required: true,
			displayOptions: { show: { useHeaderAuth: [true] } },
		},
	],
	properties: [
		{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		{ displayName: 'Label', name: 'label', type: 'string', default: 'default label' },
		{ displayName: 'Use Header Auth', name: 'useHeaderAuth', type: 'boolean', default: false },
		{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
	],
};

/** Per item: resolves its parameters, reads the credential, and POSTs the label to the URL. */
class HarnessProbe implements INodeType {
	description = probeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('fail', 0) as boolean)
			throw new NodeOperationError(this.getNode(), 'Told to fail');
		const credential = await this.getCredentials('webhookSigningSecretApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const label = this.getNodeParameter('label', i) as string;
			const options: IHttpRequestOptions = {
				url: this.getNodeParameter('url', i) as string,
				method: 'POST',
				headers: { 'X-Item': String(i) },
				body: { label },
				json: true,
				returnFullResponse: true,
			};
			const response = (
				(this.getNodeParameter('useHeaderAuth', i) as boolean)
					? await this.helpers.httpRequestWithAuthentication.call(
							this,
							'webhookHeaderAuthApi',
							options,
						)
					: await this.helpers.httpRequest(options)
			) as IN8nHttpFullResponse;
			out.push({
				json: {
					label,
					secretLength: String(credential.secret).length,
					format: credential.format as string,
					status: response.statusCode,
					responseBody: response.body as never,
					continueOnFail: this.continueOnFail(),
				},
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}

const secretCredential = {
	webhookSigningSecretApi: { secret: 's3cr3t', secondarySecret: '', format: 'auto' },
};

describe('runExecute: n8n-core ExecuteContext', () => {
	it('resolves expressions per item, reads the credential, and makes real requests', async () => {
		const { outputs } = await runExecute(new HarnessProbe(), {
			parameters: {
				url: `=${loopback.url}/hook/{{ $json.a }}`,
				label: '=item {{ $json.a * 10 }} of {{ $input.all().length }}',
			},
			credentials: secretCredential,
			items: [{ json: { a: 1 } }, { json: { a: 2 } }],
		});

		expect(outputs).toHaveLength(1);
		expect(outputs[0].map((item) => item.json)).toEqual([
			{
				label: 'item 10 of 2',
				secretLength: 6,
				format: 'auto',
				status: 200,
				responseBody: { ok: true },
				continueOnFail: false,
			},
			{
				label: 'item 20 of 2',
				secretLength: 6,
				format: 'auto',
				status: 200,
				responseBody: { ok: true },
				continueOnFail: false,
			},
		]);
		expect(
			loopback.received.map(({ method, url, body }) => ({ method, url, body: body.toString() })),
		).toEqual([
			{ method: 'POST', url: '/hook/1', body: '{"label":"item 10 of 2"}' },
			{ method: 'POST', url: '/hook/2', body: '{"label":"item 20 of 2"}' },
		]);
		const [first] = loopback.received;
		expect(first.headers['x-item']).toBe('0');
		expect(first.headers['content-type']).toBe('application/json');
		expect(first.headers.accept).toBe('application/json');
		expect(first.headers['user-agent']).toMatch(/^n8n\b/);
	});

	it('fills in defaults: unset parameters from the node description, unset credential fields from the credential type', async () => {
		const { outputs } = await runExecute(new HarnessProbe(), {
			parameters: { url: `${loopback.url}/plain` },
			credentials: { webhookSigningSecretApi: { secret: 'abc' } },
		});
		expect(outputs[0][0].json).toMatchObject({
			label: 'default label',
			secretLength: 3,
			format: 'auto',
		});
	});

	it('applies the header-auth credential through httpRequestWithAuthentication', async () => {
		await runExecute(new HarnessProbe(), {
			parameters: { url: `${loopback.url}/auth`, useHeaderAuth: true },
			credentials: {
				...secretCredential,
				webhookHeaderAuthApi: { name: 'X-Api-Key', secretValue: 'key-123' },
			},
		});
		expect(loopback.received[0].headers['x-api-key']).toBe('key-123');
	});

	it("enforces the node's credential declarations as n8n does", async () => {
		await expect(
			runExecute(new HarnessProbe(), { parameters: { url: `${loopback.url}/x` } }),
		).rejects.toThrow('Node does not have any credentials set');

		// Declared, but hidden by its displayOptions while useHeaderAuth is off.
		class ReadsHeaderAuth extends HarnessProbe {
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				await this.getCredentials('webhookHeaderAuthApi');
				return [[]];
			}
		}
		const credentials = { webhookHeaderAuthApi: { name: 'a', secretValue: 'b' } };
		await expect(
			runExecute(new ReadsHeaderAuth(), { parameters: {}, credentials }),
		).rejects.toThrow('Credentials not found');
		await expect(
			runExecute(new ReadsHeaderAuth(), { parameters: { useHeaderAuth: true }, credentials }),
		).resolves.toEqual({ outputs: [[]], hints: [] });
	});

	it('reflects continueOnFail and hands over the cancel signal', async () => {
		const controller = new AbortController();
		let seen: AbortSignal | undefined;
		class SignalProbe extends HarnessProbe {
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				seen = this.getExecutionCancelSignal();
				return [[{ json: { continueOnFail: this.continueOnFail() } }]];
			}
		}
		const on = await runExecute(new SignalProbe(), {
			parameters: {},
			continueOnFail: true,
			abortSignal: controller.signal,
		});
		expect(on.outputs[0][0].json.continueOnFail).toBe(true);
		expect(seen).toBe(controller.signal);
		const off = await runExecute(new SignalProbe(), { parameters: {} });
		expect(off.outputs[0][0].json.continueOnFail).toBe(false);
		expect(seen).toBeUndefined();
	});

	it('rejects with the error the node throws', async () => {
		const run = runExecute(new HarnessProbe(), {
			parameters: { fail: true },
			credentials: secretCredential,
		});
		await expect(run).rejects.toBeInstanceOf(NodeOperationError);
		await expect(run).rejects.toThrow('Told to fail');
	});
});

// ---------------------------------------------------------------- an inline webhook node

/** Checks an x-token header against the credential's secret, on the raw bytes. */
class HarnessHook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Hook',
		name: 'harnessHook',
		group: ['trigger'],
		version: 1,
		description: 'Receives a call',
		defaults: { name: 'Harness Hook' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'webhookSigningSecretApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
		properties: [
			{ displayName: 'Reject Status', name: 'rejectStatus', type: 'number', default: 401 },
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const readBefore = req.rawBody !== undefined;
		if (!readBefore) await req.readRawBody();
		const raw = req.rawBody.toString('utf8');
		const { secret } = await this.getCredentials('webhookSigningSecretApi');
		if (this.getHeaderData()['x-token'] !== secret) {
			this.getResponseObject()
				.status(this.getNodeParameter('rejectStatus') as number)
				.setHeader('X-Reason', 'token')
				.send('Unauthorized');
			return { noWebhookResponse: true };
		}
		return {
			workflowData: [
				[
					{
						json: {
							raw,
							readBefore,
							contentType: req.contentType ?? null,
							body: this.getBodyData(),
							query: this.getQueryData() as never,
						},
					},
				],
			],
		};
	}
}

describe('runWebhook: n8n-core WebhookContext', () => {
	it('writes a rejection through the response object', async () => {
		const { webhookResponse, response } = await runWebhook(new HarnessHook(), {
			parameters: { rejectStatus: 403 },
			credentials: secretCredential,
			request: {
				headers: { 'Content-Type': 'application/json', 'X-Token': 'wrong' },
				rawBody: Buffer.from('{}'),
				body: {},
			},
		});
		expect(webhookResponse).toEqual({ noWebhookResponse: true });
		expect(response).toEqual({
			statusCode: 403,
			headers: { 'x-reason': 'token' },
			body: 'Unauthorized',
			ended: true,
		});
	});

	it('returns workflow data, with the body n8n already read', async () => {
		const { webhookResponse, response } = await runWebhook(new HarnessHook(), {
			parameters: {},
			credentials: secretCredential,
			request: {
				path: '/webhook/hook?x=1',
				headers: { 'content-type': 'application/json; charset=utf-8', 'x-token': 's3cr3t' },
				rawBody: Buffer.from('{"a": 1}'),
				body: { a: 1 },
				query: { x: '1' },
			},
		});
		expect(webhookResponse.workflowData?.[0][0].json).toEqual({
			raw: '{"a": 1}',
			readBefore: true,
			contentType: 'application/json',
			body: { a: 1 },
			query: { x: '1' },
		});
		expect(response.ended).toBe(false);
	});

	it('reads the body when n8n did not (a content type it does not parse)', async () => {
		const { webhookResponse } = await runWebhook(new HarnessHook(), {
			parameters: {},
			credentials: secretCredential,
			request: {
				headers: { 'content-type': 'application/octet-stream', 'x-token': 's3cr3t' },
				pendingRawBody: Buffer.from('raw bytes'),
			},
		});
		expect(webhookResponse.workflowData?.[0][0].json).toMatchObject({
			raw: 'raw bytes',
			readBefore: false,
			contentType: 'application/octet-stream',
			body: {},
		});
	});
});

describe('runCredentialTest: n8n-core CredentialTestContext', () => {
	it("runs the Send Webhook node's credential tests", async () => {
		const node = new SendWebhook();
		await expect(
			runCredentialTest(node, 'webhookSigningSecretTest', 'webhookSigningSecretApi', {
				secret: 's3cr3t',
			}),
		).resolves.toMatchObject({ status: 'OK' });
		await expect(
			runCredentialTest(node, 'webhookSigningSecretTest', 'webhookSigningSecretApi', {
				secret: '',
			}),
		).resolves.toMatchObject({ status: 'Error' });
	});
});

// ---------------------------------------------------------------- n8n-core's HTTP, as transport.ts uses it

/** The fields of the errors n8n-core's HTTP helpers throw (AxiosError, CanceledError, NodeApiError). */
type HttpError = Error & {
	code?: string;
	status?: number;
	response?: { status: number };
	httpCode?: string | null;
	description?: string | null;
	cause?: { code?: string; message?: string };
};

describe('n8n-core 2.41 HTTP helpers, as nodes/SendWebhook/transport.ts uses them', () => {
	interface Outcome {
		response?: IN8nHttpFullResponse;
		error?: HttpError;
	}

	/** One request through the real helper, from inside an ExecuteContext. */
	async function request(
		path: string,
		options: Partial<IHttpRequestOptions> = {},
		run: { withAuthentication?: boolean; executionSignal?: AbortSignal } = {},
	): Promise<Outcome> {
		let outcome: Outcome = {};
		class Once extends HarnessProbe {
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const full: IHttpRequestOptions = {
					url: `${loopback.url}${path}`,
					method: 'POST',
					returnFullResponse: true,
					...options,
				};
				try {
					const response = run.withAuthentication
						? await this.helpers.httpRequestWithAuthentication.call(
								this,
								'webhookHeaderAuthApi',
								full,
							)
						: await this.helpers.httpRequest(full);
					outcome = { response: response as IN8nHttpFullResponse };
				} catch (error) {
					outcome = { error: error as HttpError };
				}
				return [[]];
			}
		}
		await runExecute(new Once(), {
			parameters: { useHeaderAuth: run.withAuthentication === true },
			credentials: { webhookHeaderAuthApi: { name: 'Authorization', secretValue: 'Bearer t' } },
			abortSignal: run.executionSignal,
		});
		return outcome;
	}

	const abortAfter = (ms: number): AbortSignal => AbortSignal.timeout(ms);

	beforeEach(() => {
		loopback.reply = ({ url }, respond) => {
			if (url === '/404') respond(404, 'nope', { 'content-type': 'text/plain' });
			else if (url === '/500') respond(500, 'boom', { 'content-type': 'text/plain' });
			else if (url === '/302') respond(302, '', { location: `${loopback.url}/target` });
			else if (url === '/hang')
				return; // never answers; afterAll closes the socket
			else respond(200, 'héllo', { 'content-type': 'text/plain; charset=utf-8', 'x-a': '1' });
		};
	});

	it('returnFullResponse + encoding arraybuffer: { body: Buffer, headers, statusCode, statusMessage }; a Buffer body is sent as is', async () => {
		const { response } = await request('/ok', {
			body: Buffer.from('{"a":1}'),
			json: false,
			encoding: 'arraybuffer',
			headers: { 'content-type': 'application/json' },
		});
		expect(response?.statusCode).toBe(200);
		expect(response?.statusMessage).toBe('OK');
		expect(Buffer.isBuffer(response?.body)).toBe(true);
		expect((response?.body as Buffer).toString('utf8')).toBe('héllo');
		expect(response?.headers['x-a']).toBe('1');
		expect(loopback.received[0].body.toString()).toBe('{"a":1}');
		expect(loopback.received[0].headers['content-type']).toBe('application/json');
	});

	it('a Buffer body without a Content-Type goes out labelled application/x-www-form-urlencoded (by axios)', async () => {
		await request('/ok', { body: Buffer.from('xyz'), json: false });
		expect(loopback.received[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
		expect(loopback.received[0].body.toString()).toBe('xyz');
	});

	it('an error status throws an AxiosError, unless ignoreHttpStatusErrors makes it the response', async () => {
		const notFound = await request('/404');
		expect(notFound.error?.name).toBe('AxiosError');
		expect(notFound.error?.code).toBe('ERR_BAD_REQUEST');
		expect(notFound.error?.response?.status).toBe(404);
		expect((await request('/500')).error?.code).toBe('ERR_BAD_RESPONSE');

		const ignored = await request('/404', { ignoreHttpStatusErrors: true });
		expect(ignored.error).toBeUndefined();
		expect(ignored.response).toMatchObject({ statusCode: 404, body: 'nope' });
	});

	it('disableFollowRedirect: the 3xx itself is the outcome, and its Location is never requested', async () => {
		const kept = await request('/302', {
			disableFollowRedirect: true,
			ignoreHttpStatusErrors: true,
		});
		expect(kept.response?.statusCode).toBe(302);
		expect(kept.response?.headers.location).toBe(`${loopback.url}/target`);
		// Without ignoreHttpStatusErrors a 3xx is an error like any other status >= 300.
		const thrown = await request('/302', { disableFollowRedirect: true });
		expect(thrown.error?.code).toBe('ERR_BAD_RESPONSE');
		expect(thrown.error?.response?.status).toBe(302);
		expect(loopback.received.map(({ url }) => url)).toEqual(['/302', '/302']);

		// The default follows.
		expect((await request('/302')).response?.statusCode).toBe(200);
		expect(loopback.received.map(({ url }) => url)).toContain('/target');
	});

	describe('header names axios takes for its own never leave as sent (why core/outgoing.ts refuses them)', () => {
		// axios keeps per-method defaults under headers.get, .post, … and .common,
		// merges a config's headers case-insensitively into them, and skips
		// __proto__, constructor and prototype when it merges. A signature header
		// of such a name would go out missing (or renamed), the call unsigned.
		const dropped = [
			'__proto__',
			'constructor',
			'prototype',
			'common',
			'Common',
			'delete',
			'get',
			'GET',
			'head',
			'patch',
			'put',
			'query',
		];
		const sent = ['X-Ok', 'options', 'link', 'toString', 'hasOwnProperty'];

		async function sendWith(names: readonly string[], method: 'POST' | 'PUT' = 'POST') {
			const headers: Record<string, string> = {};
			for (const name of names) {
				// As own properties: a plain assignment of __proto__ would not even make one.
				Object.defineProperty(headers, name, {
					value: `v-${name}`,
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
			expect(Object.keys(headers)).toEqual(names);
			const plain = await request('/ok', { method, headers });
			const authenticated = await request('/ok', { method, headers }, { withAuthentication: true });
			expect(plain.response?.statusCode).toBe(200);
			expect(authenticated.response?.statusCode).toBe(200);
			// As they came off the wire, not as Node parsed them.
			return loopback.received.splice(0).map(({ rawHeaders }) => ({
				names: rawHeaders.filter((_, i) => i % 2 === 0),
				values: rawHeaders.filter((_, i) => i % 2 === 1),
			}));
		}

		it('dropped without an error, by httpRequest and httpRequestWithAuthentication alike', async () => {
			for (const wire of await sendWith([...sent, ...dropped])) {
				const lowerNames = wire.names.map((text) => text.toLowerCase());
				// Sent, though not always as spelled (toString arrives as ToString): names are case-insensitive.
				for (const name of sent) expect(lowerNames).toContain(name.toLowerCase());
				for (const name of dropped) {
					expect(lowerNames).not.toContain(name.toLowerCase());
					// Gone, or (common, merged as the method's defaults) renamed to 0.
					const at = wire.values.indexOf(`v-${name}`);
					if (at !== -1) expect([name, wire.names[at]]).toEqual([name, '0']);
				}
			}
		});

		it("a header named after the request's own method is sent renamed to 0", async () => {
			for (const [name, method] of [
				['post', 'POST'],
				['Post', 'POST'],
				['put', 'PUT'],
			] as const) {
				for (const wire of await sendWith(['X-Ok', name], method)) {
					expect(wire.names).not.toContain(name);
					expect(wire.names[wire.values.indexOf(`v-${name}`)]).toBe('0');
				}
			}
		});
	});

	it('header values outside visible ASCII do not arrive as written (why Send Webhook refuses them)', async () => {
		await request('/ok', {
			headers: {
				'x-cyrillic': 'контакт.создан',
				'x-latin1': 'café',
				'x-crlf': 'a\r\nX-Injected: 1',
				'x-ascii': 'contact.created',
			},
		});
		const [{ headers, rawHeaders }] = loopback.received;
		// axios removes every character above 0xFF (and C0 controls and DEL) without an error.
		expect(headers['x-cyrillic']).toBe('.');
		// Latin-1 goes out as one byte, which a UTF-8 reader cannot read as "é".
		expect(Buffer.from(headers['x-latin1'] as string, 'latin1')).toEqual(
			Buffer.from([0x63, 0x61, 0x66, 0xe9]),
		);
		// CR and LF are removed: no injected header, but not the value given either.
		expect(headers['x-crlf']).toBe('aX-Injected: 1');
		expect(rawHeaders.map((name) => name.toLowerCase())).not.toContain('x-injected');
		expect(headers['x-ascii']).toBe('contact.created');
	});

	it('timeout: an AxiosError with code ECONNABORTED', async () => {
		const { error } = await request('/hang', { timeout: 100 });
		expect(error?.name).toBe('AxiosError');
		expect(error?.code).toBe('ECONNABORTED');
		expect(error?.message).toBe('timeout of 100ms exceeded');
	});

	it('connection refused: an AxiosError with code ECONNREFUSED', async () => {
		const { error } = await request('', { url: 'http://127.0.0.1:1/' });
		expect(error?.code).toBe('ECONNREFUSED');
	});

	it('abortSignal in the options cancels the request; httpRequest does not use the execution signal by itself', async () => {
		const cancelled = await request('/hang', { abortSignal: abortAfter(50) });
		expect(cancelled.error?.name).toBe('CanceledError');
		expect(cancelled.error?.code).toBe('ERR_CANCELED');

		const notCancelled = await request(
			'/hang',
			{ timeout: 300 },
			{ executionSignal: abortAfter(50) },
		);
		expect(notCancelled.error?.code).toBe('ECONNABORTED');
	});

	describe('httpRequestWithAuthentication', () => {
		const auth = { withAuthentication: true };

		it('wraps every failure in a NodeApiError: no .code; httpCode and cause carry it', async () => {
			const timedOut = (await request('/hang', { timeout: 100 }, auth)).error;
			expect(timedOut).toBeInstanceOf(NodeApiError);
			expect(timedOut?.code).toBeUndefined();
			expect(timedOut?.httpCode).toBe('ECONNABORTED');
			expect(timedOut?.cause).toMatchObject({
				code: 'ECONNABORTED',
				message: 'timeout of 100ms exceeded',
			});
			expect(timedOut?.message).toBe('The connection was aborted, perhaps the server is offline');

			const notFound = (await request('/404', {}, auth)).error;
			expect(notFound).toBeInstanceOf(NodeApiError);
			expect(notFound?.httpCode).toBe('404');
			expect(notFound?.message).toBe('The resource you are requesting could not be found');

			const refused = (await request('', { url: 'http://127.0.0.1:1/' }, auth)).error;
			expect(refused?.httpCode).toBe('ECONNREFUSED');
			expect(refused?.cause?.code).toBe('ECONNREFUSED');
		});

		it("replaces the options' abortSignal with the execution's cancel signal", async () => {
			const cancelled = (
				await request('/hang', { timeout: 2000 }, { ...auth, executionSignal: abortAfter(50) })
			).error;
			expect(cancelled?.cause?.code).toBe('ERR_CANCELED');

			// Without an execution signal, a signal in the options is dropped: the timeout ends it instead.
			const ignored = (await request('/hang', { timeout: 300, abortSignal: abortAfter(50) }, auth))
				.error;
			expect(ignored?.cause?.code).toBe('ECONNABORTED');
		});
	});
});
