import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	bodySignatureOf,
	DEFAULT_REJECTION_STATUS,
	IN_PROGRESS_STATUS,
	inspectIncoming,
	receiveInspected,
	type BodySignature,
	type HeaderBag,
	type ReceiveResult,
	type ReplayOptions,
	type RunOutcome,
	type SchemeBase,
} from '../../core';
import { chooseScheme } from '../shared/schemeChoice';
import { DEFAULT_REMEMBER_SECONDS, type DuplicateAnswer } from './description';
import { REJECTION_FIELD } from './execute';
import { replayStoreFor } from './replayStore';
import { verifyingSecrets } from './secrets';

/** Seconds an honest sender is asked to wait before retrying a copy of a call still running. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 10;

interface TriggerOptions {
	includeHeaders?: boolean;
	rawBody?: boolean;
	responseText?: string;
	splitArray?: boolean;
}

/** The parts of express's Response this node reads (express's types are not a dependency). */
interface OutgoingResponse {
	statusCode: number;
	readonly writableEnded?: boolean;
	once?: (event: 'finish', listener: () => void) => unknown;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
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
 * Verified Webhook Trigger's webhook(): checks the call on its exact bytes
 * and either starts the workflow with it, or answers the rejection itself
 * and starts nothing (unless the Rejected output is on, or this is a test
 * run, where the editor shows the refusal).
 */
export async function receiveVerifiedWebhook(
	this: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject() as unknown as IncomingRequest;
	const response = this.getResponseObject() as unknown as OutgoingResponse;
	const read = (name: string, fallback?: unknown) => this.getNodeParameter(name, fallback);
	const options = read('options', {}) as TriggerOptions;
	const rejectedOutput = read('rejectedOutput', false) === true;
	const { body: rawBody, tooLarge } = await readRawBody(request);
	// What proves the call and is not data to pass along: left out of its item.
	const signature: SignatureCarrier = { headers: [] };

	const now = new Date();
	const choice = chooseScheme((name, fallback) => read(name, fallback));
	// Where the provider fixes it (Discord: 401), whatever the node says.
	const rejectionStatus =
		(choice.ok ? choice.resolved?.scheme.rejectionStatus : undefined) ??
		Number(read('rejectionStatus', DEFAULT_REJECTION_STATUS));
	let result: ReceiveResult;
	if (!choice.ok || !choice.resolved) {
		// A trigger that cannot check a signature accepts nothing.
		const detail = choice.ok ? 'No signing scheme is set' : choice.detail;
		result = { ok: false, reason: 'verifier_error', detail, status: 500 };
	} else {
		const { scheme, signatureHeader } = choice.resolved;
		signature.body = bodySignatureOf(scheme);
		if (!signature.body) signature.headers.push(signatureHeader ?? scheme.signatureHeader);
		const call = {
			body: rawBody,
			bodyTooLarge: tooLarge,
			// headersDistinct keeps a header sent twice as two values; Node
			// would otherwise join them into one string with ", ".
			headers: (request.headersDistinct ?? request.headers) as HeaderBag,
			method: request.method,
			// Resolving n8n's webhook URL costs parameter lookups on every
			// call: done only for the schemes that sign it.
			url: signsUrl(scheme) ? publicUrl(this, request) : undefined,
		};
		const toleranceSeconds = readTolerance(read('toleranceSeconds', null));
		// Inspected once. What can be refused without the secret is refused
		// before loading it: n8n builds an expression sandbox to hand a webhook
		// its credential.
		const inspected = inspectIncoming(
			scheme,
			call,
			{ now, toleranceSeconds, signatureHeader },
			rejectionStatus,
		);
		result = inspected.ok
			? await receiveInspected(inspected.call, await verifyingSecrets(this, scheme), {
					replay: replayOptions(this, now, response, rejectionStatus, scheme),
				})
			: inspected;
	}

	// Built only when something will output it: a forged call with no
	// Rejected output costs no JSON parsing.
	const describe = () =>
		describeCall(request, rawBody, signature, options.includeHeaders !== false);
	if (!result.ok) {
		if (result.status === 500) {
			this.logger.warn(
				`${this.getNode().name}: refused a call because of its own configuration: ${result.detail}`,
			);
		}
		response.writeHead(result.status, {
			'content-type': 'application/json; charset=utf-8',
			...(result.status === 401 ? { 'www-authenticate': 'Signature realm="n8n webhook"' } : {}),
			...(result.status === IN_PROGRESS_STATUS
				? { 'retry-after': String(IN_PROGRESS_RETRY_AFTER_SECONDS) }
				: {}),
		});
		response.end(
			JSON.stringify(
				result.status === 200
					? { status: 'duplicate', reason: result.reason }
					: { error: errorText(result.status), reason: result.reason },
			),
		);
		// A refused call starts an execution only to be shown: on the Rejected
		// output, or in a test run, where execute() fails with its reason.
		if (!rejectedOutput && this.getMode() !== 'manual') return { noWebhookResponse: true };
		const rejected: INodeExecutionData = {
			json: {
				...describe(),
				[REJECTION_FIELD]: {
					reason: result.reason,
					detail: result.detail,
					status: result.status,
					...(result.id === undefined ? {} : { id: result.id }),
				},
			},
		};
		return { noWebhookResponse: true, workflowData: [[rejected]] };
	}

	// A verified handshake (Discord's PING, Slack's url_verification, Zoom's
	// endpoint.url_validation) gets the answer receive() made, before and
	// outside replay protection, and runs nothing, in a test run too: n8n's
	// test webhook takes a call that starts no execution for setup or a ping
	// and keeps listening for the real call. So a user who points Slack or
	// Zoom at the test URL sees the provider mark the URL verified, and the
	// next real event in the editor; an item for the handshake would end the
	// test run on it and feed the workflow a call that is no event.
	if (result.handshake) {
		response.writeHead(result.handshake.status, {
			'content-type': result.handshake.contentType,
		});
		response.end(result.handshake.body);
		this.logger.info(
			`${this.getNode().name}: answered a verified ${result.verification.scheme} handshake; no execution started`,
		);
		return { noWebhookResponse: true };
	}

	// From here the call runs: its claim is settled by the answer n8n gives.
	if (result.settle) watchAnswer(response, result.settle);
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
		// One list: execute() sorts verified and refused calls onto their outputs.
		workflowData: [items],
	};
}

/**
 * The tolerance set, or undefined (the scheme's own window) where the
 * parameter is not shown. An expression that gives no number stays NaN, which
 * verify() refuses as our misconfiguration rather than reading as "no window".
 */
function readTolerance(value: unknown): number | undefined {
	return value === null || value === undefined || value === '' ? undefined : Number(value);
}

/**
 * Replay protection's settings, or undefined when it is off. A copy of a
 * call that was processed is answered with 200 (so an honest sender stops
 * retrying) or refused with the rejection status, as the user chose.
 *
 * A scheme whose signature covers no payload (Mailgun) has it on whatever
 * the setting: each token is then remembered for as long as its timestamp
 * is inside the window (receive() keeps it that long), and a copy is
 * acknowledged with 200.
 */
function replayOptions(
	context: IWebhookFunctions,
	now: Date,
	response: OutgoingResponse,
	rejectionStatus: number,
	scheme: SchemeBase,
): ReplayOptions | undefined {
	const chosen = context.getNodeParameter('replayProtection', false) === true;
	if (!chosen && scheme.replay !== 'required') return undefined;
	const answer = chosen
		? (context.getNodeParameter('duplicateAnswer', 'acknowledge') as DuplicateAnswer)
		: 'acknowledge';
	return {
		store: replayStoreFor(scheme, context.getWorkflow().id, context.getNode().id, +now),
		rememberSeconds: chosen
			? Number(context.getNodeParameter('replayMemorySeconds', DEFAULT_REMEMBER_SECONDS))
			: 0,
		duplicateStatus: answer === 'reject' ? rejectionStatus : 200,
		probe: () => answerOutcome(response),
	};
}

/**
 * How the call's run ended, read from the answer n8n gave (or is giving) its
 * sender: a 2xx means the sender will not retry, so the call is processed;
 * anything else (n8n's 500 for a failed run, a Respond to Webhook node's
 * 4xx/5xx) means it will, so its retry must run. n8n ends the response even
 * when the sender hung up first, so the answer is still read then.
 */
function answerOutcome(response: OutgoingResponse): RunOutcome {
	if (response.writableEnded !== true) return 'running';
	return response.statusCode >= 200 && response.statusCode <= 299 ? 'succeeded' : 'failed';
}

function watchAnswer(
	response: OutgoingResponse,
	settle: (outcome: Exclude<RunOutcome, 'running'>) => void,
): void {
	if (typeof response.once !== 'function') {
		// Not a Node response: nothing will report the answer, and a claim
		// left open would refuse the sender's retries. Count the call as
		// processed, as its acceptance says.
		settle('succeeded');
		return;
	}
	response.once('finish', () => {
		const outcome = answerOutcome(response);
		if (outcome !== 'running') settle(outcome);
	});
}

/**
 * The exact bytes received: n8n has read them for JSON, form, text and XML;
 * otherwise read them now. Unreadable for a multipart body (n8n parsed it
 * into fields, the bytes are gone) or one over n8n's N8N_PAYLOAD_SIZE_MAX,
 * which its reader (raw-body) refuses with status 413.
 */
async function readRawBody(
	request: IncomingRequest,
): Promise<{ body: Buffer | undefined; tooLarge: boolean }> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch (error) {
			const status = (error as { status?: unknown } | null)?.status;
			return { body: undefined, tooLarge: status === 413 };
		}
	}
	return { body: request.rawBody, tooLarge: false };
}

function signsUrl(scheme: SchemeBase): boolean {
	return scheme.signedContent.some((part) => part.kind === 'url');
}

/**
 * The URL the sender called, as it signed it (Square, HubSpot v3, Twilio): the
 * origin and path prefix of n8n's public webhook URL (WEBHOOK_URL), then the
 * path and query exactly as they arrived. The arriving path starts with the
 * endpoint n8n served it on (N8N_ENDPOINT_WEBHOOK or _WEBHOOK_TEST), so test
 * and production calls both come out right, with n8n's own settings.
 */
function publicUrl(context: IWebhookFunctions, request: IncomingRequest): string | undefined {
	// n8n 2.x names the URL of the mode the call came in on; 1.x only the production one.
	const resourceUrl = (context as Partial<Pick<IWebhookFunctions, 'getWebhookResourceUrl'>>)
		.getWebhookResourceUrl;
	const registered =
		typeof resourceUrl === 'function'
			? resourceUrl.call(context, 'default')
			: context.getNodeWebhookUrl('default');
	if (!registered) return undefined;
	let origin: string;
	let registeredPath: string[];
	try {
		const parsed = new URL(registered);
		origin = parsed.origin;
		registeredPath = parsed.pathname.split('/');
	} catch {
		return undefined;
	}
	const raw = request.originalUrl ?? request.url ?? '';
	const queryAt = raw.indexOf('?');
	const arrivedPath = (queryAt < 0 ? raw : raw.slice(0, queryAt)).split('/');
	// Segments of the webhook's own path, after the endpoint in both URLs.
	const own = webhookPathSegments(context);
	const endpointSegments = arrivedPath.length - 1 - own;
	const prefixSegments = registeredPath.length - own - endpointSegments;
	if (endpointSegments < 0 || prefixSegments < 1) return undefined;
	const path = [...registeredPath.slice(0, prefixSegments), ...arrivedPath.slice(1)].join('/');
	return origin + path + (queryAt < 0 ? '' : raw.slice(queryAt));
}

/** How many segments the path n8n registered for this node has (see NodeHelpers.getNodeWebhookPath). */
function webhookPathSegments(context: IWebhookFunctions): number {
	const path = String(context.getNodeParameter('path', '') ?? '').replace(/^\//, '');
	// A path with :parameters is registered under the node's webhook id.
	const dynamic = path.startsWith(':') || path.includes('/:');
	return (path === '' ? 1 : path.split('/').length) + (dynamic ? 1 : 0);
}

/** Where a call's signature travelled: headers, or fields of the body (Mailgun). */
interface SignatureCarrier {
	readonly headers: string[];
	body?: BodySignature;
}

function describeCall(
	request: IncomingRequest,
	rawBody: Buffer | undefined,
	signature: SignatureCarrier,
	includeHeaders: boolean,
): IDataObject {
	const body = parseBody(rawBody, request);
	const call: IDataObject = {
		body: (signature.body ? withoutSignature(body, signature.body) : body) as IDataObject,
		query: (request.query ?? {}) as IDataObject,
		params: (request.params ?? {}) as IDataObject,
	};
	if (includeHeaders) {
		// The signature proves the call; it is not data to pass along.
		const hidden = new Set(signature.headers.map((name) => name.toLowerCase()));
		call.headers = Object.fromEntries(
			Object.entries(request.headers).filter(([name]) => !hidden.has(name.toLowerCase())),
		) as IDataObject;
	}
	return call;
}

/**
 * The body without the signature it carried (Mailgun): the JSON body's
 * signature member, or a form's signature fields. Mailgun's signature covers
 * no data, so one shown in an execution could be put on other data and sent
 * to any trigger that has not seen its token (another n8n process, or after a
 * restart). Its token and timestamp stay on the item, under `verification`.
 */
function withoutSignature(body: unknown, spec: BodySignature): unknown {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
	const hidden = [spec.jsonMember, spec.signatureField, ...spec.alternateSignatureFields];
	return Object.fromEntries(Object.entries(body).filter(([name]) => !hidden.includes(name)));
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
	if (status === 413) return 'Payload Too Large';
	if (status === 415) return 'Unsupported Media Type';
	if (status === 500) return 'Webhook receiver is not configured';
	return status === 403 ? 'Forbidden' : 'Unauthorized';
}
