/**
 * The browser suite (npm run test:e2e:browser): n8n 2.41.1 from the e2e
 * harness, this package installed into it, and its editor driven in Debian's
 * Chromium through playwright-core. Screenshots go to artifacts/browser.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e/suites'],
	testMatch: ['**/*.browser.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	maxWorkers: 1,
	testTimeout: 300000,
	slowTestThreshold: 120,
	// n8n and Chromium are stopped in afterAll; a failed start must not keep CI waiting.
	forceExit: true,
};
