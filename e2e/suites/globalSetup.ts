/**
 * The globalSetup of the real-n8n projects (e2e, queue and browser in
 * jest.config.js). Jest 30 takes maxWorkers, forceExit and testTimeout from
 * the run, never from a project, so the npm scripts pass them. A run that
 * reaches a real-n8n suite without them (a bare `npx jest` selects every
 * project) would start several n8n at once, each with the unit tests' 20 s to
 * install: this stops it before anything starts, and says what to run.
 */

/** The part of jest's global config this reads (jest passes all of it). */
interface RunWideOptions {
	readonly maxWorkers: number;
	readonly forceExit: boolean;
	readonly testTimeout?: number;
}

/** What the real-n8n npm scripts pass, as their own configs once set it. */
const SCRIPT_OPTIONS = '--maxWorkers=1 --forceExit --testTimeout=300000';
const SUITE_TIMEOUT_MS = 300_000;

export default function requireRealN8nRunOptions(run: RunWideOptions): void {
	const oneFileAtATime = run.maxWorkers === 1;
	const longEnough = (run.testTimeout ?? 0) >= SUITE_TIMEOUT_MS;
	if (oneFileAtATime && run.forceExit && longEnough) return;
	throw new Error(
		`the real-n8n suites run with ${SCRIPT_OPTIONS}: use npm run test:e2e, ` +
			'test:e2e:queue or test:e2e:browser. For the unit tests alone: npm test, ' +
			'or npx jest --selectProjects unit.',
	);
}
