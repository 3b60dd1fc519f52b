/**
 * The call as it arrived, read the way its sender signed it: the exact raw
 * bytes, the headers as sent, and the public URL it called.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import type { HeaderBag, Scheme } from '../../core';

/** The parts of express's Request this node reads (express's types are not a dependency). */
export interface IncomingRequest {
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

/** The bytes received, or why there are none: over n8n's size limit, or read for a multipart form. */
export interface RawBody {
	readonly body: Buffer | undefined;
	readonly tooLarge: boolean;
}

/**
 * The exact bytes received: n8n has read them for JSON, form, text and XML;
 * otherwise read them now. Unreadable for a multipart body (n8n parsed it
 * into fields, the bytes are gone) or one over n8n's N8N_PAYLOAD_SIZE_MAX,
 * which its reader (raw-body) refuses with status 413.
 */
export async function readRawBody(request: IncomingRequest): Promise<RawBody> {
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

/** The call as the core inspects it, for `scheme`. */
export function incomingCall(
	context: IWebhookFunctions,
	request: IncomingRequest,
	{ body, tooLarge }: RawBody,
	scheme: Scheme,
) {
	return {
		body,
		bodyTooLarge: tooLarge,
		// headersDistinct keeps a header sent twice as two values; Node
		// would otherwise join them into one string with ", ".
		headers: (request.headersDistinct ?? request.headers) as HeaderBag,
		method: request.method,
		// Resolving n8n's webhook URL costs parameter lookups on every
		// call: done only for the schemes that sign it.
		url: signsUrl(scheme) ? publicUrl(context, request) : undefined,
	};
}

function signsUrl(scheme: Scheme): boolean {
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
