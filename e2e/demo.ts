/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it runs in Node to install and drive n8n */
/**
 * npm run demo: a real n8n with this package and the example workflows,
 * some signed calls sent through it, what happened printed, and n8n left
 * running for you to explore until Ctrl-C.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEMO_SECRETS, deployExamples } from './harness/examples';
import { ensureN8n, TARGETS } from './harness/install';
import { log } from './harness/log';
import { N8n, OWNER, outputItems } from './harness/n8n';
import { buildAndPack, installPackage } from './harness/package';

const PORT = Number(process.env.DEMO_PORT ?? 5678);

async function main(): Promise<void> {
	const installed = ensureN8n(TARGETS['2.x']);
	const tarball = buildAndPack();
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-signed-webhooks-demo-'));
	installPackage(userFolder, tarball);

	log(
		`starting n8n ${installed.target.n8nVersion} on http://127.0.0.1:${PORT} (user folder ${userFolder})`,
	);
	const n8n = await N8n.start({ installed, port: PORT, userFolder });
	const stop = async () => {
		log('stopping n8n');
		await n8n.stop();
		process.exit(0);
	};
	process.once('SIGINT', () => void stop());
	process.once('SIGTERM', () => void stop());

	try {
		await n8n.signIn();
		const ids = await deployExamples(n8n);
		const receiverId = ids.get('receive-goodfit.json')!;
		const senderId = ids.get('send-signed-batches.json')!;
		const connectGainId = ids.get('receive-connectgain.json')!;

		print('\n1. Send Webhook: 450 records, signed batches of up to 200, to the GoodFit receiver');
		const records = Array.from({ length: 450 }, (_, i) => ({
			domain: `company${i}.example`,
			score: i % 100,
		}));
		await post(`${n8n.baseUrl}/webhook/demo-send`, JSON.stringify({ records }), {
			'content-type': 'application/json',
		});
		const [sent] = await n8n.waitForExecutions(senderId, 1);
		const delivered = outputItems(sent, 'Send Webhook', 0);
		const failed = outputItems(sent, 'Send Webhook', 1);
		const calls = new Map<number, number>();
		for (const item of delivered) {
			const batch = (item.webhookDelivery as { batch: { index: number; size: number } }).batch;
			calls.set(batch.index, batch.size);
		}
		print(
			`   Delivered: ${delivered.length} items in ${calls.size} calls of ${[...calls.values()].join(', ')} records; Failed: ${failed.length}`,
		);
		const received = await n8n.waitForExecutions(receiverId, calls.size);
		const receivedItems = received.reduce(
			(sum, execution) => sum + outputItems(execution, 'Webhook Trigger (Verified)').length,
			0,
		);
		print(
			`   The verified GoodFit trigger ran ${received.length} executions with ${receivedItems} records in all`,
		);

		print(
			'\n2. A call signed as ConnectGain signs (HMAC-SHA256 of the body), and the same call tampered',
		);
		const envelope = JSON.stringify({
			event: 'contact.created',
			timestamp: new Date().toISOString(),
			data: { id: 'uuid-here', first_name: 'John', last_name: 'Doe' },
		});
		const signature = createHmac('sha256', DEMO_SECRETS['ConnectGain webhook secret'])
			.update(envelope)
			.digest('hex');
		const headers = {
			'content-type': 'application/json',
			'x-webhook-event': 'contact.created',
			'x-webhook-signature': signature,
		};
		const valid = await post(`${n8n.baseUrl}/webhook/connectgain`, envelope, headers);
		print(`   valid call    → ${valid.status} ${valid.body}`);
		const tampered = await post(
			`${n8n.baseUrl}/webhook/connectgain`,
			envelope.replace('John', 'Jane'),
			headers,
		);
		print(`   tampered call → ${tampered.status} ${tampered.body}`);
		const replayed = await post(`${n8n.baseUrl}/webhook/connectgain`, envelope, headers);
		print(
			`   same valid call again (replay protection is on in this example: a duplicate is answered 200 and starts nothing) → ${replayed.status} ${replayed.body}`,
		);
		const connectGainRuns = await n8n.waitForExecutions(connectGainId, 1);
		await sleepMs(1000);
		print(
			`   executions of the ConnectGain workflow: ${(await n8n.executions(connectGainId, false)).length} (only the valid call started one: ${connectGainRuns.length === 1 ? 'yes' : 'no'})`,
		);

		print(
			`\nn8n is running: open http://127.0.0.1:${PORT} and sign in as ${OWNER.email} / ${OWNER.password}`,
		);
		print(
			'The example workflows are active; their executions show what arrived. Press Ctrl-C to stop.',
		);
	} catch (error) {
		log(`demo failed: ${(error as Error).message}; n8n's log is ${n8n.logFile}`);
		await n8n.stop();
		process.exit(1);
	}
}

function print(line: string): void {
	process.stdout.write(`${line}\n`);
}

async function post(
	url: string,
	body: string,
	headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
	const response = await fetch(url, { method: 'POST', headers, body });
	return { status: response.status, body: await response.text() };
}

async function sleepMs(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: Error) => {
	log(`demo failed: ${error.stack ?? error.message}`);
	process.exit(1);
});
