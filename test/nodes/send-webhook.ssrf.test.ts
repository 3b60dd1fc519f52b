/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * Send Webhook goes through n8n's own HTTP helper, so n8n's SSRF protection
 * (N8N_SSRF_PROTECTION_ENABLED, n8n 2.x) applies to it as to n8n's HTTP
 * Request node: with it on, a call to 127.0.0.1 is blocked before it is made.
 * n8n reads the setting when its HTTP layer is first used, so it is set
 * before any call in this file, and removed afterwards: jest runs other files
 * in the same process.
 */
import { startReceiver, ok, type Receiver } from '../helpers/receiver';
import { items, record, send } from './sendWebhookHarness';

let receiver: Receiver;
const previous = process.env.N8N_SSRF_PROTECTION_ENABLED;

beforeAll(async () => {
	process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
	receiver = await startReceiver();
	receiver.answer(ok);
});

afterAll(async () => {
	if (previous === undefined) delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	else process.env.N8N_SSRF_PROTECTION_ENABLED = previous;
	await receiver.close();
});

it("n8n's SSRF protection blocks a loopback destination: nothing is sent, the items fail", async () => {
	const { delivered, failed } = await send(
		{
			url: receiver.url,
			signatureScheme: 'github',
			batching: 'batch',
			batchSize: 10,
			options: { retryDelays: '0.01' },
		},
		{ items: items(3), secret: 'ssrf-test-secret' },
	);
	expect(delivered).toHaveLength(0);
	expect(failed).toHaveLength(3);
	for (const item of failed) {
		expect(record(item).delivered).toBe(false);
		expect(record(item).outcome).toMatch(/restricted IP address/);
		expect(record(item).attempts).toHaveLength(2);
	}
	expect(receiver.calls).toHaveLength(0);
});
