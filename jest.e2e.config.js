/**
 * The real-n8n suite (npm run test:e2e): n8n installed into ~/.cache on first
 * use, this package packed and installed into it, workflows driven over HTTP.
 * E2E_TARGET picks the n8n line (2.x or 1.x). One file at a time: each starts
 * its own n8n.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e/suites'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	maxWorkers: 1,
	testTimeout: 300000,
	slowTestThreshold: 60,
	// The suite stops every n8n it started (afterAll); a socket left half-open
	// by a failed start must not keep CI waiting until its time limit.
	forceExit: true,
};
