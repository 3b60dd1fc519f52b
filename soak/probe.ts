/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- soak tooling: preloaded into the n8n under test, never part of the package */
/**
 * Preloaded into the n8n the soak run starts (NODE_OPTIONS=--require), it
 * writes one JSON line every SOAK_PROBE_MS to SOAK_PROBE_FILE: the process's
 * memory after a full garbage collection, and the sizes this package's
 * trigger keeps in module state (the replay memories and the secret reuse
 * cache), read through the read-only accessors replayStore.ts and secrets.ts
 * export, from the modules n8n has loaded (found in require.cache). Only in
 * `n8n start`: the task runners n8n starts inherit NODE_OPTIONS and are left
 * alone. It needs no network and changes nothing in n8n but the collections
 * it forces (one per sample).
 */
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const file = process.env.SOAK_PROBE_FILE;
const everyMs = Number(process.env.SOAK_PROBE_MS ?? 10_000);
const isN8nMain =
	/[\\/]n8n[\\/]bin[\\/]n8n$/.test(process.argv[1] ?? '') && process.argv[2] === 'start';

/** The exports of a loaded module whose path ends so, once n8n has loaded it. */
function loaded(suffix: string): Record<string, unknown> | undefined {
	const key = Object.keys(require.cache).find((path) => path.endsWith(suffix));
	return key ? (require.cache[key]?.exports as Record<string, unknown>) : undefined;
}

function sample(gc: () => void): object {
	gc();
	const memory = process.memoryUsage();
	const census = loaded('/dist/nodes/VerifiedWebhookTrigger/replayStore.js')?.replayMemoryCensus;
	const secrets = loaded('/dist/nodes/VerifiedWebhookTrigger/secrets.js')?.keptSecretSetCount;
	return {
		at: Date.now(),
		rss: memory.rss,
		heapUsed: memory.heapUsed,
		heapTotal: memory.heapTotal,
		external: memory.external,
		arrayBuffers: memory.arrayBuffers,
		replay: typeof census === 'function' ? (census as () => object)() : null,
		secretSets: typeof secrets === 'function' ? (secrets as () => number)() : null,
	};
}

if (file && isN8nMain) {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	setInterval(() => {
		try {
			appendFileSync(file, `${JSON.stringify(sample(gc))}\n`);
		} catch {
			// a sample lost is a gap in the table, never a failure of n8n
		}
	}, everyMs).unref();
}
