/**
 * The queue-mode suite (npm run test:e2e:queue): n8n 2.41.1 with Postgres,
 * Redis, webhook processors behind nginx and workers, all started by the
 * suite on 127.0.0.1 (Debian's postgresql, redis-server and nginx must be
 * installed; .ci/run installs them).
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e/suites'],
	testMatch: ['**/*.queue.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	maxWorkers: 1,
	testTimeout: 300000,
	slowTestThreshold: 120,
	forceExit: true,
};
