/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * The README tells a newcomer the truth: its scheme tables are the catalog's,
 * its parameter reference is the descriptions', and it shows the commands CI
 * runs. `UPDATE_README=1 npm test` rewrites the generated parts after a
 * scheme or a parameter changes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { WebhookHeaderAuthApi } from '../../credentials/WebhookHeaderAuthApi.credentials';
import { WebhookSigningKeyApi } from '../../credentials/WebhookSigningKeyApi.credentials';
import { WebhookSigningSecretApi } from '../../credentials/WebhookSigningSecretApi.credentials';
import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import {
	isConfigurationProblem,
	REJECTION_REASONS,
	type ReceiveRejectionReason,
	type RejectionReason,
} from '../../core';
import { credentialReference, nodeReference } from '../helpers/parameterReference';
import {
	bodySignatureSchemeTable,
	handshakeTable,
	publicKeySchemeTable,
	schemeSummaryTable,
	schemeTable,
} from '../helpers/schemeTable';

const root = join(__dirname, '..', '..');
const readmePath = join(root, 'README.md');

/**
 * Replaces what is between `start` and `end` in `file` (UPDATE_README=1), or
 * checks it is `wanted`.
 */
function expectGenerated(file: string, start: string, end: string, wanted: string) {
	const path = join(root, file);
	const readme = readFileSync(path, 'utf8');
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	expect(from).toBeGreaterThan(0);
	expect(to).toBeGreaterThan(from);
	const current = readme.slice(from + start.length, to).trim();
	if (current !== wanted && process.env.UPDATE_README === '1') {
		writeFileSync(path, `${readme.slice(0, from + start.length)}\n${wanted}\n${readme.slice(to)}`);
		return;
	}
	expect(current).toBe(wanted);
}

describe('README and docs', () => {
	it("README's short scheme table is generated from the catalog", () => {
		expectGenerated(
			'README.md',
			'<!-- scheme-summary:start -->',
			'<!-- scheme-summary:end -->',
			schemeSummaryTable(),
		);
	});

	it('docs/schemes.md holds the scheme table generated from the catalog', () => {
		expectGenerated(
			'docs/schemes.md',
			'<!-- scheme-table:start -->',
			'<!-- scheme-table:end -->',
			schemeTable(),
		);
	});

	it('docs/schemes.md holds the public-key scheme table generated from the catalog', () => {
		expectGenerated(
			'docs/schemes.md',
			'<!-- public-key-scheme-table:start -->',
			'<!-- public-key-scheme-table:end -->',
			publicKeySchemeTable(),
		);
	});

	it('docs/workflow-json.md holds the parameter reference generated from the node and credential descriptions', () => {
		const { name } = JSON.parse(
			readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
		) as {
			name: string;
		};
		const schemes = 'a scheme id: see the scheme tables';
		expectGenerated(
			'docs/workflow-json.md',
			'<!-- parameter-reference:start -->',
			'<!-- parameter-reference:end -->',
			[
				nodeReference(name, new SendWebhook().description, schemes),
				nodeReference(name, new VerifiedWebhookTrigger().description, schemes),
				credentialReference(new WebhookSigningSecretApi()),
				credentialReference(new WebhookSigningKeyApi()),
				credentialReference(new WebhookHeaderAuthApi()),
			].join('\n\n'),
		);
	});

	it('explains every reason the trigger answers, with the status the caller gets', () => {
		// The receiver's own reasons; the type makes this list complete.
		const receiverOnly: Record<Exclude<ReceiveRejectionReason, RejectionReason>, string> = {
			unsupported_body: '415',
			body_too_large: '413',
			in_progress: '503',
			replayed_id: '200 or 401/403',
		};
		// Verification's reasons with a status of their own (receive.ts, statusFor).
		const ownStatus: Partial<Record<RejectionReason, string>> = { too_many_form_parameters: '413' };
		const expected = new Map<string, string>([
			...REJECTION_REASONS.map(
				(reason) =>
					[
						reason,
						ownStatus[reason] ?? (isConfigurationProblem(reason) ? '500' : '401/403'),
					] as const,
			),
			...Object.entries(receiverOnly),
		]);
		const readme = readFileSync(join(root, 'docs', 'troubleshooting.md'), 'utf8');
		const table = readme.slice(
			readme.indexOf('<!-- troubleshooting:start -->'),
			readme.indexOf('<!-- troubleshooting:end -->'),
		);
		const rows = table
			.split('\n')
			.filter((line) => line.startsWith('| `'))
			.map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '').trim()));
		const documented = new Map(rows.map(([reason, status]) => [reason.replace(/`/g, ''), status]));
		expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected));
		for (const row of rows) {
			expect(row).toHaveLength(4);
			for (const text of row) expect(text.length).toBeGreaterThan(2);
		}
	});

	it('docs/receiving.md holds the handshake table generated from the catalog', () => {
		expectGenerated(
			'docs/receiving.md',
			'<!-- handshake-table:start -->',
			'<!-- handshake-table:end -->',
			handshakeTable(),
		);
	});

	it('docs/schemes.md holds the body-signature scheme table generated from the catalog', () => {
		expectGenerated(
			'docs/schemes.md',
			'<!-- body-signature-scheme-table:start -->',
			'<!-- body-signature-scheme-table:end -->',
			bodySignatureSchemeTable(),
		);
	});

	it('docs/architecture.md names only files and folders that exist', () => {
		const map = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
		// e2e/ too: the map names the real-n8n suites, which live there.
		const paths = [...map.matchAll(/`((?:core|nodes|credentials|test|e2e)\/[\w./<>-]*)`/g)].map(
			([, path]) => path.replace(/<Node>\/$/, ''),
		);
		expect(paths.length).toBeGreaterThan(20);
		for (const path of paths)
			expect(existsSync(join(root, path)) ? path : `missing: ${path}`).toBe(path);
	});

	it('shows the two commands a contributor runs, which .ci/run runs too', () => {
		const readme = readFileSync(readmePath, 'utf8');
		const contributing = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');
		expect(contributing).toMatch(/^npm ci\b/m);
		expect(contributing).toMatch(/^npm test\b/m);
		const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8');
		expect(readme).toContain('npm ci');
		expect(readme).toContain('npm test');
		expect(ci).toMatch(/^npm ci$/m);
		expect(ci).toMatch(/^npm test$/m);
	});
});
