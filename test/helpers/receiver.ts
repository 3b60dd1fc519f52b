/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * A real HTTP receiver on 127.0.0.1 that records every call byte for byte and
 * answers as a script says: a status, a slow answer, a hang, a reset. The
 * node under test talks to it over a real socket, so retries, timeouts and
 * redirects are n8n's HTTP stack meeting a real server, not a mock.
 */
import {
	createServer,
	type IncomingHttpHeaders,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedCall {
	/** 1 for the first call this receiver got. */
	readonly n: number;
	readonly method: string;
	/** Path and query, as sent. */
	readonly url: string;
	readonly headers: IncomingHttpHeaders;
	readonly body: Buffer;
	/** Date.now() when the request line arrived. */
	readonly at: number;
}

export type Answer =
	| {
			readonly status: number;
			readonly headers?: Record<string, string>;
			readonly body?: string;
			/** Wait this long before answering. */
			readonly delayMs?: number;
	  }
	/** Destroy the socket without an answer: the sender sees ECONNRESET. */
	| 'reset'
	/** Never answer: the sender's timeout must fire. */
	| 'hang';

export type Script = (call: ReceivedCall) => Answer;

export interface Receiver {
	readonly url: string;
	readonly calls: ReceivedCall[];
	/** Replaces the script for the calls that follow. */
	answer(script: Script): void;
	close(): Promise<void>;
}

export const ok: Script = () => ({
	status: 200,
	body: '{"ok":true}',
	headers: { 'content-type': 'application/json' },
});

/** Answers the n-th call with answers[n-1], then the last answer forever. */
export function sequence(...answers: Answer[]): Script {
	return (call) => answers[Math.min(call.n, answers.length) - 1];
}

export async function startReceiver(script: Script = ok): Promise<Receiver> {
	const calls: ReceivedCall[] = [];
	const sockets = new Set<Socket>();
	let current = script;

	const server: Server = createServer((req, res) => {
		const at = Date.now();
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const call: ReceivedCall = {
				n: calls.length + 1,
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks),
				at,
			};
			calls.push(call);
			respond(current(call), res);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		calls,
		answer: (next) => {
			current = next;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

function respond(answer: Answer, res: ServerResponse): void {
	if (answer === 'hang') return;
	if (answer === 'reset') {
		res.socket?.destroy();
		return;
	}
	const send = () => {
		res.writeHead(answer.status, answer.headers);
		res.end(answer.body ?? '');
	};
	if (answer.delayMs) {
		const timer = setTimeout(send, answer.delayMs);
		res.on('close', () => clearTimeout(timer));
	} else {
		send();
	}
}

/** A header's single value, failing the test when it is absent or repeated. */
export function header(call: ReceivedCall, name: string): string {
	const value = call.headers[name.toLowerCase()];
	if (typeof value !== 'string')
		throw new Error(`call ${call.n} has no single ${name} header (${JSON.stringify(value)})`);
	return value;
}
