/**
 * One jest project per suite; each npm script picks its own with --selectProjects.
 *
 * - unit (npm test, npm run fuzz): test/, the unit, node and loopback-HTTP
 *   tests. Nothing in it starts n8n.
 * - e2e (npm run test:e2e): the real-n8n suite. n8n is installed into ~/.cache
 *   on first use, this package packed and installed into it, workflows driven
 *   over HTTP. E2E_TARGET picks the n8n line (2.x or 1.x).
 * - queue (npm run test:e2e:queue): n8n 2.41.1 with Postgres, Redis, webhook
 *   processors behind nginx and workers, all started by the suite on 127.0.0.1
 *   (Debian's postgresql, redis-server and nginx must be installed; .ci/run
 *   installs them).
 * - browser (npm run test:e2e:browser): n8n 2.41.1 from the e2e harness, this
 *   package installed into it, and its editor driven in Debian's Chromium
 *   through playwright-core. Screenshots go to artifacts/browser.
 *
 * Jest 30 takes maxWorkers, forceExit and testTimeout from the run, not from a
 * project (forceExit and maxWorkers in a project are refused with a warning; a
 * project's testTimeout is accepted and ignored). So the run-wide values here
 * are the unit tests', and the real-n8n scripts pass their own on the command
 * line: --maxWorkers=1 (each file starts its own n8n, so one file at a time),
 * --forceExit (a socket left half-open by a failed n8n start must not keep CI
 * waiting until its time limit) and --testTimeout=300000. A bare `npx jest`
 * selects every project; e2e/suites/globalSetup.ts then stops it before any
 * n8n starts.
 */
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
};

/** A suite that drives a real n8n: the files in e2e/suites whose names end in `suffix`. */
function realN8nProject(displayName, suffix, slowTestThreshold) {
	return {
		displayName,
		testEnvironment: 'node',
		roots: ['<rootDir>/e2e/suites'],
		testMatch: [`**/*${suffix}`],
		transform,
		slowTestThreshold,
		globalSetup: '<rootDir>/e2e/suites/globalSetup.ts',
	};
}

module.exports = {
	testTimeout: 20000,
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			transform,
		},
		realN8nProject('e2e', '.e2e.test.ts', 60),
		realN8nProject('queue', '.queue.test.ts', 120),
		realN8nProject('browser', '.browser.test.ts', 120),
	],
};
