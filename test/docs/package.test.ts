/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs npm in Node, never inside n8n */
/**
 * What a user who installs from npm gets: the example workflows the README
 * names ship in the package, beside the built nodes.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

it('the packed package holds every example workflow', () => {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [packed] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
	const files = packed.files.map((file) => file.path);
	const examples = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.json'));
	expect(examples.length).toBeGreaterThan(0);
	for (const example of examples) expect(files).toContain(`examples/${example}`);
});
