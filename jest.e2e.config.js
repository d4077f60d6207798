/** End-to-end tests: a real n8n (installed from the npm registry) with the packed package, against the stand-in. */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 5 * 60 * 1000,
	maxWorkers: 1,
};
