import type { Failure } from '../result';
import type { RejectionReason } from './reasons';

/** Why a call is refused, and what was known of it by then. */
export interface Rejection extends Failure<RejectionReason> {
	readonly timestamp?: Date;
	readonly id?: string;
}

export function reject(
	reason: RejectionReason,
	detail: string,
	known: { readonly timestamp?: Date; readonly id?: string } = {},
): Rejection {
	return { ok: false, reason, detail, ...known };
}
