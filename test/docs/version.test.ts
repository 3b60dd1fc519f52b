/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * One version story: package.json's version is the newest release in
 * CHANGELOG.md, and every version each node declares is named there as
 * "**Node Name** 1, 1.1" (see the changelog's opening paragraph).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeTypeDescription } from 'n8n-workflow';

import { SendWebhook } from '../../nodes/SendWebhook/SendWebhook.node';
import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import { WebhookSignature } from '../../nodes/WebhookSignature/WebhookSignature.node';

const root = join(__dirname, '..', '..');
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const { version, n8n } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	version: string;
	n8n: { nodes: string[] };
};

/** Every node the package ships, by its display name. */
const NODES: Array<[string, INodeTypeDescription]> = [
	['Send Webhook', new SendWebhook().description],
	['Verified Webhook Trigger', new VerifiedWebhookTrigger().description],
	['Webhook Signature', new WebhookSignature().description],
];

/** The "## [x]" headings, newest first. */
const headings = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map(([, name, rest]) => ({
	name,
	rest,
}));

describe('CHANGELOG.md', () => {
	it('opens with [Unreleased], then releases in Keep a Changelog form', () => {
		expect(changelog.startsWith('# Changelog\n')).toBe(true);
		expect(headings[0]).toEqual({ name: 'Unreleased', rest: '' });
		const releases = headings.slice(1);
		expect(releases.length).toBeGreaterThan(0);
		for (const release of releases) {
			expect(release.name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
			// Dated once published; the newest may wait for its date until it is tagged.
			expect(release.rest).toMatch(/^( - \d{4}-\d{2}-\d{2})?$/);
		}
		for (const release of releases.slice(1)) expect(release.rest).not.toBe('');
	});

	it("has package.json's version as its newest release", () => {
		expect(headings[1]?.name).toBe(version);
	});

	it('covers every node package.json ships', () => {
		expect(NODES).toHaveLength(n8n.nodes.length);
	});

	it.each(NODES)('names every version of %s that the node declares', (displayName, description) => {
		expect(description.displayName).toBe(displayName);
		const declared = Array.isArray(description.version)
			? description.version
			: [description.version];
		const named = [...changelog.matchAll(/^- \*\*([^*]+)\*\* ([\d.]+(?:, [\d.]+)*):/gm)]
			.filter(([, name]) => name === displayName)
			.flatMap(([, , versions]) => versions.split(', ').map(Number));
		for (const nodeVersion of declared) expect(named).toContain(nodeVersion);
		for (const nodeVersion of named) expect(declared).toContain(nodeVersion);
	});
});
