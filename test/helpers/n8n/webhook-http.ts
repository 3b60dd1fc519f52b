/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code: it runs in Node, never inside n8n */
/**
 * The request and response objects a webhook node gets from
 * getRequestObject() / getResponseObject(). In n8n they are express's; here
 * they carry what n8n 2.41 gives a node, without a socket:
 * - the request: method, url, path, headers with lower-case names (as Node
 *   gives them), headersDistinct, rawHeaders, query, params, body, and the
 *   fields n8n's rawBodyReader middleware adds (contentType and encoding, from
 *   n8n's own parseIncomingMessage; rawBody; readRawBody()). n8n parses JSON,
 *   form, text and XML bodies before webhook() runs, which also sets rawBody;
 *   for any other content type rawBody is undefined until the node calls
 *   `await req.readRawBody()`.
 * - the response: records status, headers and body written through the
 *   express and Node methods nodes use, for the test to read back, and
 *   behaves as Node's ServerResponse does where a node can observe it:
 *   writableEnded, and 'finish' then 'close' when it ends; or, when the
 *   caller hangs up first, 'close' alone, after which end() still sets
 *   writableEnded and statusCode but emits no 'finish'.
 */
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';

import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { parseIncomingMessage } from './services';

export interface WebhookRequestOptions {
	/** Default POST. */
	readonly method?: IHttpRequestMethods;
	/** Path and query string as the client sent it; default /webhook/test. */
	readonly path?: string;
	/** Any case; the node sees lower-case names. */
	readonly headers?: Readonly<Record<string, string | readonly string[]>>;
	/** The bytes as n8n already read them (n8n 2.x does this for JSON, form, text and XML). */
	readonly rawBody?: Buffer;
	/** The bytes readRawBody() reads when rawBody is undefined; default none (an empty body). */
	readonly pendingRawBody?: Buffer;
	/** The parsed body; default {} as n8n leaves it when it did not parse. */
	readonly body?: unknown;
	readonly query?: Readonly<Record<string, string | readonly string[]>>;
	readonly params?: Readonly<Record<string, string>>;
}

/** What the node wrote to the response object. */
export interface RecordedResponse {
	statusCode: number;
	/** Lower-case names. */
	headers: Record<string, string | number | readonly string[]>;
	/** What send(), json() or end() got; json() keeps the value, not its text. */
	body: unknown;
	/** Whether send(), json(), sendStatus() or end() was called. */
	ended: boolean;
}

/** The request object, typed loosely as nodes read it (express's types are not installed). */
export interface WebhookRequest extends IDataObject {
	rawBody?: Buffer;
	readRawBody(): Promise<void>;
}

export function buildRequest(options: WebhookRequestOptions): WebhookRequest {
	const rawHeaders: string[] = [];
	const headers: Record<string, string> = {};
	const headersDistinct: Record<string, string[]> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) {
		const values = typeof value === 'string' ? [value] : [...value];
		const key = name.toLowerCase();
		for (const v of values) rawHeaders.push(name, v);
		headersDistinct[key] = [...(headersDistinct[key] ?? []), ...values];
		// Node joins repeated headers with ", " (set-cookie aside, which a request does not carry).
		headers[key] = headersDistinct[key].join(', ');
	}
	const url = options.path ?? '/webhook/test';
	const request: WebhookRequest = {
		method: options.method ?? 'POST',
		url,
		originalUrl: url,
		path: url.split('?')[0],
		headers,
		headersDistinct,
		rawHeaders,
		query: { ...(options.query ?? {}) },
		params: { ...(options.params ?? {}) },
		body: (options.body ?? {}) as IDataObject,
		rawBody: options.rawBody,
		_body: options.rawBody !== undefined,
		get: (name: string) => headers[name.toLowerCase()],
		header: (name: string) => headers[name.toLowerCase()],
		// As n8n's rawBodyReader: read once, only when nothing has been read yet.
		readRawBody: async () => {
			if (!request.rawBody) {
				request.rawBody = options.pendingRawBody ?? Buffer.alloc(0);
				request._body = true;
			}
		},
	};
	parseIncomingMessage(request as unknown as Parameters<typeof parseIncomingMessage>[0]);
	return request;
}

/** What a test can do to the response besides what the node does: the two ways a call ends. */
export interface ResponseControl {
	/** n8n answers (unless the node already did), as after the workflow's run or on receipt. */
	answer(status: number, body?: unknown): void;
	/** The caller hangs up before any answer: 'close' without 'finish'. */
	hangUp(): void;
}

/** A recorder with the express and Node response methods, each returning itself as express's do. */
export function buildResponse(): {
	response: IDataObject;
	recorded: RecordedResponse;
	control: ResponseControl;
} {
	const recorded: RecordedResponse = {
		statusCode: 200,
		headers: {},
		body: undefined,
		ended: false,
	};
	const events = new EventEmitter();
	let closed = false;
	const setHeaders = (fields: Record<string, string | number | readonly string[]>) => {
		for (const [name, value] of Object.entries(fields))
			recorded.headers[name.toLowerCase()] = value;
	};
	const finish = (body: unknown) => {
		if (recorded.ended) throw new Error('The node wrote to the response after it had ended');
		recorded.ended = true;
		if (body !== undefined) recorded.body = body;
		if (closed) return; // the socket is gone: nothing is sent, no 'finish'
		closed = true;
		events.emit('finish');
		events.emit('close');
	};
	const control: ResponseControl = {
		answer: (status, body) => {
			if (recorded.ended) return;
			recorded.statusCode = status;
			finish(body);
		},
		hangUp: () => {
			if (closed) return;
			closed = true;
			events.emit('close');
		},
	};
	const response: IDataObject = {
		get writableEnded() {
			return recorded.ended;
		},
		on: (event: string, listener: () => void) => {
			events.on(event, listener);
			return response;
		},
		once: (event: string, listener: () => void) => {
			events.once(event, listener);
			return response;
		},
		get statusCode() {
			return recorded.statusCode;
		},
		set statusCode(code: number) {
			recorded.statusCode = code;
		},
		get headersSent() {
			return recorded.ended;
		},
		status: (code: number) => {
			recorded.statusCode = code;
			return response;
		},
		sendStatus: (code: number) => {
			recorded.statusCode = code;
			finish(STATUS_CODES[code] ?? String(code));
			return response;
		},
		setHeader: (name: string, value: string | number | readonly string[]) => {
			setHeaders({ [name]: value });
			return response;
		},
		getHeader: (name: string) => recorded.headers[name.toLowerCase()],
		removeHeader: (name: string) => {
			delete recorded.headers[name.toLowerCase()];
		},
		header: (field: string | Record<string, string>, value?: string) => {
			setHeaders(typeof field === 'string' ? { [field]: value ?? '' } : field);
			return response;
		},
		set: (field: string | Record<string, string>, value?: string) => {
			setHeaders(typeof field === 'string' ? { [field]: value ?? '' } : field);
			return response;
		},
		type: (contentType: string) => {
			setHeaders({ 'content-type': contentType });
			return response;
		},
		writeHead: (code: number, ...rest: unknown[]) => {
			recorded.statusCode = code;
			const fields = rest.find((arg) => typeof arg === 'object' && arg !== null);
			if (fields) setHeaders(fields as Record<string, string>);
			return response;
		},
		send: (body?: unknown) => {
			finish(body);
			return response;
		},
		json: (body: unknown) => {
			recorded.headers['content-type'] ??= 'application/json; charset=utf-8';
			finish(body);
			return response;
		},
		end: (body?: unknown) => {
			// A second end() without data is harmless in Node; anything else is a bug in the node.
			if (!recorded.ended || body !== undefined) finish(body);
			return response;
		},
	};
	return { response, recorded, control };
}
