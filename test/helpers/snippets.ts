/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test code: it runs in Node, never inside n8n, and runs the README's snippets in their interpreters */
/**
 * The receiver snippets the README prints, and a way to run them: each one is
 * saved as a program in its own language, with a driver appended that calls
 * its `verify` on every case read from stdin and prints the answers as JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Language = 'node' | 'python' | 'php';

export const LANGUAGES: readonly Language[] = ['node', 'python', 'php'];

/** The info string each language's fenced block must have. */
export const FENCES: Readonly<Record<Language, string>> = {
	node: 'js',
	python: 'python',
	php: 'php',
};

export interface Snippet {
	readonly scheme: string;
	readonly language: string;
	readonly fence: string;
	readonly code: string;
}

/**
 * What `verify` is called with: the raw body (base64 here), lower-case headers,
 * and the secret, or for a public-key scheme the public key.
 */
export interface SnippetCase {
	readonly bodyBase64: string;
	readonly headers: Readonly<Record<string, string>>;
	readonly secret: string;
}

const START = '<!-- receivers:start -->';
const END = '<!-- receivers:end -->';

/** Every `<!-- snippet: scheme/language -->` marker between the receivers markers, with the fenced block after it. */
export function readmeSnippets(readme: string): Snippet[] {
	const start = readme.indexOf(START);
	const end = readme.indexOf(END);
	if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} block`);
	const block = readme.slice(start + START.length, end);
	const snippets: Snippet[] = [];
	const pattern = /<!-- snippet: ([^\s/]+)\/(\S+) -->\n```(\S*)\n([\s\S]*?)\n```(?:\n|$)/g;
	for (const match of block.matchAll(pattern)) {
		snippets.push({ scheme: match[1], language: match[2], fence: match[3], code: match[4] });
	}
	const markers = block.match(/<!-- snippet:/g)?.length ?? 0;
	if (markers !== snippets.length)
		throw new Error(
			`${markers} snippet markers but ${snippets.length} are followed directly by a fenced block`,
		);
	return snippets;
}

const COMMANDS: Readonly<Record<Language, string>> = {
	node: process.execPath,
	// .ci/run points this at Debian's python3 when the one on PATH (pyenv,
	// say) lacks the cryptography package and cannot get it offline.
	python: process.env.SNIPPET_PYTHON ?? 'python3',
	php: 'php',
};

/** Whether the language's interpreter runs here. */
export function interpreterFound(language: Language): boolean {
	const result = spawnSync(COMMANDS[language], ['--version'], {
		encoding: 'utf8',
		timeout: 10_000,
	});
	return !result.error && result.status === 0;
}

/**
 * Each driver answers, per case, what `verify` returned (so a non-boolean
 * shows up as itself), or "threw: <message>". Warnings are errors: a snippet
 * that warns on bad input would fill a real app's logs.
 */
const PROGRAMS: Readonly<Record<Language, { file: string; wrap: (code: string) => string }>> = {
	node: {
		file: 'receiver.js',
		wrap: (code) => `'use strict';
${code}

const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map((c) => {
	try {
		return verify(Buffer.from(c.bodyBase64, 'base64'), c.headers, c.secret);
	} catch (error) {
		return 'threw: ' + String(error);
	}
})));
`,
	},
	python: {
		file: 'receiver.py',
		wrap: (code) => `${code}


def _answer(case):
    import base64
    try:
        return verify(base64.b64decode(case['bodyBase64']), case['headers'], case['secret'])
    except Exception as error:
        return 'threw: ' + repr(error)


if __name__ == '__main__':
    import json, sys
    print(json.dumps([_answer(case) for case in json.load(sys.stdin)]))
`,
	},
	php: {
		file: 'receiver.php',
		wrap: (code) => `<?php
declare(strict_types=1);

set_error_handler(function (int $level, string $message): bool {
    throw new ErrorException($message, 0, $level);
});

${code}

$cases = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
echo json_encode(array_map(function (array $case) {
    try {
        return verify(base64_decode($case['bodyBase64'], true), $case['headers'], $case['secret']);
    } catch (Throwable $error) {
        return 'threw: ' . get_class($error) . ': ' . $error->getMessage();
    }
}, $cases), JSON_THROW_ON_ERROR);
`,
	},
};

const ARGUMENTS: Readonly<Record<Language, readonly string[]>> = {
	node: [],
	python: ['-I', '-W', 'error'],
	php: ['-d', 'error_reporting=-1', '-d', 'display_errors=stderr'],
};

/**
 * Whether `probe`, one line of the language's code, runs cleanly in its
 * interpreter as the snippets are run (Python isolated, so only what is
 * installed counts). It tells whether what a snippet needs beyond the
 * interpreter (Ed25519 in Python needs the `cryptography` package) is there.
 */
export function probeSucceeds(language: Language, probe: string): boolean {
	const flag = { node: '-e', python: '-c', php: '-r' }[language];
	const result = spawnSync(COMMANDS[language], [...ARGUMENTS[language], flag, probe], {
		encoding: 'utf8',
		timeout: 10_000,
	});
	return !result.error && result.status === 0 && result.stderr.trim() === '';
}

/** Runs one snippet once, on every case; answers what `verify` returned for each. */
export function runVerify(
	language: Language,
	code: string,
	cases: readonly SnippetCase[],
): unknown[] {
	const dir = mkdtempSync(join(tmpdir(), 'receiver-snippet-'));
	try {
		const program = PROGRAMS[language];
		const path = join(dir, program.file);
		writeFileSync(path, program.wrap(code));
		const result = spawnSync(COMMANDS[language], [...ARGUMENTS[language], path], {
			input: JSON.stringify(cases),
			encoding: 'utf8',
			timeout: 15_000,
		});
		if (result.error) throw result.error;
		if (result.status !== 0 || result.stderr.trim() !== '')
			throw new Error(
				`${language} exited with ${result.status}:\n${result.stderr}\n--- stdout:\n${result.stdout}`,
			);
		const answers = JSON.parse(result.stdout) as unknown;
		if (!Array.isArray(answers) || answers.length !== cases.length)
			throw new Error(`${language} answered ${result.stdout}`);
		return answers as unknown[];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
