/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- soak tooling: it runs in Node, never inside n8n */
/**
 * npm run soak: the reliability runs of docs/reliability.md, outside npm test.
 *   --minutes N        how long the load runs (default SOAK_MINUTES or 30)
 *   --rate N           calls a second to the trigger (default 4)
 *   --sample-seconds N between samples (default 60; 5 for runs under 10 minutes)
 *   --only soak|bounds one part (default both: bounds first, then the soak)
 *   --triggers-at-cap  the bounds' 50 triggers each filled to the cap (5 million
 *                      calls, about 1 GiB of heap; default 10,000 calls each)
 *   --n8n-defaults     n8n's default settings (default: N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true,
 *                      as docs/production.md recommends)
 * It prints a table, writes every sample as JSON under artifacts/soak/, and
 * exits 1 when a criterion fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

import { log } from '../e2e/harness/log';
import { REPO_ROOT } from '../e2e/harness/package';
import { runBounds, type BoundsResult } from './bounds';
import { CRITERIA, runSoak, type SoakResult } from './soak';

function option(args: readonly string[], name: string): string | undefined {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
}

function positive(value: string | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	const number = Number(value);
	if (!(number > 0)) throw new Error(`--${name} must be a positive number, not ${value}`);
	return number;
}

function table(result: SoakResult): string {
	const rows = result.samples.map((sample) => {
		const answers = sample.answers;
		const refused = Object.entries(answers)
			.filter(([label]) => !label.startsWith('200'))
			.reduce((sum, [, count]) => sum + count, 0);
		return [
			`${(sample.t / 60).toFixed(1)}`,
			sample.rssMiB ?? '-',
			sample.heapMiB ?? '-',
			sample.replayCalls ?? '-',
			sample.secretSets ?? '-',
			sample.inFlight,
			answers['200 ok'] ?? 0,
			answers['200 duplicate'] ?? 0,
			refused,
			sample.receiveExecutions.success ?? 0,
			Object.entries(sample.receiveExecutions)
				.filter(([status]) => status !== 'success')
				.reduce((sum, [, count]) => sum + count, 0),
			sample.sendExecutions.success ?? 0,
			Object.entries(sample.sendExecutions)
				.filter(([status]) => status !== 'success')
				.reduce((sum, [, count]) => sum + count, 0),
		].join(' | ');
	});
	return [
		'| min | RSS MiB | heap MiB | replay calls | secret sets | in flight | 200 ok | 200 duplicate | refused | receive runs ok | other | send runs ok | other |',
		'|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
		...rows.map((row) => `| ${row} |`),
	].join('\n');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const minutes = positive(
		option(args, 'minutes'),
		Number(process.env.SOAK_MINUTES ?? 30),
		'minutes',
	);
	const only = option(args, 'only');
	if (only !== undefined && only !== 'soak' && only !== 'bounds')
		throw new Error('--only must be soak or bounds');
	const progress = (line: string) => log(line);
	const environment = {
		date: new Date().toISOString(),
		cpus: cpus()[0]?.model.trim() ?? 'unknown CPU',
		cores: cpus().length,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		loadAverageBefore: loadavg().map((value) => +value.toFixed(2)),
		scriptNode: process.version,
	};
	progress(`environment ${JSON.stringify(environment)}`);

	let bounds: BoundsResult | undefined;
	let soak: SoakResult | undefined;
	if (only !== 'soak') {
		bounds = await runBounds(progress, { triggersAtCap: args.includes('--triggers-at-cap') });
		process.stdout.write(
			`\nBounds (Node ${process.version}):\n${JSON.stringify(bounds, null, 2)}\n`,
		);
	}
	if (only !== 'bounds') {
		soak = await runSoak({
			minutes,
			rate: positive(option(args, 'rate'), 4, 'rate'),
			sampleSeconds: positive(
				option(args, 'sample-seconds'),
				minutes < 10 ? 5 : 60,
				'sample-seconds',
			),
			batchEverySeconds: 15,
			batchItems: 20,
			n8nDefaults: args.includes('--n8n-defaults'),
			progress,
		});
		process.stdout.write(
			`\nSoak: n8n ${soak.n8nVersion} on Node ${soak.nodeVersion} (${soak.options.n8nDefaults ? 'default settings' : 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true'}), ${soak.options.minutes} min at ${soak.options.rate} calls/s ` +
				`(achieved ${soak.achievedRate}, at most ${soak.maxInFlight} in flight), calls ${JSON.stringify(soak.calls)}, ` +
				`${soak.batches} batches (${soak.itemsSent} items)\n\n${table(soak)}\n\n`,
		);
		process.stdout.write(`Criteria ${JSON.stringify(CRITERIA)}:\n`);
		for (const [name, check] of Object.entries(soak.checks))
			process.stdout.write(
				`  ${check.inconclusive ? 'NOT JUDGED' : check.pass ? 'PASS' : 'FAIL'} ${name}: ${check.detail}\n`,
			);
	}

	const folder = join(REPO_ROOT, 'artifacts', 'soak');
	mkdirSync(folder, { recursive: true });
	const file = join(folder, `soak-${environment.date.replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, JSON.stringify({ environment, bounds, soak }, null, 2));
	const pass = (bounds?.pass ?? true) && (soak?.pass ?? true);
	const notJudged = soak?.inconclusive.length
		? ` (not judged: ${soak.inconclusive.join(', ')}; see above)`
		: '';
	process.stdout.write(`\n${pass ? 'PASS' : 'FAIL'}${notJudged}; samples in ${file}\n`);
	if (!pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
