/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it drives a real n8n from Node */
/**
 * The README's workflow JSON reference is enough to build working workflows:
 * the credential, receiving and sending JSON it prints (section "From the
 * reference to a working workflow"), with its `<…>` filled in and each seed
 * system's parameters from its table, are deployed to a real n8n
 * (E2E_TARGET 2.x or 1.x) through the public API. For each seed: a call
 * signed the seed's way, by code written here from the seed's docs, runs the
 * receiving workflow and a forged one gets 401; and the sending workflow's
 * calls reach the receiving one, verified, every record once.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, TARGETS, type TargetName } from '../harness/install';
import { N8n, outputItems, sleep, type WorkflowJson } from '../harness/n8n';
import { buildAndPack, installPackage } from '../harness/package';

const target = (process.env.E2E_TARGET ?? '2.x') as TargetName;
if (!(target in TARGETS))
	throw new Error(`E2E_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);

const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'workflow-json.md'), 'utf8');

/** The JSON block printed right after `<!-- workflow-json: name -->`. */
function printedJson(name: string): unknown {
	const marker = `<!-- workflow-json: ${name} -->\n\`\`\`json\n`;
	const start = readme.indexOf(marker);
	expect(start).toBeGreaterThan(0);
	const from = start + marker.length;
	return JSON.parse(readme.slice(from, readme.indexOf('```', from)));
}

/** The seeds table: name, the trigger's parameters, Send Webhook's parameters. */
function printedSeeds(): Array<[string, Record<string, unknown>, Record<string, unknown>]> {
	const start = readme.indexOf('<!-- workflow-json: seeds -->');
	expect(start).toBeGreaterThan(0);
	const lines = readme.slice(start).split('\n').slice(1);
	const rows = lines.slice(
		2,
		lines.findIndex((line, index) => index > 1 && !line.startsWith('|')),
	);
	return rows.map((row) => {
		const [seed, receive, send] = row
			.split(' | ')
			.map((cell) => cell.replace(/^\| |\|$/g, '').trim());
		const json = (cell: string) =>
			JSON.parse(cell.replace(/^`|`$/g, '')) as Record<string, unknown>;
		return [seed, json(receive), json(send)];
	});
}

const PARAMETERS_PLACEHOLDER = '<parameters from the table below>';

/**
 * The printed JSON with each `<…>` filled in: strings replaced whole or in
 * part, "<any UUID>" a new UUID each time, and the parameters placeholder
 * replaced by the seed's parameters.
 */
function fill(value: unknown, values: Record<string, string>, parameters: object): unknown {
	if (typeof value === 'string') {
		if (value === '<any UUID>') return randomUUID();
		return value.replace(/<[^<>]+>/g, (placeholder) => {
			const filled = values[placeholder];
			if (filled === undefined) throw new Error(`nothing to fill ${placeholder} with`);
			return filled;
		});
	}
	if (Array.isArray(value)) return value.map((entry) => fill(entry, values, parameters));
	if (typeof value === 'object' && value !== null) {
		const entries = Object.entries(value as Record<string, unknown>);
		const object: Record<string, unknown> = {};
		for (const [key, entry] of entries) {
			if (key === PARAMETERS_PLACEHOLDER) Object.assign(object, parameters);
			else object[fill(key, values, parameters) as string] = fill(entry, values, parameters);
		}
		return object;
	}
	return value;
}

/** A call signed the seed's way, by code written from its docs (not the package's). */
const SEED_SIGNERS: Record<
	string,
	(secret: string) => { body: string; headers: Record<string, string> }
> = {
	GoodFit: (secret) => {
		const body = JSON.stringify([{ domain: 'a.example' }, { domain: 'b.example' }]);
		const hex = createHmac('sha256', secret).update(body).digest('hex');
		return { body, headers: { 'x-goodfit-hmac-sha256': `sha256=${hex}` } };
	},
	'Smarter Launch': (secret) => {
		const body = JSON.stringify({ event: 'proposal.accepted', proposal: { id: 981 } });
		return {
			body,
			headers: { 'x-signature': createHmac('sha256', secret).update(body).digest('hex') },
		};
	},
	ConnectGain: (secret) => {
		const body = JSON.stringify({
			event: 'contact.created',
			timestamp: new Date().toISOString(),
			data: { id: randomUUID() },
		});
		return {
			body,
			headers: {
				'x-webhook-event': 'contact.created',
				'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
			},
		};
	},
	// Vinsight's published vector only reproduces with the body as the HMAC key.
	Vinsight: (secret) => {
		const body = JSON.stringify({ test: 'json', id: randomUUID() });
		return {
			body,
			headers: { 'x-signature': createHmac('sha256', body).update(secret).digest('hex') },
		};
	},
};

let n8n: N8n;

beforeAll(async () => {
	const installed = ensureN8n(TARGETS[target]);
	const userFolder = mkdtempSync(join(tmpdir(), `n8n-e2e-reference-${target}-`));
	installPackage(userFolder, buildAndPack());
	n8n = await N8n.start({ installed, userFolder });
	await n8n.signIn();
}, 20 * 60_000);

afterAll(async () => {
	await n8n?.stop();
});

describe(`workflow JSON written from the README reference, in n8n ${TARGETS[target].n8nVersion}`, () => {
	it('the reference prints a row for each seed system', () => {
		expect(printedSeeds().map(([seed]) => seed)).toEqual(Object.keys(SEED_SIGNERS));
	});

	it.each(printedSeeds())(
		'%s: receives a call signed its way, refuses a forged one, and receives what the sending workflow sends',
		async (seed, receiveParameters, sendParameters) => {
			const slug = seed.toLowerCase().replace(/\W+/g, '-');
			const secret = `${slug}-${randomBytes(12).toString('hex')}`;
			const path = `reference-${slug}`;
			const startPath = `reference-send-${slug}`;

			const credential = fill(
				printedJson('credential'),
				{
					'<seed>': seed,
					'<the shared secret>': secret,
				},
				{},
			) as { name: string; type: string; data: Record<string, unknown> };
			const credentialId = await n8n.createCredential(
				credential.name,
				credential.type,
				credential.data,
			);
			const values = {
				'<seed>': seed,
				'<path>': path,
				'<start path>': startPath,
				'<credential id>': credentialId,
				'<receiver URL>': `${n8n.baseUrl}/webhook/${path}`,
			};
			const receiving = await n8n.deploy(
				fill(printedJson('receive'), values, receiveParameters) as WorkflowJson,
				[path],
			);

			// A call signed the seed's way runs it; the same call with a forged signature does not.
			const call = SEED_SIGNERS[seed](secret);
			const post = async (headers: Record<string, string>) =>
				await fetch(`${n8n.baseUrl}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...headers },
					body: call.body,
				});
			expect((await post(call.headers)).status).toBe(200);
			await n8n.waitForExecutions(receiving, 1);
			const forged = Object.fromEntries(
				Object.entries(call.headers).map(([name, value]) => [
					name,
					/sig|hmac/i.test(name) ? value.replace(/[0-9a-f]{64}$/, 'f'.repeat(64)) : value,
				]),
			);
			expect((await post(forged)).status).toBe(401);

			// The sending workflow's calls reach the receiving one, verified.
			const sending = await n8n.deploy(
				fill(printedJson('send'), values, sendParameters) as WorkflowJson,
				[startPath],
			);
			const records = [1, 2, 3].map((n) => ({ id: `${slug}-${n}`, n }));
			const started = await fetch(`${n8n.baseUrl}/webhook/${startPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ records }),
			});
			expect(started.status).toBe(200);
			const [sent] = await n8n.waitForExecutions(sending, 1);
			expect(sent.status).toBe('success');
			expect(outputItems(sent, 'Send Webhook', 0)).toHaveLength(3);
			expect(outputItems(sent, 'Send Webhook', 1)).toEqual([]);

			// One execution per call (GoodFit sends one batch, split back into records).
			const calls = seed === 'GoodFit' ? 1 : 3;
			const runs = await n8n.waitForExecutions(receiving, 1 + calls);
			await sleep(1000);
			expect(await n8n.executions(receiving, false)).toHaveLength(1 + calls);
			const received = runs.flatMap((run) => outputItems(run, 'Webhook Trigger (Verified)'));
			const ids = JSON.stringify(received.map((item) => item.body));
			for (const record of records) expect(ids).toContain(record.id);
			for (const item of received) {
				expect(item.verification).toMatchObject({ scheme: receiveParameters.signatureScheme });
			}
		},
	);
});
