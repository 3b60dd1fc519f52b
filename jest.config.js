/**
 * npm test (and npm run fuzz): the unit, node and loopback-HTTP tests in
 * test/. Nothing here starts n8n; the suites that do are e2e/jest.config.js's.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 20000,
};
