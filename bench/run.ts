/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node, never inside n8n */
/**
 * npm run bench: every benchmark, then BENCHMARKS.md. Nothing here asserts on
 * time; it measures and reports. Options:
 *   --only core,receive,send,fanout,memory,queue,forged   run some sections (the others
 *                                     keep their last tables only if you re-run them)
 *   --quick                           fewer rounds and items: a smoke run
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import { format, resolveConfig } from 'prettier';

import { TARGETS } from '../e2e/harness/install';
import { log } from '../e2e/harness/log';
import { REPO_ROOT } from '../e2e/harness/package';
import { benchCore } from './core';
import { benchFanOut } from './fanout';
import { benchForged, MAX_BODY_BYTES } from './forged';
import { benchQueueReceive } from './queue';
import { benchReceive } from './receive';
import { renderResults, spliceResults, type Results } from './report';
import { benchMemory, benchSend } from './send';

type Section = 'core' | 'receive' | 'send' | 'fanout' | 'memory' | 'queue' | 'forged';
const SECTIONS: readonly Section[] = [
	'core',
	'receive',
	'send',
	'fanout',
	'memory',
	'queue',
	'forged',
];

/**
 * The n8n settings the receiving benchmarks run under: n8n's defaults, the
 * one README "Production settings" recommends, and the legacy engine (the
 * 1.x default, which gives up the expression sandbox's isolation).
 */
const N8N_SETTINGS: ReadonlyArray<{ label: string; env: Record<string, string> }> = [
	{ label: 'default settings', env: {} },
	{
		label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (recommended)',
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	},
	{ label: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
];

/** n8n's defaults, with the one-line change docs/n8n-webhook-sandbox.md proposes (bench/n8nProposal.ts). */
const PROPOSAL = {
	label: 'default settings, n8n patched as docs/n8n-webhook-sandbox.md proposes',
	env: { NODE_OPTIONS: `--require ${join(__dirname, 'n8nProposal.js')}` },
};

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const quick = args.includes('--quick');
	const onlyIndex = args.indexOf('--only');
	const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : SECTIONS;
	const unknown = only.filter((name) => !SECTIONS.includes(name as Section));
	if (unknown.length > 0) throw new Error(`unknown section(s): ${unknown.join(', ')}`);
	const wants = (section: Section) => only.includes(section);
	const progress = (line: string) => log(line);

	const loadAverage = loadavg()
		.map((value) => value.toFixed(2))
		.join(' / ');
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
		devDependencies: Record<string, string>;
	};
	const results: { -readonly [K in keyof Results]: Results[K] } = {
		environment: {
			date: new Date().toISOString().slice(0, 10),
			cpus: cpus()[0]?.model.trim() ?? 'unknown CPU',
			cores: cpus().length,
			memoryGiB: Math.round(totalmem() / 2 ** 30),
			loadAverage,
			benchNode: process.version,
			versions: {
				'n8n-nodes-signed-webhooks': manifest.version,
				n8n: TARGETS['2.x'].n8nVersion,
				standardwebhooks: manifest.devDependencies.standardwebhooks,
				'@octokit/webhooks-methods': manifest.devDependencies['@octokit/webhooks-methods'],
				autocannon: manifest.devDependencies.autocannon,
			},
		},
	};

	if (wants('core')) {
		log('core: verify() and sign() against standardwebhooks and @octokit/webhooks-methods');
		results.core = await benchCore({
			rounds: quick ? 3 : 15,
			minMs: quick ? 100 : 300,
			onProgress: progress,
		});
	}
	if (wants('receive')) {
		const receive: Array<NonNullable<Results['receive']>[number]> = [];
		results.receive = receive;
		for (const { label, env } of [...N8N_SETTINGS, PROPOSAL]) {
			log(`receive (${label}): core Webhook, the workaround and the Verified trigger`);
			receive.push({
				label,
				result: await benchReceive({
					setup: { target: '2.x', env },
					rounds: quick ? 1 : 3,
					seconds: quick ? 5 : 10,
					connections: 10,
					onProgress: progress,
				}),
			});
		}
	}
	if (wants('send')) {
		log('send: Send Webhook, HTTP Request and a plain keep-alive loop');
		results.send = await benchSend({
			setup: { target: '2.x' },
			rounds: quick ? 1 : 3,
			items: quick ? 2000 : 10_000,
			onProgress: progress,
		});
	}
	if (wants('fanout')) {
		log('fan-out: one event to many endpoints, Send Webhook against HTTP Request');
		results.fanout = await benchFanOut({
			setup: { target: '2.x' },
			rounds: quick ? 1 : 3,
			onProgress: progress,
		});
	}
	if (wants('memory')) {
		log('memory: peak RSS while sending in batches of 200');
		results.memory = await benchMemory({
			setup: { target: '2.x' },
			items: quick ? 20_000 : 100_000,
			// One run's peak swings by a few hundred MiB with when V8 collects: the
			// share is decided by the median of paired rounds, and needs several.
			rounds: quick ? 1 : 7,
			onProgress: progress,
		});
	}

	if (wants('queue')) {
		const queue: Array<NonNullable<Results['queue']>[number]> = [];
		results.queue = queue;
		for (const { label, env } of N8N_SETTINGS) {
			log(`queue (${label}): core Webhook and the Verified trigger, through nginx, 2 processors`);
			queue.push({
				label,
				result: await benchQueueReceive({
					env,
					rounds: quick ? 1 : 3,
					seconds: quick ? 5 : 10,
					connections: 20,
					onProgress: progress,
				}),
			});
		}
	}

	if (wants('forged')) {
		log("forged: one forged call of maximal size through the trigger's core path, per scheme");
		results.forged = await benchForged({
			// --quick: a quarter of n8n's limit; the shapes stay the same.
			bodyBytes: quick ? MAX_BODY_BYTES / 4 : MAX_BODY_BYTES,
			rounds: quick ? 3 : 5,
			onProgress: progress,
		});
	}

	// Sections not run this time keep their last measurement (bench/results.json
	// is committed with BENCHMARKS.md), each labelled with the day it was taken.
	const resultsFile = join(REPO_ROOT, 'bench', 'results.json');
	const previous = existsSync(resultsFile)
		? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results)
		: undefined;
	const measuredOn: Record<string, string> = { ...previous?.measuredOn };
	for (const section of SECTIONS) {
		if (wants(section)) measuredOn[section] = results.environment.date;
		else if (previous?.[section]) Object.assign(results, { [section]: previous[section] });
	}
	results.measuredOn = measuredOn;
	// In the project's Prettier style, so that npm run format:check passes on what a run wrote.
	const options = await resolveConfig(resultsFile);
	writeFileSync(
		resultsFile,
		await format(JSON.stringify(results, null, '\t'), { ...options, filepath: resultsFile }),
	);

	const file = join(REPO_ROOT, 'BENCHMARKS.md');
	const generated = renderResults(results);
	const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
	writeFileSync(file, spliceResults(before, generated));
	log(`wrote ${file} and ${resultsFile}`);
	process.stdout.write(`${generated}\n`);
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
