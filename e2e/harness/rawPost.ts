/* eslint-disable @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it sends calls to a real n8n over node:http */
/**
 * One webhook call to n8n over node:http, through a caller's Agent, the body
 * sent as the exact bytes given: what the load tests and the soak need where
 * fetch would pool connections its own way (the soak opens one per call; the
 * load tests keep a bounded keep-alive pool).
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface Call {
	readonly body: Buffer;
	readonly headers: Record<string, string>;
}

export interface Answer {
	readonly status: number;
	readonly body: string;
	readonly headers: IncomingHttpHeaders;
}

/** POSTs `call` to /webhook/<path> on 127.0.0.1:<port>; rejects on a socket error or no answer in 60 s. */
export async function postCall(
	agent: Agent,
	port: string,
	path: string,
	call: Call,
): Promise<Answer> {
	return await new Promise((resolve, reject) => {
		const request = httpRequest(
			{
				host: '127.0.0.1',
				port,
				path: `/webhook/${path}`,
				method: 'POST',
				agent,
				headers: { ...call.headers, 'content-length': String(call.body.length) },
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8'),
						headers: response.headers,
					}),
				);
			},
		);
		request.on('error', reject);
		request.setTimeout(60_000, () => request.destroy(new Error(`no answer in 60 s on ${path}`)));
		request.end(call.body);
	});
}
