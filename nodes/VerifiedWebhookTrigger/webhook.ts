import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	DEFAULT_REJECTION_STATUS,
	DEFAULT_TOLERANCE_SECONDS,
	ReplayGuard,
	receive,
	type HeaderBag,
	type ReceiveResult,
	type SchemeDefinition,
	type SecretSet,
} from '../../core';
import { chooseScheme, SIGNING_SECRET_CREDENTIAL, toSecretSet } from '../shared/signing';

/**
 * Ids of accepted calls, per n8n process. A module-level store because a
 * node instance does not outlive one call; shared by every trigger in the
 * process, each under its own scope (workflow and node id).
 */
const replayGuard = new ReplayGuard();

interface TriggerOptions {
	includeHeaders?: boolean;
	rawBody?: boolean;
	responseText?: string;
	splitArray?: boolean;
}

/** The parts of express's Request this node reads (express's types are not a dependency). */
interface IncomingRequest {
	method?: string;
	originalUrl?: string;
	url?: string;
	headers: Record<string, string | string[] | undefined>;
	headersDistinct?: Record<string, string[] | undefined>;
	query?: unknown;
	params?: unknown;
	body?: unknown;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/**
 * Webhook Trigger (Verified)'s webhook(): checks the call on its exact bytes
 * and either starts the workflow with it, or answers the rejection itself
 * and starts nothing (unless the Rejected output is on).
 */
export async function receiveVerifiedWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject() as unknown as IncomingRequest;
	const read = (name: string, fallback?: unknown) => this.getNodeParameter(name, fallback);
	const options = read('options', {}) as TriggerOptions;
	const rejectedOutput = read('rejectedOutput', false) === true;
	const rawBody = await readRawBody(request);
	const signatureHeaderNames: string[] = [];

	let result: ReceiveResult;
	const choice = chooseScheme((name, fallback) => read(name, fallback));
	if (!choice.ok || !choice.resolved) {
		// A trigger that cannot check a signature accepts nothing.
		const detail = choice.ok ? 'No signing scheme is set' : choice.message;
		result = { accepted: false, reason: 'verifier_error', detail, status: 500 };
	} else {
		const { scheme, signatureHeader } = choice.resolved;
		signatureHeaderNames.push(signatureHeader ?? scheme.signatureHeader);
		const node = this.getNode();
		result = receive(
			scheme,
			await readSecrets(this),
			{
				body: rawBody,
				// headersDistinct keeps a header sent twice as two values; Node
				// would otherwise join them into one string with ", ".
				headers: (request.headersDistinct ?? request.headers) as HeaderBag,
				method: request.method,
				// Resolving n8n's webhook URL costs parameter lookups on every
				// call: done only for the schemes that sign it.
				url: signsUrl(scheme) ? publicUrl(this, request) : undefined,
			},
			{
				now: new Date(),
				toleranceSeconds: Number(read('toleranceSeconds', DEFAULT_TOLERANCE_SECONDS)),
				signatureHeader,
				replayGuard: read('replayProtection', false) === true ? replayGuard : undefined,
				replayScope: `${this.getWorkflow().id ?? ''}/${node.id}`,
			},
			Number(read('rejectionStatus', DEFAULT_REJECTION_STATUS)),
		);
	}

	// Built only when something will output it: a forged call with no
	// Rejected output costs no JSON parsing.
	const describe = () =>
		describeCall(request, rawBody, signatureHeaderNames, options.includeHeaders !== false);
	if (!result.accepted) {
		if (result.status === 500) {
			this.logger.warn(
				`${this.getNode().name}: refused a call because of its own configuration: ${result.detail}`,
			);
		}
		const response = this.getResponseObject();
		response.writeHead(result.status, {
			'content-type': 'application/json; charset=utf-8',
			...(result.status === 401 ? { 'www-authenticate': 'Signature realm="n8n webhook"' } : {}),
		});
		response.end(JSON.stringify({ error: errorText(result.status), reason: result.reason }));
		if (!rejectedOutput) return { noWebhookResponse: true };
		const rejected: INodeExecutionData = {
			json: {
				...describe(),
				rejection: {
					reason: result.reason,
					detail: result.detail,
					status: result.status,
					...(result.id === undefined ? {} : { id: result.id }),
				},
			},
		};
		return { noWebhookResponse: true, workflowData: [[], [rejected]] };
	}

	const items = toItems(describe(), { ...result.verification }, options.splitArray === true);
	if (options.rawBody && rawBody) {
		const contentType =
			typeof request.headers['content-type'] === 'string'
				? request.headers['content-type']
				: undefined;
		items[0].binary = {
			data: await this.helpers.prepareBinaryData(rawBody, undefined, contentType),
		};
	}
	const responseText =
		read('responseMode', 'onReceived') === 'onReceived' ? options.responseText : undefined;
	return {
		...(responseText ? { webhookResponse: responseText } : {}),
		workflowData: rejectedOutput ? [items, []] : [items],
	};
}

/** The exact bytes received: n8n has read them for JSON, form, text and XML; otherwise read them now. */
async function readRawBody(request: IncomingRequest): Promise<Buffer | undefined> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch {
			return undefined; // multipart: n8n parsed it into fields, the bytes are gone
		}
	}
	return request.rawBody;
}

async function readSecrets(context: IWebhookFunctions): Promise<SecretSet> {
	try {
		return toSecretSet(
			await context.getCredentials<ICredentialDataDecryptedObject>(SIGNING_SECRET_CREDENTIAL),
		);
	} catch {
		// No credential chosen: an empty set, which verify() answers with no_secret.
		return {};
	}
}

function signsUrl(scheme: SchemeDefinition): boolean {
	return scheme.signedContent.some((part) => part.kind === 'url');
}

/** The URL the sender called, as it signed it (Square, HubSpot v3): n8n's public URL plus the query. */
function publicUrl(context: IWebhookFunctions, request: IncomingRequest): string | undefined {
	let base = context.getNodeWebhookUrl('default');
	if (!base) return undefined;
	if (context.getMode() === 'manual') base = base.replace('/webhook/', '/webhook-test/');
	const raw = request.originalUrl ?? request.url ?? '';
	const query = raw.indexOf('?');
	return query < 0 ? base : base + raw.slice(query);
}

function describeCall(
	request: IncomingRequest,
	rawBody: Buffer | undefined,
	signatureHeaders: readonly string[],
	includeHeaders: boolean,
): IDataObject {
	const call: IDataObject = {
		body: parseBody(rawBody, request) as IDataObject,
		query: (request.query ?? {}) as IDataObject,
		params: (request.params ?? {}) as IDataObject,
	};
	if (includeHeaders) {
		// The signature proves the call; it is not data to pass along.
		const hidden = new Set(signatureHeaders.map((name) => name.toLowerCase()));
		call.headers = Object.fromEntries(
			Object.entries(request.headers).filter(([name]) => !hidden.has(name.toLowerCase())),
		) as IDataObject;
	}
	return call;
}

/** JSON when the bytes are JSON, n8n's parsed form for a form, text otherwise. */
function parseBody(rawBody: Buffer | undefined, request: IncomingRequest): unknown {
	if (!rawBody || rawBody.length === 0) return {};
	const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
	const text = rawBody.toString('utf8');
	if (contentType === '' || contentType.includes('json') || contentType.includes('octet-stream')) {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}
	if (
		contentType.includes('x-www-form-urlencoded') &&
		typeof request.body === 'object' &&
		request.body !== null
	) {
		return request.body;
	}
	return text;
}

function toItems(
	call: IDataObject,
	verification: IDataObject,
	splitArray: boolean,
): INodeExecutionData[] {
	if (splitArray && Array.isArray(call.body) && call.body.length > 0) {
		return (call.body as unknown[]).map((record) => ({
			json: { ...call, body: record as IDataObject, verification },
		}));
	}
	return [{ json: { ...call, verification } }];
}

function errorText(status: number): string {
	if (status === 415) return 'Unsupported Media Type';
	if (status === 500) return 'Webhook receiver is not configured';
	return status === 403 ? 'Forbidden' : 'Unauthorized';
}
