/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- tooling, not node code: it runs in Node to install and drive n8n, and its secrets are demo and test values */
/**
 * A real n8n, started on 127.0.0.1 with this package installed as users get
 * it, driven through its REST and public APIs, and stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withNodeFirstInPath, type InstalledN8n } from './install';

export interface StartOptions {
	readonly installed: InstalledN8n;
	/** Fixed port (the demo); default a free one. */
	readonly port?: number;
	/** Default: a new temporary folder. */
	readonly userFolder?: string;
	/** Extra environment, e.g. N8N_LOG_LEVEL. */
	readonly env?: Readonly<Record<string, string>>;
	/**
	 * Which n8n process: the main one (`n8n start`, default), or in queue
	 * mode a webhook processor (`n8n webhook`) or a worker (`n8n worker`),
	 * whose health server then listens on the port.
	 */
	readonly command?: 'start' | 'webhook' | 'worker';
	/** Extra command-line arguments, e.g. --concurrency=5 for a worker. */
	readonly args?: readonly string[];
}

export interface Execution {
	readonly id: string;
	readonly status: string;
	readonly finished: boolean;
	readonly mode: string;
	readonly workflowId: string;
	readonly data?: {
		readonly resultData: {
			readonly runData: Record<
				string,
				Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> } }>
			>;
			readonly error?: { message: string };
		};
	};
}

export const OWNER = {
	email: 'owner@signed-webhooks.test',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Passw0rd-not-secret',
};
/** Fixed so the same user folder can be reopened (the demo after Ctrl-C); a test value, not a secret. */
const ENCRYPTION_KEY = 'signed-webhooks-e2e-encryption-key';

export class N8n {
	private apiKey = '';

	private cookie = '';

	private constructor(
		private readonly child: ChildProcess,
		readonly baseUrl: string,
		readonly userFolder: string,
		readonly logFile: string,
		readonly version: string,
	) {}

	/** Starts n8n and waits until it answers /healthz/readiness. */
	static async start(options: StartOptions): Promise<N8n> {
		const command = options.command ?? 'start';
		const port = options.port ?? (await freePort());
		const brokerPort = await freePort();
		const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-signed-webhooks-'));
		mkdirSync(userFolder, { recursive: true });
		// Queue-mode processes share the main one's user folder: one log each.
		const logFile = join(
			userFolder,
			command === 'start' ? 'n8n.log' : `n8n-${command}-${port}.log`,
		);
		const out = createWriteStream(logFile, { flags: 'a' });
		const baseUrl = `http://127.0.0.1:${port}`;
		const env: NodeJS.ProcessEnv = {
			// n8n starts its task runners with the `node` on PATH: make it n8n's own.
			PATH: withNodeFirstInPath(process.env, options.installed.node).PATH,
			HOME: userFolder,
			N8N_USER_FOLDER: userFolder,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(port),
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${baseUrl}/`,
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			// Nothing leaves loopback: no telemetry, version checks, templates,
			// AI, or the module that calls n8n's servers at start-up.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_AI_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// Community-package search calls n8n's API: not needed to load one.
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			...(command === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(port),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			...options.installed.target.env,
			...options.env,
		};
		const child = spawn(
			options.installed.node,
			[options.installed.n8nBin, command, ...(options.args ?? [])],
			{
				env,
				cwd: userFolder,
				// Its own process group: stop() ends n8n and the task runners it starts.
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		child.stdout?.pipe(out);
		child.stderr?.pipe(out);
		const instance = new N8n(
			child,
			baseUrl,
			userFolder,
			logFile,
			options.installed.target.n8nVersion,
		);
		const exited = new Promise<never>((_, reject) =>
			child.once('exit', (code) =>
				reject(new Error(`n8n exited with code ${code} before it was ready; see ${logFile}`)),
			),
		);
		exited.catch(() => {});
		await Promise.race([
			command === 'start' ? instance.waitUntilReady() : instance.waitUntilHealthy(),
			exited,
		]);
		return instance;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Sends a signal to n8n's process group and waits until n8n has exited (a worker restart, say). */
	async kill(signal: NodeJS.Signals, timeoutMs = 300_000): Promise<void> {
		const pid = this.child.pid;
		if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		signalGroup(pid, signal);
		const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs);
		await gone;
		clearTimeout(timer);
		signalGroup(pid, 'SIGKILL');
	}

	/** SIGTERM to n8n's process group, then SIGKILL if it has not gone in 20 s. */
	async stop(): Promise<void> {
		const pid = this.child.pid;
		if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		signalGroup(pid, 'SIGTERM');
		const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 20_000);
		await gone;
		clearTimeout(timer);
		// Anything it left behind in its group (a task runner) goes too.
		signalGroup(pid, 'SIGKILL');
	}

	log(): string {
		return readFileSync(this.logFile, 'utf8');
	}

	/** A webhook processor or a worker: its /healthz answers 200. */
	private async waitUntilHealthy(timeoutMs = 180_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			try {
				if ((await fetch(`${this.baseUrl}/healthz`)).ok) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		throw new Error(`n8n was not healthy after ${timeoutMs / 1000} s; see ${this.logFile}`);
	}

	private async waitUntilReady(timeoutMs = 180_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			try {
				// Readiness means the database is up; the REST routes come a few
				// seconds later (and answer 200 "starting up" text meanwhile).
				const ready = await fetch(`${this.baseUrl}/healthz/readiness`);
				const settings = ready.ok ? await fetch(`${this.baseUrl}/rest/settings`) : undefined;
				if (settings?.ok && (await settings.text()).includes('"data"')) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		throw new Error(`n8n was not ready after ${timeoutMs / 1000} s; see ${this.logFile}`);
	}

	/** Creates the owner account (on a fresh user folder) or logs in, and makes an API key. */
	async signIn(): Promise<void> {
		let response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!response.ok) {
			response = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					emailOrLdapLoginId: OWNER.email,
					email: OWNER.email,
					password: OWNER.password,
				}),
			});
		}
		if (!response.ok)
			throw new Error(
				`n8n owner setup / login failed: ${response.status} ${await response.text()}`,
			);
		this.cookie = (response.headers.getSetCookie?.() ?? [])
			.map((cookie) => cookie.split(';')[0])
			.join('; ');

		const scopes = await this.rest<{ data: string[] } | string[]>(
			'GET',
			'/rest/api-keys/scopes',
		).catch(() => undefined);
		const list = Array.isArray(scopes) ? scopes : scopes?.data;
		const created = await this.rest<{ data: { rawApiKey?: string; apiKey?: string } }>(
			'POST',
			'/rest/api-keys',
			{
				label: `e2e ${Date.now()}`,
				expiresAt: null,
				...(list ? { scopes: list } : {}),
			},
		);
		this.apiKey = created.data.rawApiKey ?? created.data.apiKey ?? '';
		if (!this.apiKey) throw new Error('n8n did not return an API key');
	}

	/** n8n's internal REST API, with the owner's session. */
	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		return await this.request<T>(method, path, body, { cookie: this.cookie });
	}

	/** n8n's public API (/api/v1), with the API key. */
	async api<T>(method: string, path: string, body?: unknown): Promise<T> {
		return await this.request<T>(method, `/api/v1${path}`, body, { 'x-n8n-api-key': this.apiKey });
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<string> {
		const created = await this.api<{ id: string }>('POST', '/credentials', { name, type, data });
		return created.id;
	}

	/** Creates a workflow and activates it, then waits until its webhooks answer. */
	async deploy(workflow: WorkflowJson, webhookPaths: readonly string[] = []): Promise<string> {
		const { id } = await this.api<{ id: string }>('POST', '/workflows', {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		});
		await this.api('POST', `/workflows/${id}/activate`);
		for (const path of webhookPaths) await this.waitForWebhook(path);
		return id;
	}

	/**
	 * Activation registers webhooks asynchronously. A CORS preflight answers
	 * 204 once the path is registered, without running anything.
	 */
	async waitForWebhook(path: string, method = 'POST', timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const response = await fetch(`${this.baseUrl}/webhook/${path}`, {
				method: 'OPTIONS',
				headers: { origin: this.baseUrl, 'access-control-request-method': method },
			});
			if (response.status === 204 || response.status === 200) return;
			await sleep(100);
		}
		throw new Error(`webhook ${path} was not registered within ${timeoutMs / 1000} s`);
	}

	async executions(workflowId: string, includeData = true): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({
				workflowId,
				includeData: String(includeData),
				limit: '250',
			});
			if (cursor) query.set('cursor', cursor);
			const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>(
				'GET',
				`/executions?${query}`,
			);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	/** Waits until the workflow has `count` finished executions (any status), and returns them. */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 60_000,
	): Promise<Execution[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = (await this.executions(workflowId, true)).filter(
				(execution) =>
					execution.status !== 'running' &&
					execution.status !== 'new' &&
					execution.status !== 'waiting',
			);
			if (executions.length >= count) return executions;
			if (Date.now() > deadline) {
				throw new Error(
					`workflow ${workflowId} has ${executions.length} finished executions, expected ${count}`,
				);
			}
			await sleep(250);
		}
	}

	private async request<T>(
		method: string,
		path: string,
		body: unknown,
		headers: Record<string, string>,
	): Promise<T> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				...headers,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text) : {}) as T;
	}
}

export interface WorkflowJson {
	readonly name: string;
	readonly nodes: readonly object[];
	readonly connections: object;
	readonly settings?: object;
}

/** Workflow settings that keep every execution's data, for a test to read what ran. */
export const EVERY_EXECUTION_SAVED = {
	executionOrder: 'v1',
	saveDataSuccessExecution: 'all',
	saveDataErrorExecution: 'all',
} as const;

/** The items a node put on one output in an execution's data. */
export function outputItems(
	execution: Execution,
	nodeName: string,
	output = 0,
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData.runData[nodeName] ?? [];
	return runs.flatMap((run) => (run.data?.main[output] ?? []).map((item) => item.json));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** A 127.0.0.1 port free a moment ago (nothing listens on it once this returns). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
