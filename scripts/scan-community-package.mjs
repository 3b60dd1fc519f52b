/**
 * n8n's verification scanner (@n8n/scan-community-package), as n8n runs it
 * before listing a community package as verified: on the source (the files
 * its provenance check would attest) and on the packed tarball. Offline: it
 * lints a local folder and an unpacked `npm pack`, never the registry.
 *
 *   node scripts/scan-community-package.mjs [tarball]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	console.log(
		`${result.passed ? 'passed' : 'FAILED'}: ${label}${result.message ? ` (${result.message})` : ''}`,
	);
	if (!result.passed && result.details) console.log(result.details);
	return result.passed;
}

let tarball = process.argv[2];
if (!tarball) {
	const out = mkdtempSync(join(tmpdir(), 'scan-pack-'));
	execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	tarball = join(
		out,
		readdirSync(out).find((name) => name.endsWith('.tgz')),
	);
}
const unpacked = mkdtempSync(join(tmpdir(), 'scan-tarball-'));
execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);

const source = await scan('the source', root, SOURCE_FILE_PATTERNS);
// As the scanner does: the tarball's compiled .js and its package.json.
const packed = await scan(`the packed tarball (${tarball})`, unpacked, ['**/*.js', 'package.json']);
process.exit(source && packed ? 0 : 1);
