/**
 * BENCHMARKS.md: the measured tables, written between two markers so the
 * hand-written findings around them survive a re-run.
 */
import type { CoreResult } from './core';
import type { FanOutResult, FanOutRow } from './fanout';
import { MAX_BODY_BYTES, sizeLabel, type ForgedResult, type ForgedRow } from './forged';
import type { QueueReceiveResult } from './queue';
import type { ReceiveResult, ReceiveRow } from './receive';
import { memoryGrowth, type MemoryResult, type SendResult } from './send';
import { formatNumber, formatRatio, formatSpread, median } from './stats';

export const START_MARKER =
	'<!-- bench:start (written by npm run bench; edit outside these markers) -->';
export const END_MARKER = '<!-- bench:end -->';

export interface Environment {
	readonly date: string;
	readonly cpus: string;
	readonly cores: number;
	readonly memoryGiB: number;
	readonly loadAverage: string;
	readonly benchNode: string;
	readonly versions: Readonly<Record<string, string>>;
}

export interface Results {
	readonly environment: Environment;
	readonly core?: readonly CoreResult[];
	readonly receive?: ReadonlyArray<{ readonly label: string; readonly result: ReceiveResult }>;
	readonly send?: SendResult;
	readonly fanout?: FanOutResult;
	readonly memory?: MemoryResult;
	readonly queue?: ReadonlyArray<{ readonly label: string; readonly result: QueueReceiveResult }>;
	readonly forged?: ForgedResult;
	/** The day each section was last measured. */
	readonly measuredOn?: Readonly<Record<string, string>>;
}

const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const mib = (bytes: number) => `${formatNumber(bytes / 1024 / 1024)} MiB`;

export function renderResults(results: Results): string {
	const lines: string[] = [];
	const env = results.environment;
	const days = Object.entries(results.measuredOn ?? {});
	const sameDay = days.every(([, day]) => day === env.date);
	lines.push(
		`${sameDay ? `Measured ${env.date}` : `Measured ${days.map(([section, day]) => `${section} ${day}`).join(', ')}`} on ${env.cores} cores (${env.cpus}), ${env.memoryGiB} GiB; load average before the run ${env.loadAverage}.`,
		`Runner: Node ${env.benchNode}. ${Object.entries(env.versions)
			.map(([name, version]) => `${name} ${version}`)
			.join(', ')}.`,
		'Figures are medians over interleaved rounds (min–max in brackets); ratios compare medians of the same run.',
		'',
	);

	if (results.core) lines.push(...renderCore(results.core));
	for (const { label, result } of results.receive ?? [])
		lines.push(...renderReceive(label, result));
	if (results.send) lines.push(...renderSend(results.send));
	if (results.fanout) lines.push(...renderFanOut(results.fanout));
	if (results.memory) lines.push(...renderMemory(results.memory));
	for (const { label, result } of results.queue ?? []) lines.push(...renderQueue(label, result));
	if (results.forged) lines.push(...renderForged(results.forged, env));
	return lines.join('\n');
}

function renderCore(core: readonly CoreResult[]): string[] {
	const lines = [
		'### 1. Core: operations per second, same process',
		'',
		'Each on its natural input: our verify() takes the raw bytes a server receives, and our sign() the bytes Send Webhook sends (it encodes each body once, then signs and sends those bytes); the peer libraries take strings, as their APIs ask.',
		'',
	];
	for (const result of core) {
		const ops = (name: string) =>
			result.contenders.find((c) => c.name.startsWith(name))?.opsPerSecond.median ?? NaN;
		const peers = result.contenders.filter(
			(c) => !c.name.startsWith('ours') && !c.name.includes('floor'),
		);
		const fastestPeer = Math.max(...peers.map((c) => c.opsPerSecond.median));
		lines.push(
			`**${result.operation}(), ${formatNumber(result.bodyBytes / 1024)} KB body**`,
			'',
			'| implementation | ops/s | vs the faster peer library |',
			'|---|---:|---:|',
			...result.contenders.map(
				(c) =>
					`| ${c.name} | ${formatSpread(c.opsPerSecond)} | ${formatRatio(c.opsPerSecond.median / fastestPeer)} |`,
			),
			'',
		);
		const sameFormat = [
			['ours: Standard Webhooks', 'standardwebhooks'],
			['ours: GitHub', '@octokit'],
		].map(([ours, peer]) => ops(ours) / ops(peer));
		lines.push(
			`Same format: Standard Webhooks ${formatRatio(sameFormat[0])} the standardwebhooks library; GitHub ${formatRatio(sameFormat[1])} @octokit/webhooks-methods. ` +
				`Target ≥ 1.0× the faster peer: GitHub format ${verdict(ops('ours: GitHub') >= fastestPeer)}, Standard Webhooks format ${verdict(ops('ours: Standard Webhooks') >= fastestPeer)}.`,
			'',
		);
	}
	return lines;
}

/** The row of a workflow (a part of its name) and a kind of call. */
function findRow(
	rows: readonly ReceiveRow[],
	prefix: string,
	calls: string,
): ReceiveRow | undefined {
	return rows.find((row) => row.name.includes(prefix) && row.calls === calls);
}

/** The receive table, single process or queue mode: one row per workflow and kind of call. */
function receiveTable(rows: readonly ReceiveRow[], core: number): string[] {
	return [
		'| workflow | calls | answer | req/s | p50 ms | p99 ms | vs core Webhook | unexpected answers |',
		'|---|---|---:|---:|---:|---:|---:|---:|',
		...rows.map(
			(row) =>
				`| ${row.name} | ${row.calls} | ${row.expectedStatus} | ${formatSpread(row.requestsPerSecond)} | ${formatNumber(row.p50Ms.median)} | ${formatNumber(row.p99Ms.median)} | ${formatRatio(row.requestsPerSecond.median / core)} | ${row.unexpected} |`,
		),
	];
}

function renderReceive(label: string, result: ReceiveResult): string[] {
	const find = (prefix: string, calls: string) => findRow(result.rows, prefix, calls);
	const core = find('core', 'valid')?.requestsPerSecond.median ?? NaN;
	const workaround = find('workaround', 'valid')?.requestsPerSecond.median ?? NaN;
	const verified = find('Verified', 'valid')?.requestsPerSecond.median ?? NaN;
	const forged = find('Verified', 'forged')?.requestsPerSecond.median ?? NaN;
	const unsigned = find('Verified', 'unsigned')?.requestsPerSecond.median;
	return [
		`### 2. Receiving in n8n ${result.n8nVersion} (Node ${result.nodeVersion}), ${label}`,
		'',
		`autocannon, ${result.connections} connections, ${result.secondsPerRound} s per round, ${formatNumber(result.bodyBytes)}-byte JSON signed as GitHub does; each round starts with no execution running.`,
		'',
		...receiveTable(result.rows, core),
		'',
		`Targets: Verified ≥ 0.95× core Webhook: ${formatRatio(verified / core)}, ${verdict(verified >= 0.95 * core)}; ≥ 2× the workaround: ${formatRatio(verified / workaround)}, ${verdict(verified >= 2 * workaround)}; forged calls refused at ≥ 1.0× the rate core Webhook accepts calls: ${formatRatio(forged / core)}, ${verdict(forged >= core)}` +
			(unsigned === undefined
				? '.'
				: `; unsigned calls (refused before the credential is loaded) at ${formatRatio(unsigned / core)}.`),
		'',
		...verifyStepLine(result.rows, forged),
	];
}

/**
 * A forged call to a Verify step against the same call to the Verified
 * trigger, measured side by side: the step's rate as a share of the
 * trigger's, and how much longer the median caller waits for its 401.
 */
function verifyStepLine(rows: readonly ReceiveRow[], triggerForged: number): string[] {
	const step = findRow(rows, 'Verify step', 'forged');
	const trigger = findRow(rows, 'Verified', 'forged');
	if (!step || !trigger) return [];
	return [
		`Forged calls, Webhook Signature Verify step against the Verified trigger (same rounds): ${formatRatio(step.requestsPerSecond.median / triggerForged)} the rate, p50 ${formatRatio(step.p50Ms.median / trigger.p50Ms.median)} as long. The step refuses only after n8n has started an execution; the trigger, before.`,
		'',
	];
}

function renderQueue(label: string, result: QueueReceiveResult): string[] {
	const find = (prefix: string, calls: string) => findRow(result.rows, prefix, calls);
	const core = find('core', 'valid')?.requestsPerSecond.median ?? NaN;
	const verified = find('Verified', 'valid')?.requestsPerSecond.median ?? NaN;
	const forged = find('Verified', 'forged')?.requestsPerSecond.median ?? NaN;
	return [
		`### 5. Receiving in queue mode, n8n ${result.n8nVersion}, ${label}`,
		'',
		`Postgres, Redis, ${result.webhookProcessors} webhook processors behind nginx (round robin), ${result.workers} workers (concurrency 5), all on these cores; autocannon through nginx, ${result.connections} connections, ${result.secondsPerRound} s per round, ${formatNumber(result.bodyBytes)}-byte JSON signed as GitHub does; each round starts with no execution queued or running.`,
		'',
		...receiveTable(result.rows, core),
		'',
		`Verified valid calls ${formatRatio(verified / core)} and forged calls refused at ${formatRatio(forged / core)} the rate of n8n's Webhook node.`,
		'',
	];
}

function renderSend(send: SendResult): string[] {
	const rate = (name: string, concurrency: number) =>
		send.rows.find((row) => row.name.startsWith(name) && row.concurrency === concurrency)
			?.itemsPerSecondInNode.median ?? NaN;
	const httpRequest = rate('HTTP Request', 1);
	const loop = rate('plain', 1);
	const batch1 = rate('Send Webhook, batch 1', 1);
	const batch200 = rate('Send Webhook, batch 200', 1);
	return [
		`### 3. Sending ${formatNumber(send.items)} items in n8n ${send.n8nVersion} (Node ${send.nodeVersion})`,
		'',
		`Records of ${send.recordBytes} bytes of JSON made by a Code node, to a keep-alive receiver on 127.0.0.1. "In the node": the sending node's execution time in n8n's run data (the loop: its sends). "End to end": the call that starts the workflow until its last node finishes (Code node and n8n's saving included).`,
		'',
		'| sender | in flight | requests | items/s in the node | items/s end to end | vs HTTP Request node | vs plain loop (same in flight) |',
		'|---|---:|---:|---:|---:|---:|---:|',
		...send.rows.map((row) => {
			const sameLoop = rate('plain', row.concurrency);
			return `| ${row.name} | ${row.concurrency} | ${formatNumber(row.requests)} | ${formatSpread(row.itemsPerSecondInNode)} | ${row.itemsPerSecondEndToEnd ? formatSpread(row.itemsPerSecondEndToEnd) : '–'} | ${formatRatio(row.itemsPerSecondInNode.median / httpRequest)} | ${formatRatio(row.itemsPerSecondInNode.median / sameLoop)} |`;
		}),
		'',
		`Targets: batch 1 ≥ 1.0× HTTP Request: ${formatRatio(batch1 / httpRequest)}, ${verdict(batch1 >= httpRequest)}; batch 1 ≥ 0.5× the plain loop: ${formatRatio(batch1 / loop)}, ${verdict(batch1 >= 0.5 * loop)}; batch 200 ≥ 50× HTTP Request: ${formatRatio(batch200 / httpRequest)}, ${verdict(batch200 >= 50 * httpRequest)}.`,
		'',
	];
}

function renderFanOut(fanOut: FanOutResult): string[] {
	const shapeOf = (row: FanOutRow) =>
		`${row.shape.events.toLocaleString('en-US')} × ${row.shape.endpoints.toLocaleString('en-US')}`;
	const peer = (row: FanOutRow) =>
		fanOut.rows.find(
			(other) => shapeOf(other) === shapeOf(row) && other.name.startsWith('HTTP Request'),
		)?.deliveriesPerSecondInNode.median ?? NaN;
	return [
		`### 3b. One event to many endpoints in n8n ${fanOut.n8nVersion} (Node ${fanOut.nodeVersion})`,
		'',
		'Events of ~1 KB from a Code node; endpoint rows from a second Code node (Send Webhook) or the events × endpoints pairs written out by one (HTTP Request, which cannot fan out, sign, or derive a secret per endpoint). Receivers: one keep-alive server on 127.0.0.1, a path per endpoint. Send Webhook runs each endpoint as its own lane (1 call in flight per endpoint, lanes side by side); HTTP Request sends one call at a time.',
		'',
		'| events × endpoints | sender | requests | deliveries/s in the node | deliveries/s end to end | vs HTTP Request node |',
		'|---|---|---:|---:|---:|---:|',
		...fanOut.rows.map(
			(row) =>
				`| ${shapeOf(row)} | ${row.name} | ${formatNumber(row.requests)} | ${formatSpread(row.deliveriesPerSecondInNode)} | ${formatSpread(row.deliveriesPerSecondEndToEnd)} | ${formatRatio(row.deliveriesPerSecondInNode.median / peer(row))} |`,
		),
		'',
		`Memory per endpoint while a run lasts (its record and derived secrets, in the core, 10,000 endpoints): ${formatNumber(fanOut.bytesPerEndpoint)} bytes.`,
		'',
	];
}

function renderMemory(memory: MemoryResult): string[] {
	const reference = memory.rows.find((row) => row.name.startsWith('Edit Fields'));
	const ours = memory.rows.find((row) => row.name.startsWith('Send Webhook'));
	return [
		`### 4. Memory: ${formatNumber(memory.items)} items in batches of 200`,
		'',
		`Peak resident set of the n8n main process, polled every 50 ms from the call that starts the workflow until n8n lists its execution as finished, each run in a freshly started n8n${memory.rounds ? `; of ${memory.rounds} interleaved rounds, the one with the median growth (in brackets: the lowest and highest growth over the rounds)` : ''}. The input: ${mib(memory.inputBytes)} of JSON.`,
		'',
		'| workflow | idle RSS | peak RSS | growth | growth ÷ input | seconds |',
		'|---|---:|---:|---:|---:|---:|',
		...memory.rows.map(
			(row) =>
				`| ${row.name} | ${mib(row.idleRss)} | ${mib(row.peakRss)} | ${mib(memoryGrowth(row))}${growthRange(memory.growths?.[row.name])} | ${formatRatio(memoryGrowth(row) / memory.inputBytes)} | ${formatNumber(row.seconds)} |`,
		),
		'',
		memory.shares?.length
			? renderShares(memory.shares)
			: reference && ours
				? `Send Webhook's own share: ${mib(memoryGrowth(ours) - memoryGrowth(reference))} above what n8n needs to hold and save any node's new items, measured with Edit Fields (${formatRatio((memoryGrowth(ours) - memoryGrowth(reference)) / memory.inputBytes)} the input).`
				: '',
		'',
	];
}

/** " (lowest–highest)" of a workflow's growths over the rounds, when kept. */
function growthRange(growths: readonly number[] | undefined): string {
	if (!growths || growths.length < 2) return '';
	return ` (${formatNumber(Math.min(...growths) / 2 ** 20)}–${mib(Math.max(...growths))})`;
}

/** Send Webhook's share, round by round, and the median that decides the criterion. */
function renderShares(shares: readonly number[]): string {
	const sorted = [...shares].sort((a, b) => a - b);
	return `Send Webhook's own share, above what n8n needs to hold and save any node's new items (Send Webhook's growth less Edit Fields' in the same round, ÷ the input): median ${formatRatio(median(shares))} of ${shares.length} rounds; by round ${shares.map(formatRatio).join(', ')}; lowest ${formatRatio(sorted[0]!)}, highest ${formatRatio(sorted.at(-1)!)}.`;
}

function renderForged(forged: ForgedResult, env: Environment): string[] {
	const floor = forged.rows.find((row) => row.schemeId === 'github')?.cpuMs.median ?? NaN;
	const size = sizeLabel(forged.bodyBytes);
	const limit =
		forged.bodyBytes === MAX_BODY_BYTES
			? "n8n's default N8N_PAYLOAD_SIZE_MAX"
			: `a --quick run's size (n8n's default N8N_PAYLOAD_SIZE_MAX is ${sizeLabel(MAX_BODY_BYTES)})`;
	return [
		`### 6. One forged call of ${size}: what it costs the trigger before it is refused`,
		'',
		`CPU time (user and system, every thread of the process, V8's garbage collector included; a full collection before each call) of one forged call through the Verified trigger's core path as nodes/VerifiedWebhookTrigger/decideCall.ts runs it (inspectIncoming(), then receiveInspected()), in one Node ${forged.nodeVersion} process on ${env.cores} cores (${env.cpus}): no HTTP, no n8n. Each body is ${size}, ${limit}, in the shape that costs its family most; the headers are well-formed (names, shapes, lengths, a timestamp inside the window) and signed with keys that are not the receiver's. Median of ${forged.rounds} interleaved rounds (min–max); a call over 15 s in its first round is measured in 3 rounds only (its row says so).`,
		'',
		"\"n8n's own parse\" is what n8n's body parser (packages/cli/src/middlewares/body-parser.ts) does with the same bytes before any trigger runs, timed the same way: JSON.parse for application/json; for application/x-www-form-urlencoded, Node's querystring.parse with maxKeys 1000 (n8n's own call, not body-parser's urlencoded), which stops reading at the 1,000th parameter. A text/plain body n8n only decodes as text.",
		'',
		"| scheme family | hostile body | refused as | ms per forged call | vs forged GitHub | n8n's own parse, ms |",
		'|---|---|---|---:|---:|---:|',
		...forged.rows.map((row) => forgedRow(row, floor, forged.rounds)),
		'',
	];
}

function forgedRow(row: ForgedRow, floor: number, rounds: number): string {
	const fewer = row.cpuMs.rounds < rounds ? ` (${row.cpuMs.rounds} rounds)` : '';
	const parser = row.n8nParse === 'form' ? 'querystring, 1,000 keys' : 'JSON.parse';
	const parse = row.n8nParseCpuMs
		? `${parser}: ${formatSpread(row.n8nParseCpuMs)}`
		: 'not parsed by n8n (text/plain)';
	const ratio = row.cpuMs.median / floor;
	// Ratios in the hundreds or thousands read better whole, with separators.
	const times = ratio >= 100 ? `${formatNumber(ratio)}×` : formatRatio(ratio);
	return `| ${row.family} | ${row.hostileBody} | ${row.refusedAs} | ${formatSpread(row.cpuMs)}${fewer} | ${times} | ${parse} |`;
}

/** Replaces what lies between the markers in `document` (or appends both). */
export function spliceResults(document: string, generated: string): string {
	const block = `${START_MARKER}\n${generated}\n${END_MARKER}`;
	const start = document.indexOf(START_MARKER);
	const end = document.indexOf(END_MARKER);
	if (start < 0 || end < start) return `${document.trimEnd()}\n\n${block}\n`;
	return document.slice(0, start) + block + document.slice(end + END_MARKER.length);
}
