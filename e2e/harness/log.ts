/* eslint-disable @n8n/community-nodes/no-restricted-globals -- tooling, not node code: it runs in Node to install and drive n8n */
/** Progress for the person running the demo or the suite, on stderr. */
export function log(message: string): void {
	process.stderr.write(`[signed-webhooks] ${message}\n`);
}
