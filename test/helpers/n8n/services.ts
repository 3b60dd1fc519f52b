/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-hardcoded-secrets, @typescript-eslint/no-require-imports -- test code: it runs in Node, never inside n8n, and its encryption key is a test value */
/**
 * The few n8n-core services a node context reaches through the DI container,
 * set up once per test file (jest gives each file its own module registry).
 *
 * Nothing here is a fake: the Logger is n8n's own, at level "silent", and
 * InstanceSettings is n8n's own, built in a throw-away folder so that it never
 * writes ~/.n8n/config on the developer's machine.
 */
import 'reflect-metadata';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import type * as BackendCommon from '@n8n/backend-common';
import type * as BackendNetwork from '@n8n/backend-network';
import type * as N8nConfig from '@n8n/config';
import type * as Di from '@n8n/di';
import { InstanceSettings } from 'n8n-core';

/**
 * n8n-core 2.41.1 ships its own copies of @n8n/di, @n8n/config,
 * @n8n/backend-common and @n8n/backend-network under
 * node_modules/n8n-core/node_modules, newer than the hoisted ones. The DI
 * container keys services by class, so a Logger class from the hoisted copy
 * would be a different service from the one n8n-core asks for. Load each
 * package from where n8n-core loads it. (Plain require, not createRequire:
 * jest must see the same module instances n8n-core gets.) The types come from
 * the hoisted copies; only the few members used here matter.
 */
const coreDir = dirname(require.resolve('n8n-core/package.json'));
function fromCore<T>(name: string): T {
	return require(require.resolve(name, { paths: [coreDir] })) as T;
}

export const { Container } = fromCore<typeof Di>('@n8n/di');
const { GlobalConfig, InstanceSettingsConfig } = fromCore<typeof N8nConfig>('@n8n/config');
const { Logger } = fromCore<typeof BackendCommon>('@n8n/backend-common');
/** The parser n8n's rawBodyReader middleware runs on every webhook request. */
export const { parseIncomingMessage } = fromCore<typeof BackendNetwork>('@n8n/backend-network');

let ready = false;

export function ensureServices(): void {
	if (ready) return;
	ready = true;

	// Silence n8n: the root Logger also becomes n8n-workflow's LoggerProxy.
	Container.get(GlobalConfig).logging.level = 'silent';
	Container.get(Logger);

	// InstanceSettings (read by every node context) reads, or creates,
	// <n8nFolder>/config holding an encryption key, once, when it is built.
	// Build it in a throw-away folder, then remove the folder.
	const folder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));
	try {
		Object.assign(Container.get(InstanceSettingsConfig), {
			n8nFolder: folder,
			userHome: folder,
			encryptionKey: 'n8n-harness-encryption-key',
		});
		Container.get(InstanceSettings);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}
