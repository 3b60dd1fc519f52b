/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/**
 * How hard the property and fault-schedule tests (`*.fuzz.test.ts`) push.
 * `npm test` runs a quick sample of each; `npm run fuzz` sets FUZZ=long and
 * runs the counts the hardening issue asks for. A failure prints fast-check's
 * seed and path, so a run can be replayed exactly.
 */
export const LONG_FUZZ = process.env.FUZZ === 'long';

/** `quick` cases in npm test, `long` in npm run fuzz. */
export function fuzzRuns(quick: number, long: number): number {
	return LONG_FUZZ ? long : quick;
}

/** A jest timeout for a fuzz test: generous in long mode, where it is all the run does. */
export function fuzzTimeout(quickMs: number, longMs: number): number {
	return LONG_FUZZ ? longMs : quickMs;
}
