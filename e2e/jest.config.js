/**
 * The suites that drive a real n8n, one jest project each; each npm script
 * picks its own with --selectProjects:
 * - e2e (npm run test:e2e): n8n installed into ~/.cache on first use, this
 *   package packed and installed into it, workflows driven over HTTP.
 *   E2E_TARGET picks the n8n line (2.x or 1.x).
 * - queue (npm run test:e2e:queue): n8n 2.41.1 with Postgres, Redis, webhook
 *   processors behind nginx and workers, all started by the suite on
 *   127.0.0.1 (Debian's postgresql, redis-server and nginx; .ci/run installs them).
 * - browser (npm run test:e2e:browser): n8n 2.41.1 and its editor driven in
 *   Debian's Chromium through playwright-core. Screenshots go to artifacts/browser.
 *
 * A config of their own, apart from the unit tests', because jest takes these
 * three from the run, never from a project: one file at a time (each starts
 * its own n8n), a generous timeout (the first run installs n8n), and
 * forceExit (a socket left half-open by a failed n8n start must not keep CI
 * waiting until its time limit).
 */
const { resolve } = require('node:path');

/** The repository: paths below are written from there. */
const repository = resolve(__dirname, '..');

const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
};

/** The files in e2e/suites whose names end in `suffix`. */
function suite(displayName, suffix, slowTestThreshold) {
	return {
		displayName,
		rootDir: repository,
		testEnvironment: 'node',
		roots: ['<rootDir>/e2e/suites'],
		testMatch: [`**/*${suffix}`],
		transform,
		slowTestThreshold,
	};
}

module.exports = {
	rootDir: repository,
	maxWorkers: 1,
	testTimeout: 300000,
	forceExit: true,
	projects: [
		suite('e2e', '.e2e.test.ts', 60),
		suite('queue', '.queue.test.ts', 120),
		suite('browser', '.browser.test.ts', 120),
	],
};
