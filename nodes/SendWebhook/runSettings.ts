/**
 * What applies to every item of a run: read once, from the first item's
 * parameters, and checked before any item is read, so a setting that cannot
 * work stops the run before its first call.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	DEFAULT_RETRY_POLICY,
	describeBatchSizeProblem,
	describeRetryPolicyProblem,
	describeUnsendableHeaderName,
	headersSignSets,
	LONG_WAIT_MAX_DELAY_SECONDS,
	RETRY_SCHEDULES,
	type RetryPolicy,
	type SecretSet,
} from '../../core';
import { loadHeaderAuth, loadSchemeSecrets } from '../shared/loadCredentials';
import { chooseScheme, type ResolvedScheme } from '../shared/schemeChoice';
import {
	DEFAULT_CONCURRENCY,
	DEFAULT_DEADLINE_SECONDS,
	DEFAULT_GIVE_UP_AFTER,
	DEFAULT_HTTPS_ONLY,
	DEFAULT_RESPONSE_BODY_LIMIT,
	DEFAULT_RETRY_DELAYS,
	DEFAULT_TIMEOUT_MS,
	MAX_CONCURRENCY,
} from './description';
import { fail } from './nodeErrors';
import type { RetryMode } from './retryLater';
import {
	DEFAULT_DISABLE_AFTER_FAILURES,
	DEFAULT_ROTATION_OVERLAP_HOURS,
} from './systemDescription';
import type { TransportSettings } from './transport';

/** Header for the delivery id when the scheme has none of its own (Standard Webhooks' name). */
const DELIVERY_ID_HEADER = 'webhook-id';

/** Where each call's delivery id comes from (see core/send/deliveryId.ts). */
type DeliveryIdSource = 'random' | 'content' | 'expression';
const DELIVERY_ID_SOURCES: readonly string[] = ['random', 'content', 'expression'];

export interface RunSettings {
	readonly signing?: { readonly resolved: ResolvedScheme; readonly secrets: SecretSet };
	readonly policy: RetryPolicy;
	readonly transport: TransportSettings;
	readonly batchSize: number;
	readonly batched: boolean;
	readonly wrapperKey?: string;
	readonly envelope: boolean;
	readonly stopOnFailure: boolean;
	readonly concurrency: number;
	readonly httpsOnly: boolean;
	/** Lower-case names of headers the node itself sets; a user header may not replace them. */
	readonly reservedHeaders: ReadonlyMap<string, string>;
	/** The scheme's header for the Event Name, when it has one. */
	readonly eventHeader?: string;
	/** The header the node sends the delivery id in, where the scheme has no id header. */
	readonly deliveryIdHeader?: string;
	readonly deliveryId: DeliveryIdSource;
	/** Deadline (Seconds): 0 leaves it to the workflow's execution timeout. */
	readonly deadlineSeconds: number;
	/** Failed calls in a row after which a destination is given up on; 0 never. */
	readonly giveUpAfter: number;
	readonly retryMode: RetryMode;
	readonly system: SystemSettings;
}

/** The webhook system's settings (docs/webhook-system.md). */
export interface SystemSettings {
	/** Endpoints from the second input, or the URL parameter. */
	readonly toEndpoints: boolean;
	/** Endpoints' secrets derived from the credential's, or read from each endpoint's row. */
	readonly secretsFromRecord: boolean;
	readonly rotationOverlapMs: number;
	/** Whether the Log output is there: always with endpoints, else by the Delivery Log Output option. */
	readonly logOutput: boolean;
	readonly logBodies: boolean;
	/** Failed deliveries in a row after which an endpoint is reported disabled; 0 never. */
	readonly disableAfterFailures: number;
	/** Items are log rows to send again (Payload: A Logged Delivery). */
	readonly resend: boolean;
}

export async function readRunSettings(context: IExecuteFunctions): Promise<RunSettings> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const resolved = readScheme(context);
	const signing = resolved
		? { resolved, secrets: await readSigningSecrets(context, resolved) }
		: undefined;
	const retryMode: RetryMode = options.retryMode === 'waitNode' ? 'waitNode' : 'inNode';
	const policy = readRetryPolicy(context, options, retryMode);
	const batched = context.getNodeParameter('batching', 0) === 'batch';
	const batchSize = batched ? (context.getNodeParameter('batchSize', 0) as number) : 1;
	const batchProblem = describeBatchSizeProblem(batchSize);
	if (batchProblem) fail(context, batchProblem, 0);
	const useHeaderAuth = context.getNodeParameter('authentication', 0) === 'headerAuth';
	const deliveryIdHeader = resolved?.scheme.idHeader ? undefined : DELIVERY_ID_HEADER;
	const reservedHeaders = await readReservedHeaders(
		context,
		resolved,
		deliveryIdHeader,
		useHeaderAuth,
	);
	const deliveryId = context.getNodeParameter('deliveryId', 0, 'random') as string;
	if (!DELIVERY_ID_SOURCES.includes(deliveryId))
		fail(context, `Unknown Delivery ID choice "${deliveryId}"`, 0);
	const { deadlineSeconds, giveUpAfter, concurrency } = readRunLimits(context, options);
	return {
		signing,
		policy,
		transport: {
			timeoutMs: (options.timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS,
			useHeaderAuth,
			responseBodyLimit:
				(options.responseBodyLimit as number | undefined) ?? DEFAULT_RESPONSE_BODY_LIMIT,
		},
		batchSize,
		batched,
		wrapperKey: batched
			? (context.getNodeParameter('batchWrapperKey', 0, '') as string).trim() || undefined
			: undefined,
		// ConnectGain's body is always the envelope: its signed timestamp lives there.
		envelope:
			(context.getNodeParameter('envelope', 0, false) as boolean) ||
			(resolved?.scheme.kind === 'hmac' && resolved.scheme.envelope === true),
		stopOnFailure: context.getNodeParameter('onFailure', 0) === 'error',
		concurrency,
		httpsOnly: (options.httpsOnly as boolean | undefined) ?? DEFAULT_HTTPS_ONLY,
		reservedHeaders,
		eventHeader: resolved?.scheme.eventHeader,
		deliveryIdHeader,
		deliveryId: deliveryId as DeliveryIdSource,
		deadlineSeconds,
		giveUpAfter,
		retryMode,
		system: readSystemSettings(context, options),
	};
}

function readSystemSettings(context: IExecuteFunctions, options: IDataObject): SystemSettings {
	const toEndpoints = context.getNodeParameter('destination', 0, 'url') === 'endpoints';
	const overlapHours =
		(options.rotationOverlapHours as number | undefined) ?? DEFAULT_ROTATION_OVERLAP_HOURS;
	const disableAfter =
		(options.disableAfterFailures as number | undefined) ?? DEFAULT_DISABLE_AFTER_FAILURES;
	if (!Number.isFinite(overlapHours) || overlapHours < 0)
		fail(context, `Rotation Overlap must be a number of hours, 0 or more (got ${overlapHours})`, 0);
	if (!Number.isInteger(disableAfter) || disableAfter < 0)
		fail(
			context,
			`Disable an Endpoint After must be a whole number of failed deliveries, 0 or more (got ${disableAfter})`,
			0,
		);
	return {
		toEndpoints,
		secretsFromRecord:
			toEndpoints && context.getNodeParameter('endpointSecrets', 0, 'derived') === 'record',
		rotationOverlapMs: overlapHours * 3_600_000,
		logOutput: toEndpoints || options.logOutput === true,
		logBodies: options.logBodies === true,
		disableAfterFailures: disableAfter,
		resend: context.getNodeParameter('payload', 0, 'item') === 'resend',
	};
}

/** The Signing Scheme, undefined for "None"; one whose headers cannot all be sent is refused. */
export function readScheme(context: IExecuteFunctions): ResolvedScheme | undefined {
	const choice = chooseScheme((name, fallback) => context.getNodeParameter(name, 0, fallback));
	if (!choice.ok) fail(context, choice.detail, 0, choice.description);
	refuseUnsendableSchemeHeaders(context, choice.resolved);
	return choice.resolved;
}

/** Checked once here, so no attempt is ever sent unsigned or signed with garbage. */
export async function readSigningSecrets(
	context: IExecuteFunctions,
	{ scheme }: ResolvedScheme,
): Promise<SecretSet> {
	const loaded = await loadSchemeSecrets(context, scheme, 'send');
	if (!loaded.ok) fail(context, loaded.detail, 0, loaded.description);
	return loaded.secrets;
}

/**
 * The header names a user chose for the scheme (Smarter Launch's and Generic
 * HMAC's): one that cannot be sent would leave the call without it, unsigned.
 */
function refuseUnsendableSchemeHeaders(
	context: IExecuteFunctions,
	resolved: ResolvedScheme | undefined,
): void {
	if (!resolved) return;
	const { scheme } = resolved;
	const named: Array<[string, string | undefined]> = [
		['Signature Header Name', resolved.signatureHeader ?? scheme.signatureHeader],
		[
			'Timestamp Header Name',
			scheme.timestamp?.in === 'header' ? scheme.timestamp.header : undefined,
		],
		['ID Header Name', scheme.idHeader],
	];
	for (const [parameter, name] of named) {
		const problem = name === undefined ? undefined : describeUnsendableHeaderName(name);
		if (problem) {
			fail(
				context,
				`${parameter}: ${problem}`,
				0,
				'Choose another header name: the call would go out without this header.',
			);
		}
	}
}

function readRetryPolicy(
	context: IExecuteFunctions,
	options: IDataObject,
	retryMode: RetryMode,
): RetryPolicy {
	const policy: RetryPolicy = {
		...readSchedule(context, options, retryMode),
		retryClientErrors:
			(options.retryClientErrors as boolean | undefined) ?? DEFAULT_RETRY_POLICY.retryClientErrors,
		retryAfterCapSeconds:
			(options.retryAfterCap as number | undefined) ?? DEFAULT_RETRY_POLICY.retryAfterCapSeconds,
	};
	// Waits handed to n8n's Wait node are kept in its database: they may be long.
	const policyProblem = describeRetryPolicyProblem(
		policy,
		retryMode === 'waitNode' ? { maxDelaySeconds: LONG_WAIT_MAX_DELAY_SECONDS } : undefined,
	);
	if (policyProblem) {
		const hint =
			retryMode === 'inNode'
				? 'Longer waits need Options → Retries: Through a Wait Node, where n8n keeps the wait in its database.'
				: undefined;
		fail(context, policyProblem, 0, hint);
	}
	return policy;
}

/** Standard Webhooks' jitter: retries of many calls failed together do not all land at once. */
const STANDARD_WEBHOOKS_JITTER = 0.2;

/**
 * The waits between attempts: a preset, or Retry Delays. A workflow saved
 * before Retry Schedule existed, with Retry Delays set, keeps its delays.
 */
function readSchedule(
	context: IExecuteFunctions,
	options: IDataObject,
	retryMode: RetryMode,
): Pick<RetryPolicy, 'delaysSeconds' | 'jitter'> {
	const typed = options.retryDelays as string | undefined;
	const schedule =
		(options.retrySchedule as string | undefined) ?? (typed === undefined ? 'default' : 'custom');
	if (
		schedule !== 'custom' &&
		typed !== undefined &&
		typed.replace(/\s/g, '') !== DEFAULT_RETRY_DELAYS.replace(/\s/g, '')
	)
		fail(
			context,
			'Retry Delays applies only with Retry Schedule: Custom',
			0,
			'Set Retry Schedule to Custom, or remove Retry Delays.',
		);
	if (schedule === 'custom')
		return { delaysSeconds: parseDelays(context, typed ?? DEFAULT_RETRY_DELAYS) };
	if (schedule === 'default') return { delaysSeconds: RETRY_SCHEDULES.default };
	if (schedule !== 'standardWebhooks')
		return fail(context, `Unknown Retry Schedule "${schedule}"`, 0);
	if (retryMode !== 'waitNode')
		fail(
			context,
			'The Standard Webhooks schedule waits up to 10 hours between attempts: no execution should wait that long',
			0,
			'Set Options → Retries to "Through a Wait Node" and wire the Retry output through a Wait node back into this node; n8n keeps those waits in its database, across restarts.',
		);
	return { delaysSeconds: RETRY_SCHEDULES.standardWebhooks, jitter: STANDARD_WEBHOOKS_JITTER };
}

function parseDelays(context: IExecuteFunctions, text: string): number[] {
	const parts = text
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
	const delays = parts.map(Number);
	if (delays.some((delay) => !Number.isFinite(delay))) {
		fail(
			context,
			`Retry Delays must be numbers of seconds separated by commas, like "10, 100" (got "${text}")`,
			0,
		);
	}
	return delays;
}

/**
 * The headers the node sets itself, each with who sets it: the signing
 * scheme, the node (for the delivery id) and the Header Auth credential,
 * whose header may not be one of the others'.
 */
async function readReservedHeaders(
	context: IExecuteFunctions,
	resolved: ResolvedScheme | undefined,
	deliveryIdHeader: string | undefined,
	useHeaderAuth: boolean,
): Promise<Map<string, string>> {
	const reserved = new Map<string, string>();
	if (resolved) {
		for (const name of headersSignSets(resolved.scheme, resolved.signatureHeader))
			reserved.set(name.toLowerCase(), 'the signing scheme');
	}
	if (deliveryIdHeader) reserved.set(deliveryIdHeader, 'the node, for the delivery ID');
	if (!useHeaderAuth) return reserved;
	const loaded = await loadHeaderAuth(context);
	if (!loaded.ok) return fail(context, loaded.detail, 0, loaded.description);
	const authHeader = loaded.header;
	const clash = reserved.get(authHeader.toLowerCase());
	if (clash)
		fail(context, `The Header Auth credential's header ${authHeader} is also set by ${clash}`, 0);
	reserved.set(authHeader.toLowerCase(), 'the Header Auth credential');
	return reserved;
}

/** Deadline (Seconds), Give Up on a Destination After and Requests in Flight, each checked. */
function readRunLimits(
	context: IExecuteFunctions,
	options: IDataObject,
): { deadlineSeconds: number; giveUpAfter: number; concurrency: number } {
	const deadlineSeconds =
		(options.deadlineSeconds as number | undefined) ?? DEFAULT_DEADLINE_SECONDS;
	if (
		typeof deadlineSeconds !== 'number' ||
		!Number.isFinite(deadlineSeconds) ||
		deadlineSeconds < 0
	)
		fail(
			context,
			`Deadline (Seconds) must be a number of seconds, 0 or more (got ${String(deadlineSeconds)})`,
			0,
		);
	const giveUpAfter =
		(options.giveUpAfterFailedCalls as number | undefined) ?? DEFAULT_GIVE_UP_AFTER;
	if (typeof giveUpAfter !== 'number' || !Number.isInteger(giveUpAfter) || giveUpAfter < 0)
		fail(
			context,
			`Give Up on a Destination After must be a whole number of failed calls, 0 or more (got ${String(giveUpAfter)})`,
			0,
		);
	const concurrency = (options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY;
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
		fail(
			context,
			`Requests in Flight must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${String(concurrency)})`,
			0,
		);
	return { deadlineSeconds, giveUpAfter, concurrency };
}
