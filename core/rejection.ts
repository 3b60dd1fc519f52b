import type { RejectionReason } from './reasons';
import type { VerifyRejection } from './verify';

/** verify()'s answer for a call it refuses; `extra` says what was known of the call by then. */
export function reject(
	reason: RejectionReason,
	detail: string,
	extra: Partial<VerifyRejection> = {},
): VerifyRejection {
	return { valid: false, reason, detail, ...extra };
}

/** What a check made before the signature gives back when it refuses the call. */
export interface Refused {
	readonly ok: false;
	readonly rejection: VerifyRejection;
}

export function refuse(
	reason: RejectionReason,
	detail: string,
	extra: Partial<VerifyRejection> = {},
): Refused {
	return { ok: false, rejection: reject(reason, detail, extra) };
}
