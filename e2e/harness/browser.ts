/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- tooling, not node code: it runs in Node to drive n8n's editor in a browser */
/**
 * n8n's editor in a real browser: Debian's Chromium (no browser download:
 * playwright-core only drives it), a 1440x900 window, screenshots into
 * artifacts/browser. Everything it talks to is on 127.0.0.1.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import { OWNER } from './n8n';
import { REPO_ROOT } from './package';

/** Debian's chromium package; CHROMIUM_PATH for another one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts', 'browser');

export interface EditorBrowser {
	readonly browser: Browser;
	readonly page: Page;
}

/** Starts Chromium headless with one 1440x900 page. */
export async function launchBrowser(): Promise<EditorBrowser> {
	// n8n's editor marks its elements with data-test-id, not Playwright's data-testid.
	selectors.setTestIdAttribute('data-test-id');
	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
		],
	});
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	const page = await context.newPage();
	// "Leave without saving?" and the like: the suite always means yes.
	page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
	return { browser, page };
}

/** Signs in through the login form, as a person does, with the harness's owner account. */
export async function signInThroughForm(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.getByLabel(/email/i).first().fill(OWNER.email);
	await page
		.getByLabel(/password/i)
		.first()
		.fill(OWNER.password);
	await page.keyboard.press('Enter');
	// 'commit': the checks that follow wait for what they need; the load event is not one of them.
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), {
		timeout: 30_000,
		waitUntil: 'commit',
	});
}

/** Saves a full-window screenshot as artifacts/browser/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(ARTIFACTS_DIR, { recursive: true });
	const path = join(ARTIFACTS_DIR, `${name}.png`);
	await page.screenshot({ path });
	return path;
}

/**
 * Waits until the locator shows; on time-out, says what was awaited and
 * what `context` (default: the whole page) showed instead.
 */
export async function waitVisible(
	locator: Locator,
	what: string,
	options: { timeoutMs?: number; context?: Locator } = {},
): Promise<void> {
	const timeoutMs = options.timeoutMs ?? 30_000;
	try {
		await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
	} catch {
		const shown = await (options.context ?? locator.page().locator('body'))
			.first()
			.innerText({ timeout: 2_000 })
			.catch(() => '(could not read it)');
		throw new Error(
			`not visible within ${timeoutMs / 1000} s: ${what}\n--- what the editor showed instead ---\n${shown.replace(/\n{2,}/g, '\n').slice(0, 3000)}`,
		);
	}
	await settled(locator.first());
}

/**
 * Waits (up to 3 s, then goes on) until the element has stopped moving: a
 * toast slides in from the side, and a screenshot taken meanwhile shows half
 * of it.
 */
export async function settled(locator: Locator): Promise<void> {
	let last = '';
	const deadline = Date.now() + 3_000;
	while (Date.now() < deadline) {
		const box = await locator.boundingBox().catch(() => null);
		const now = JSON.stringify(box);
		if (box && now === last) return;
		last = now;
		await locator.page().waitForTimeout(100);
	}
}
