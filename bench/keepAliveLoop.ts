/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: a plain Node program, never inside n8n */
/**
 * The practical limit: a plain node:http loop with a keep-alive agent that
 * POSTs each record, HMAC-signed as Standard Webhooks asks, `concurrency` at
 * a time. Run as its own process on n8n's Node, so it meets the receiver on
 * the same terms n8n does. Prints {"ms": …} for the sends alone.
 *
 * usage: node keepAliveLoop.js <url> <count> <concurrency> <whsec secret>
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

import { makeRecord } from './workload';

async function main(): Promise<void> {
	const [url, countText, concurrencyText, secret] = process.argv.slice(2);
	const count = Number(countText);
	const concurrency = Number(concurrencyText);
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const bodies = Array.from({ length: count }, (_, i) => JSON.stringify(makeRecord(i)));

	const post = async (i: number) => {
		const body = bodies[i];
		const id = `msg_loop_${i}`;
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = createHmac('sha256', key)
			.update(`${id}.${timestamp}.${body}`)
			.digest('base64');
		await new Promise<void>((resolve, reject) => {
			const req = request(
				url,
				{
					method: 'POST',
					agent,
					headers: {
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(body),
						'webhook-id': id,
						'webhook-timestamp': timestamp,
						'webhook-signature': `v1,${signature}`,
					},
				},
				(res) => {
					res.resume();
					res.on('end', () =>
						res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
					);
				},
			);
			req.on('error', reject);
			req.end(body);
		});
	};

	const start = process.hrtime.bigint();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count) await post(next++);
		}),
	);
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	agent.destroy();
	process.stdout.write(JSON.stringify({ ms }));
}

main().catch((error: Error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
