/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- tooling, not node code: it starts and stops real servers for the queue-mode suite */
/**
 * n8n in queue mode, everything on 127.0.0.1 and started and stopped here:
 * PostgreSQL and Redis from Debian's packages, n8n's main process (editor,
 * API, no production webhooks), `n8n webhook` processors behind nginx, and
 * `n8n worker` processes taking executions from Redis. The same n8n 2.41.1
 * and the same packed package as the single-process suite.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
	chmodSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { InstalledN8n } from './install';
import { freePort, N8n, sleep } from './n8n';

/** A server this harness started: where it listens, and how to stop it. */
export interface Service {
	readonly port: number;
	stop(): Promise<void>;
}

/** Postgres and Redis: also restarted in place, as an operator's restart does (same port, same data). */
export interface RestartableService extends Service {
	/** Shuts the server down cleanly, leaves it down for `downMs`, and starts it again. */
	restart(downMs: number): Promise<void>;
}

/** How nginx spreads webhook calls over the processors. */
export type Balancing =
	/** nginx's default: each call to the next processor. */
	| 'round-robin'
	/** The README's recommendation: copies of one call always reach the same processor. */
	| 'call-affinity';

export interface QueueCluster {
	/** The load balancer: production webhooks are called here (it is WEBHOOK_URL). */
	readonly url: string;
	/** The cluster's Redis, for workflows that use it (n8n's Redis credential). */
	readonly redisPort: number;
	/** The main process in service now (a new one after restartMain). */
	readonly main: N8n;
	readonly postgres: RestartableService;
	readonly redis: RestartableService;
	readonly webhooks: N8n[];
	readonly workers: N8n[];
	/** Starts (again) webhook processor `index`, after it was stopped or killed. */
	restartWebhook(index: number): Promise<N8n>;
	/** Starts (again) worker `index`, after it was stopped or killed. */
	restartWorker(index: number): Promise<N8n>;
	/** Stops the main process (SIGTERM, as a deploy does) and starts a new one on its port, signed in. */
	restartMain(): Promise<N8n>;
	stop(): Promise<void>;
}

export interface QueueOptions {
	readonly installed: InstalledN8n;
	/** The user folder all n8n processes share (the package installed in it). */
	readonly userFolder: string;
	readonly webhookProcessors?: number;
	readonly workers?: number;
	readonly balancing?: Balancing;
	/** Extra environment for every n8n process. */
	readonly env?: Readonly<Record<string, string>>;
	/** Extra environment for the workers only (e.g. N8N_GRACEFUL_SHUTDOWN_TIMEOUT). */
	readonly workerEnv?: Readonly<Record<string, string>>;
}

/** Starts Postgres, Redis, n8n main, its webhook processors and workers, and nginx in front. */
export async function startQueueCluster(options: QueueOptions): Promise<QueueCluster> {
	const dir = join(options.userFolder, 'queue');
	mkdirSync(dir, { recursive: true });
	const services: Service[] = [];
	const n8ns: N8n[] = [];
	try {
		const postgres = await startPostgres();
		services.push(postgres);
		const redis = await startRedis(join(dir, 'redis'));
		services.push(redis);
		const lbPort = await freePort();
		const url = `http://127.0.0.1:${lbPort}`;
		const env: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
			WEBHOOK_URL: `${url}/`,
			// Production webhooks are the processors' job.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			...options.env,
		};
		const start = (command: 'start' | 'webhook' | 'worker', extra: Record<string, string> = {}) =>
			N8n.start({
				installed: options.installed,
				userFolder: options.userFolder,
				command,
				args: command === 'worker' ? ['--concurrency=5'] : [],
				env: { ...env, ...extra },
			});
		let main = await start('start');
		n8ns.push(main);
		// The processors and workers start one at a time: each runs n8n's
		// start-up against the same database, which is quicker in turn.
		const webhooks: N8n[] = [];
		for (let i = 0; i < (options.webhookProcessors ?? 2); i++)
			webhooks.push(await start('webhook'));
		n8ns.push(...webhooks);
		const workers: N8n[] = [];
		for (let i = 0; i < (options.workers ?? 2); i++)
			workers.push(await start('worker', { ...options.workerEnv }));
		n8ns.push(...workers);
		const mainPort = Number(new URL(main.baseUrl).port);
		const webhookPorts = webhooks.map((webhook) => Number(new URL(webhook.baseUrl).port));
		const nginx = await startNginx(join(dir, 'nginx'), {
			port: lbPort,
			webhookPorts,
			mainPort,
			balancing: options.balancing ?? 'round-robin',
		});
		services.push(nginx);
		return {
			url,
			redisPort: redis.port,
			get main() {
				return main;
			},
			postgres,
			redis,
			webhooks,
			workers,
			// A restarted processor must come back on its port: nginx routes there.
			restartWebhook: async (index) => {
				const port = webhookPorts[index];
				webhooks[index] = await N8n.start({
					installed: options.installed,
					userFolder: options.userFolder,
					command: 'webhook',
					port,
					env,
				});
				return webhooks[index];
			},
			restartWorker: async (index) => {
				workers[index] = await start('worker', { ...options.workerEnv });
				return workers[index];
			},
			restartMain: async () => {
				await main.stop();
				main = await N8n.start({
					installed: options.installed,
					userFolder: options.userFolder,
					command: 'start',
					port: mainPort,
					env,
				});
				await main.signIn();
				return main;
			},
			stop: async () => {
				await Promise.all([...webhooks, ...workers, main].map(async (n8n) => await n8n.stop()));
				for (const service of services.reverse()) await service.stop();
			},
		};
	} catch (error) {
		await Promise.all(n8ns.map(async (n8n) => await n8n.stop()));
		for (const service of services.reverse()) await service.stop();
		throw error;
	}
}

/**
 * PostgreSQL from Debian's package, in a data folder of its own under the
 * system's temp folder, trusting local connections. initdb refuses to run as
 * root, so as root it runs as the `postgres` user the package creates (which
 * is why the folder is not inside a user folder only root can enter).
 */
export async function startPostgres(): Promise<RestartableService> {
	const bin = postgresBin();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-queue-postgres-'));
	chmodSync(dir, 0o755);
	const asRoot = process.getuid?.() === 0;
	if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
	// As root, PostgreSQL's own programs run as the postgres user.
	const command = (name: string, args: string[]): [string, string[]] =>
		asRoot
			? ['runuser', ['-u', 'postgres', '--', join(bin, name), ...args]]
			: [join(bin, name), args];
	const data = join(dir, 'data');
	execFileSync(...command('initdb', ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8']), {
		stdio: 'pipe',
	});
	const port = await freePort();
	const launch = async () => {
		const child = spawnLogged(
			...command('postgres', [
				'-D',
				data,
				'-p',
				String(port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				// A test database: durability is not what is tested.
				'-c',
				'fsync=off',
				'-c',
				'max_connections=200',
			]),
			join(dir, 'postgres.log'),
		);
		await waitForPort(port, child, 'postgres');
		return child;
	};
	const service = await restartable(port, launch, 'SIGINT', () =>
		rmSync(dir, { recursive: true, force: true }),
	);
	const psql = ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres'];
	for (let tries = 0; ; tries++) {
		try {
			execFileSync('psql', [...psql, '-c', 'CREATE DATABASE n8n'], { stdio: 'pipe' });
			break;
		} catch (error) {
			if (tries > 40) throw error;
			await sleep(250); // accepting connections a moment after the port opens
		}
	}
	return service;
}

/**
 * A server started by `launch`, restarted in place. `shutdown` is the signal
 * of a clean, prompt shutdown: Postgres's fast one (SIGINT: it disconnects its
 * clients, as `pg_ctl restart -m fast` and systemd do; SIGTERM would wait for
 * n8n to hang up), Redis's SIGTERM (it writes its append-only file first).
 */
async function restartable(
	port: number,
	launch: () => Promise<ChildProcess>,
	shutdown: NodeJS.Signals,
	cleanup: () => void = () => {},
): Promise<RestartableService> {
	let child = await launch();
	return {
		port,
		restart: async (downMs) => {
			await stopChild(child, shutdown);
			await sleep(downMs);
			child = await launch();
		},
		stop: async () => {
			await stopChild(child);
			cleanup();
		},
	};
}

/**
 * Redis from Debian's package, keeping its data in an append-only file as a
 * Redis that holds a queue is run (BullMQ's advice): n8n's queued executions
 * outlive a Redis restart.
 */
export async function startRedis(dir: string): Promise<RestartableService> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const launch = async () => {
		const child = spawnLogged(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'yes',
				'--appendfsync',
				'everysec',
				'--dir',
				dir,
			],
			join(dir, 'redis.log'),
		);
		await waitForPort(port, child, 'redis-server');
		return child;
	};
	return await restartable(port, launch, 'SIGTERM');
}

/**
 * nginx in front of the webhook processors, as the README recommends:
 * /webhook/ to the processors, everything else (editor, API, test webhooks)
 * to the main process.
 */
export async function startNginx(
	dir: string,
	config: { port: number; webhookPorts: number[]; mainPort: number; balancing: Balancing },
): Promise<Service> {
	const temp = join(dir, 'temp');
	mkdirSync(temp, { recursive: true });
	chmodSync(dir, 0o777);
	chmodSync(temp, 0o777);
	const conf = join(dir, 'nginx.conf');
	writeFileSync(conf, nginxConfig(dir, temp, config));
	const child = spawnLogged(
		'nginx',
		['-c', conf, '-p', dir, '-g', 'daemon off;'],
		join(dir, 'nginx.out'),
	);
	await waitForPort(config.port, child, 'nginx');
	return { port: config.port, stop: async () => await stopChild(child) };
}

/**
 * The configuration. With call affinity, every copy of a call reaches the
 * same processor: keyed on the header a signature covers and a sender keeps
 * across retries (webhook-id, svix-id), else the whole signature header.
 */
export function nginxConfig(
	dir: string,
	temp: string,
	config: { port: number; webhookPorts: number[]; mainPort: number; balancing: Balancing },
): string {
	const servers = config.webhookPorts.map((port) => `    server 127.0.0.1:${port};`).join('\n');
	const user = process.getuid?.() === 0 ? 'user root;\n' : '';
	return `${user}worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  client_max_body_size 16m;
${config.balancing === 'call-affinity' ? AFFINITY_MAP : ''}
  upstream n8n_webhooks {
${config.balancing === 'call-affinity' ? '    hash $n8n_call consistent;\n' : ''}${servers}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${config.port};
    location /webhook/ {
      proxy_pass http://n8n_webhooks;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 300s;
      proxy_next_upstream off;
    }
    location / {
      proxy_pass http://127.0.0.1:${config.mainPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
    }
  }
}
`;
}

const AFFINITY_MAP = `  # One call, one processor: the id a scheme signs, else the signature itself.
  map $http_webhook_id$http_svix_id $n8n_signed_id { default $http_webhook_id$http_svix_id; }
  map $n8n_signed_id $n8n_call {
    "" "$uri $http_x_hub_signature_256$http_x_goodfit_hmac_sha256$http_x_signature$http_x_webhook_signature$http_stripe_signature$http_x_shopify_hmac_sha256";
    default "$uri $n8n_signed_id";
  }
`;

function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
		: [];
	if (versions.length === 0)
		throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
	return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function spawnLogged(command: string, args: readonly string[], logFile: string): ChildProcess {
	const child = spawn(command, args, {
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = createWriteStream(logFile, { flags: 'a' });
	child.stdout?.pipe(out);
	child.stderr?.pipe(out);
	return child;
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await sleep(100);
	}
	throw new Error(`${name} did not listen on ${port} within 60 s`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
	const pid = child.pid;
	if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	try {
		process.kill(-pid, signal);
	} catch {
		return;
	}
	const timer = setTimeout(() => {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// gone
		}
	}, 10_000);
	await gone;
	clearTimeout(timer);
}
