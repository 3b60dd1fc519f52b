import { readHeader, type HeaderBag } from '../http/headers';

/**
 * Schedules as the systems we model publish them: seconds before the 2nd,
 * 3rd, … attempt. `default` is Smarter Launch's; `standardWebhooks` is
 * Standard Webhooks' and Svix's (immediately, then 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h), longer than an execution should wait: it is for a caller
 * that hands its retries to n8n's Wait node (LONG_WAIT_MAX_DELAY_SECONDS).
 */
export const RETRY_SCHEDULES = {
	default: [10, 100],
	standardWebhooks: [5, 300, 1800, 7200, 18000, 36000, 36000],
} as const;

/** The longest delay waited inside an execution, which holds its worker all that time. */
const IN_EXECUTION_MAX_DELAY_SECONDS = 3600;

/** The longest delay for a caller whose waits are kept by n8n's Wait node, not an execution. */
export const LONG_WAIT_MAX_DELAY_SECONDS = 7 * 24 * 3600;

/** Jitter above ±50 % would let two neighbouring delays of a schedule swap places. */
const MAX_JITTER = 0.5;

export interface RetryPolicy {
	/** Before the 2nd, 3rd, … attempt. Smarter Launch's schedule is the default. */
	readonly delaysSeconds: readonly number[];
	/**
	 * Each scheduled delay is moved by up to this fraction either way (0.2 =
	 * ±20 %), so endpoints that failed together are not all retried in the
	 * same second. None when absent.
	 */
	readonly jitter?: number;
	/**
	 * Retry 3xx and 4xx answers other than 408, 410 and 429: on by default, as
	 * the systems we model retry any non-2xx; off when a 4xx means "never".
	 */
	readonly retryClientErrors: boolean;
	/** Longer Retry-After asks are cut to this. */
	readonly retryAfterCapSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	delaysSeconds: RETRY_SCHEDULES.default,
	retryClientErrors: true,
	retryAfterCapSeconds: 300,
};

/** `send` implementations return this and never throw. */
export type AttemptOutcome =
	| {
			readonly kind: 'response';
			readonly status: number;
			readonly headers: HeaderBag;
			/** Already cut to a size fit for reporting. */
			readonly body?: string;
	  }
	| {
			readonly kind: 'error';
			/** timeout, connection refused / reset, DNS, TLS, …: all retried. */
			readonly code: string;
			readonly message: string;
	  };

interface Classification {
	readonly verdict: 'delivered' | 'retry' | 'give-up';
	/** One line for the delivery record. */
	readonly why: string;
}

export function classifyOutcome(outcome: AttemptOutcome, policy: RetryPolicy): Classification {
	if (outcome.kind === 'error') {
		return { verdict: 'retry', why: `${outcome.code}: ${outcome.message}` };
	}
	const { status } = outcome;
	if (status >= 200 && status <= 299) return { verdict: 'delivered', why: `answered ${status}` };
	if (status === 410) {
		// Standard Webhooks: 410 Gone means the endpoint is gone for good.
		return {
			verdict: 'give-up',
			why: 'answered 410 Gone: the receiver asked not to be called again',
		};
	}
	if (status === 408 || status === 429 || status >= 500) {
		return { verdict: 'retry', why: `answered ${status}` };
	}
	const what =
		status >= 300 && status <= 399
			? `answered ${status} (redirects are not followed)`
			: `answered ${status}`;
	return policy.retryClientErrors
		? { verdict: 'retry', why: what }
		: { verdict: 'give-up', why: `${what}; 3xx/4xx answers are not retried` };
}

/**
 * In ms, from delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined
 * when absent or unreadable; a date in the past asks for no wait.
 */
export function parseRetryAfter(headers: HeaderBag, now: Date): number | undefined {
	const header = readHeader(headers, 'retry-after');
	if (header.found !== 'one') return undefined;
	const value = header.value.trim();
	if (/^\d+$/.test(value)) return Number(value) * 1000;
	if (!HTTP_DATE.test(value)) return undefined;
	const date = Date.parse(value);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now.getTime());
}

// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms a
// recipient must still read. Date.parse alone reads far more ("soon 2099" is
// 1 January 2099), which would make junk ask for the longest wait allowed.
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
const HTTP_DATE = new RegExp(
	[
		`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`,
		`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`,
		`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`,
	].join('|'),
);

/**
 * The wait before attempt `nextAttempt` (2 = the first retry), or undefined
 * when the schedule is used up. The scheduled delay is jittered first
 * (`random` is injected so tests can pin it); a longer Retry-After is then
 * honoured up to the cap, and a shorter one does not hurry us.
 */
export function delayBeforeAttempt(
	nextAttempt: number,
	outcome: AttemptOutcome,
	policy: RetryPolicy,
	now: Date,
	random: () => number = Math.random,
): number | undefined {
	const scheduled = policy.delaysSeconds[nextAttempt - 2];
	if (scheduled === undefined) return undefined;
	const jitter = policy.jitter ?? 0;
	// No jitter draws no number and rounds nothing: the schedule is kept as written.
	const delay =
		jitter === 0
			? scheduled * 1000
			: Math.round(scheduled * 1000 * (1 + jitter * (2 * random() - 1)));
	const asked = outcome.kind === 'response' ? parseRetryAfter(outcome.headers, now) : undefined;
	const capped = asked === undefined ? 0 : Math.min(asked, policy.retryAfterCapSeconds * 1000);
	return Math.max(delay, capped);
}

export interface RetryLimits {
	/**
	 * The longest delay allowed, 3600 s when absent: a wait inside an
	 * execution holds it open. A caller that hands its retries to n8n's Wait
	 * node passes LONG_WAIT_MAX_DELAY_SECONDS.
	 */
	readonly maxDelaySeconds?: number;
}

/** Why a schedule cannot be used, or undefined if it can. */
export function describeRetryPolicyProblem(
	policy: RetryPolicy,
	limits: RetryLimits = {},
): string | undefined {
	const max = limits.maxDelaySeconds ?? IN_EXECUTION_MAX_DELAY_SECONDS;
	const delays = policy.delaysSeconds;
	if (delays.length > 10) return 'At most 10 retries can be scheduled';
	if (delays.some((delay) => !Number.isFinite(delay) || delay < 0 || delay > max)) {
		return `Retry delays must be numbers of seconds from 0 to ${max}`;
	}
	if (!Number.isFinite(policy.retryAfterCapSeconds) || policy.retryAfterCapSeconds < 0) {
		return 'The Retry-After cap must be a number of seconds, 0 or more';
	}
	const jitter = policy.jitter ?? 0;
	if (!Number.isFinite(jitter) || jitter < 0 || jitter > MAX_JITTER) {
		return `Retry jitter must be a fraction from 0 to ${MAX_JITTER} (0.2 moves each delay by up to ±20 %)`;
	}
	// The bound is on what is waited, so it holds for the jittered delay too.
	const longest = Math.max(0, ...delays) * (1 + jitter);
	if (longest > max) {
		return `With jitter ${jitter}, a delay of ${Math.max(...delays)} s can last ${Math.round(longest)} s; at most ${max} s are allowed`;
	}
	return undefined;
}
