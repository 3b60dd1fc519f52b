/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling: it runs in Node, never inside n8n */
/**
 * verify() and sign() against the peer libraries, in one process, on the
 * same bodies, in interleaved rounds. Each library gets its own format on
 * its natural input (our verify takes the raw bytes a server receives, and
 * our sign the bytes Send Webhook sends, since it encodes each body once and
 * signs and sends those; the peers take strings, as their APIs ask).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { GITHUB, STANDARD_WEBHOOKS, sign, verify } from '../core';
import { interleave, spread, type Spread } from './stats';
import { jsonBody } from './workload';

export interface CoreResult {
	readonly operation: 'verify' | 'sign';
	readonly bodyBytes: number;
	readonly contenders: ReadonlyArray<{ readonly name: string; readonly opsPerSecond: Spread }>;
	readonly versions: Readonly<Record<string, string>>;
}

type Op = () => unknown;

/** Operations per second of `op`, timed over at least `minMs`. */
async function opsPerSecond(op: Op, isAsync: boolean, minMs: number): Promise<number> {
	let iterations = 0;
	let batch = 64;
	const start = process.hrtime.bigint();
	let elapsedMs = 0;
	while (elapsedMs < minMs) {
		if (isAsync) for (let i = 0; i < batch; i++) await op();
		else for (let i = 0; i < batch; i++) op();
		iterations += batch;
		batch *= 2;
		elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
	}
	return (iterations / elapsedMs) * 1000;
}

export async function benchCore(options: {
	rounds: number;
	minMs: number;
	onProgress?: (line: string) => void;
}): Promise<CoreResult[]> {
	// ESM-only: loaded with a real dynamic import (this file compiles to CommonJS under node16 rules).
	const octokit = await import('@octokit/webhooks-methods');
	const { Webhook } = await import('standardwebhooks');
	const versions = {
		standardwebhooks: packageVersion('standardwebhooks'),
		'@octokit/webhooks-methods':
			octokit.sign.VERSION ?? packageVersion('@octokit/webhooks-methods'),
	};

	const whsec = `whsec_${randomBytes(32).toString('base64')}`;
	const textSecret = randomBytes(24).toString('hex');
	const now = new Date();
	const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
	const results: CoreResult[] = [];

	for (const size of [1024, 64 * 1024]) {
		const text = jsonBody(size);
		const bytes = Buffer.from(text, 'utf8');
		const standard = new Webhook(whsec);
		const swHeaders = sign(STANDARD_WEBHOOKS, { primary: whsec }, bytes, { timestamp: now, id });
		const ghHeaders = sign(GITHUB, { primary: textSecret }, bytes);
		const ghSignature = ghHeaders['X-Hub-Signature-256'];
		// Lower-case names, as Node's http server hands them over.
		const lower = (headers: Record<string, string>) =>
			Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
		const swReceived = lower(swHeaders);
		const ghReceived = lower(ghHeaders);
		const ghExpected = Buffer.from(ghSignature.slice('sha256='.length), 'hex');
		const key = Buffer.from(textSecret, 'utf8');

		const verifiers: Record<string, { op: Op; async: boolean }> = {
			'ours: Standard Webhooks': {
				op: () =>
					mustPass(verify(STANDARD_WEBHOOKS, { primary: whsec }, bytes, swReceived, { now }).ok),
				async: false,
			},
			'standardwebhooks: Webhook.verify': {
				// jsonParse off: it would otherwise also parse the body, which is not verification.
				op: () => standard.verify(text, swReceived, { jsonParse: false }),
				async: false,
			},
			'ours: GitHub': {
				op: () => mustPass(verify(GITHUB, { primary: textSecret }, bytes, ghReceived).ok),
				async: false,
			},
			'@octokit/webhooks-methods: verify': {
				op: async () => mustPass(await octokit.verify(textSecret, text, ghSignature)),
				async: true,
			},
			'node:crypto by hand (floor)': {
				op: () =>
					mustPass(timingSafeEqual(createHmac('sha256', key).update(bytes).digest(), ghExpected)),
				async: false,
			},
		};
		const signers: Record<string, { op: Op; async: boolean }> = {
			'ours: Standard Webhooks': {
				op: () => sign(STANDARD_WEBHOOKS, { primary: whsec }, bytes, { timestamp: now, id }),
				async: false,
			},
			'standardwebhooks: Webhook.sign': {
				op: () => standard.sign(id, now, text),
				async: false,
			},
			'ours: GitHub': {
				op: () => sign(GITHUB, { primary: textSecret }, bytes),
				async: false,
			},
			'@octokit/webhooks-methods: sign': {
				op: async () => await octokit.sign(textSecret, text),
				async: true,
			},
			'node:crypto by hand (floor)': {
				op: () => `sha256=${createHmac('sha256', key).update(text).digest('hex')}`,
				async: false,
			},
		};

		for (const [operation, table] of [
			['verify', verifiers],
			['sign', signers],
		] as const) {
			const names = Object.keys(table);
			// One untimed pass each, so no one pays for the JIT's first compile.
			for (const name of names) await opsPerSecond(table[name].op, table[name].async, 20);
			const measured = await interleave(names, options.rounds, async (name) =>
				opsPerSecond(table[name].op, table[name].async, options.minMs),
			);
			results.push({
				operation,
				bodyBytes: size,
				contenders: names.map((name) => ({ name, opsPerSecond: spread(measured.get(name) ?? []) })),
				versions,
			});
			options.onProgress?.(`core ${operation} ${size} bytes: done`);
		}
	}
	return results;
}

/** A benchmark that measured a failing verification would be measuring the wrong thing. */
function mustPass(valid: boolean): boolean {
	if (!valid) throw new Error('benchmark input did not verify');
	return valid;
}

function packageVersion(name: string): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require(`${name}/package.json`) as { version: string }).version;
}
