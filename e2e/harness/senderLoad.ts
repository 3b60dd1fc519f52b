/**
 * A provider sending signed webhooks at a steady rate, as Standard Webhooks
 * senders (Svix) do: every call signed by the official library, and a call
 * answered with anything but 2xx (or not answered: a reset, a timeout) sent
 * again later under the same webhook-id, re-signed with a new timestamp. Some
 * calls are forged (signed with another secret): those must be refused and
 * never retried into acceptance. Each call keeps every attempt's answer, so a
 * chaos test can say what the sender saw, what it retried, and when it
 * stopped.
 */
import { randomBytes } from 'node:crypto';

import { Webhook as StandardWebhook } from 'standardwebhooks';

import { sleep } from './n8n';

export interface SenderOptions {
	/** Where the calls go: the load balancer's webhook URL. */
	readonly url: string;
	readonly secret: string;
	readonly callsPerSecond: number;
	/** One call in this many is forged. */
	readonly forgedEvery: number;
	/** The waits before each retry, in order; after the last, the sender gives up. */
	readonly retryDelaysMs: readonly number[];
	/** How long one attempt may take before the sender counts it as unanswered. */
	readonly attemptTimeoutMs: number;
	/** Prefix of every webhook-id, to find this run's calls downstream. */
	readonly run: string;
}

export interface Attempt {
	/** Date.now() when it was sent. */
	readonly at: number;
	/** How long until the answer (or the error). */
	readonly ms: number;
	/** The HTTP status, or 0 when there was none (reset, refused, timed out). */
	readonly status: number;
	/** The answer's body (first 200 characters), or the error's code. */
	readonly detail: string;
}

export interface SentCall {
	readonly id: string;
	readonly forged: boolean;
	/** Every attempt, until one is answered 2xx or 4xx (no retry helps) or the schedule is spent. */
	readonly attempts: Attempt[];
}

/** The sender's view of a call: its last answer. */
export function finalStatus(call: SentCall): number {
	return call.attempts.at(-1)?.status ?? 0;
}

export class SenderLoad {
	readonly calls: SentCall[] = [];

	private sending = false;

	private loop: Promise<void> = Promise.resolve();

	private readonly inFlight = new Set<Promise<void>>();

	private readonly forger = new StandardWebhook(`whsec_${randomBytes(32).toString('base64')}`);

	private readonly signer: StandardWebhook;

	constructor(private readonly options: SenderOptions) {
		this.signer = new StandardWebhook(options.secret);
	}

	/** Starts sending new calls at the steady rate. */
	start(): void {
		this.sending = true;
		this.loop = this.sendSteadily();
	}

	/** Stops new calls, and waits until every call sent has settled (its retries included). */
	async stop(): Promise<SentCall[]> {
		this.sending = false;
		await this.loop;
		while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
		return this.calls;
	}

	private async sendSteadily(): Promise<void> {
		const gapMs = 1000 / this.options.callsPerSecond;
		const started = Date.now();
		for (let n = 0; this.sending; n++) {
			const call: SentCall = {
				id: `msg_${this.options.run}_${n}`,
				forged: n % this.options.forgedEvery === this.options.forgedEvery - 1,
				attempts: [],
			};
			this.calls.push(call);
			const delivery = this.deliver(call).finally(() => this.inFlight.delete(delivery));
			this.inFlight.add(delivery);
			await sleep(Math.max(0, started + (n + 1) * gapMs - Date.now()));
		}
	}

	/** Sends a call, and again after each retry delay until it is settled. */
	private async deliver(call: SentCall): Promise<void> {
		for (let retry = 0; ; retry++) {
			const attempt = await this.attempt(call);
			call.attempts.push(attempt);
			const refused = attempt.status >= 400 && attempt.status < 500;
			const accepted = attempt.status >= 200 && attempt.status < 300;
			if (accepted || refused || retry >= this.options.retryDelaysMs.length) return;
			await sleep(this.options.retryDelaysMs[retry]);
		}
	}

	private async attempt(call: SentCall): Promise<Attempt> {
		const at = Date.now();
		const body = JSON.stringify({ event: 'order.paid', id: call.id });
		const signer = call.forged ? this.forger : this.signer;
		try {
			const response = await fetch(this.options.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'webhook-id': call.id,
					'webhook-timestamp': String(Math.floor(at / 1000)),
					'webhook-signature': signer.sign(call.id, new Date(at), body),
				},
				body,
				signal: AbortSignal.timeout(this.options.attemptTimeoutMs),
			});
			const detail = (await response.text()).slice(0, 200);
			return { at, ms: Date.now() - at, status: response.status, detail };
		} catch (error) {
			const cause = (error as { cause?: { code?: string } }).cause;
			return { at, ms: Date.now() - at, status: 0, detail: cause?.code ?? (error as Error).name };
		}
	}
}
