import {
	sleep,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { AttemptOutcome, HeaderBag } from '../../core';
import { HEADER_AUTH_CREDENTIAL } from '../shared/credentialData';

/** The HTTP request of one attempt at a call, signed. */
export interface AttemptRequest {
	readonly url: string;
	readonly method: IHttpRequestMethods;
	readonly headers: Record<string, string>;
	/** The exact bytes that were signed. */
	readonly body: Buffer;
	/** The JSON the body carries, before a signature in the body: what the log keeps. */
	readonly payloadText?: string;
}

export interface TransportSettings {
	readonly timeoutMs: number;
	readonly useHeaderAuth: boolean;
	readonly responseBodyLimit: number;
}

/**
 * One attempt through n8n's own HTTP helper (proxy settings, SSRF guard and
 * all), as an outcome: never throws. Redirects are not followed, so a signed
 * body never goes on to a host that was not chosen. Error texts are taken
 * from the error's code and message only: the request config (our headers,
 * with signatures and auth) is never copied out of an error.
 */
export async function sendAttempt(
	context: IExecuteFunctions,
	request: AttemptRequest,
	settings: TransportSettings,
): Promise<AttemptOutcome> {
	const options: IHttpRequestOptions = {
		url: request.url,
		method: request.method,
		headers: request.headers,
		body: request.body,
		json: false,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: settings.timeoutMs,
		abortSignal: context.getExecutionCancelSignal(),
	};
	try {
		const response = (
			settings.useHeaderAuth
				? await context.helpers.httpRequestWithAuthentication.call(
						context,
						HEADER_AUTH_CREDENTIAL,
						options,
					)
				: await context.helpers.httpRequest(options)
		) as IN8nHttpFullResponse;
		return {
			kind: 'response',
			status: response.statusCode,
			headers: response.headers as HeaderBag,
			body: truncate(decodeBody(response.body), settings.responseBodyLimit),
		};
	} catch (error) {
		return describeFailure(error);
	}
}

/** The cause an HTTP error carries: httpRequestWithAuthentication wraps axios errors in NodeApiError. */
function describeFailure(error: unknown): AttemptOutcome {
	const outer = error as {
		code?: unknown;
		message?: unknown;
		cause?: { code?: unknown; message?: unknown };
	};
	const source = typeof outer.code === 'string' ? outer : (outer.cause ?? outer);
	const code = typeof source.code === 'string' ? source.code : 'REQUEST_FAILED';
	const message = typeof source.message === 'string' ? source.message : String(error);
	return { kind: 'error', code: code === 'ECONNABORTED' ? 'TIMEOUT' : code, message };
}

function decodeBody(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return typeof body === 'string' ? body : JSON.stringify(body);
}

function truncate(text: string, limit: number): string {
	if (limit <= 0) return '';
	return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** Waits between attempts, each of which can be ended early. */
export interface RetryWaits {
	/**
	 * Waits `ms` before the next attempt of a call to `destination`. Resolves
	 * (never rejects) when the time is up, when the execution is cancelled,
	 * or when the destination is given up on (interrupt): deliver() then asks
	 * its bounds whether to go on.
	 */
	wait(ms: number, destination: string): Promise<void>;
	/** Ends at once every wait in progress for calls to `destination`. */
	interrupt(destination: string): void;
}

/**
 * Each wait gets an AbortController of its own, handed to n8n's sleep(): on
 * n8n 2.x that clears the wait's timer when it is ended early; 1.x's sleep()
 * ignores the signal, so the wait also listens to it here and ends at once on
 * either (on 1.x its timer then runs out on its own, harmlessly). One listener
 * on the execution's cancel signal serves all the waits in progress, so many
 * calls in flight do not pile listeners onto it, and it is removed when no
 * wait is left, so a node run many times in one execution leaves none behind.
 */
export function retryWaits(context: IExecuteFunctions): RetryWaits {
	const signal = context.getExecutionCancelSignal();
	const waiting = new Map<AbortController, string>();
	const endAll = () => {
		for (const controller of [...waiting.keys()]) controller.abort();
	};
	return {
		wait: async (ms, destination) => {
			if (signal?.aborted) return;
			const controller = new AbortController();
			if (waiting.size === 0) signal?.addEventListener('abort', endAll);
			waiting.set(controller, destination);
			try {
				await new Promise<void>((resolve) => {
					controller.signal.addEventListener('abort', () => resolve(), { once: true });
					// Rejects only when ended early, which the listener above has answered.
					sleep(ms, controller.signal).then(resolve, resolve);
				});
			} finally {
				waiting.delete(controller);
				if (waiting.size === 0) signal?.removeEventListener('abort', endAll);
			}
		},
		interrupt: (destination) => {
			for (const [controller, waitingFor] of [...waiting]) {
				if (waitingFor === destination) controller.abort();
			}
		},
	};
}
