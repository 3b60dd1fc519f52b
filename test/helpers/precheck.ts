import type { HeaderBag, Rejection, Scheme, VerifyOptions } from '../../core';
import { inspectCall } from '../../core/verify/inspect';

/** What verify() would refuse without a secret: the inspection's rejection, or undefined. */
export function precheck(
	scheme: Scheme,
	body: Uint8Array,
	headers: HeaderBag,
	options: VerifyOptions = {},
): Rejection | undefined {
	const inspected = inspectCall(scheme, body, headers, options);
	return inspected.ok ? undefined : inspected;
}
