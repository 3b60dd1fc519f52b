import type { SchemeBase, TimestampFormat } from './schemes/types';

export interface BodyShape {
	/** Batches send a JSON array of records; single deliveries send the record itself. */
	readonly batched: boolean;
	/** Batches only: send {"<key>": [records]} instead of the bare array. */
	readonly wrapperKey?: string;
	/** Wrap as {event, timestamp, data}, ConnectGain's envelope. */
	readonly envelope?: { readonly event: string };
}

/** The JSON value of one call: the record(s), wrapped as the shape says. */
export function assembleBody(
	records: readonly unknown[],
	shape: BodyShape,
	createdAt: Date,
): unknown {
	let value: unknown = shape.batched ? records : records[0];
	if (shape.batched && shape.wrapperKey) value = { [shape.wrapperKey]: value };
	if (shape.envelope)
		value = { event: shape.envelope.event, timestamp: createdAt.toISOString(), data: value };
	return value;
}

/** Why a value cannot be sent as JSON, or undefined if it can. */
export function describeSerialisationProblem(value: unknown): string | undefined {
	try {
		return JSON.stringify(value) === undefined ? `A ${typeof value} is not JSON` : undefined;
	} catch (error) {
		return (error as Error).message; // BigInt, circular structures
	}
}

export type BodyWriter = (attemptTime: Date) => string;

/**
 * The body text of each attempt, written when the attempt is prepared: the
 * text an attempt signs is the text it sends. Nothing is kept between calls,
 * so a node sending many batches holds only the bodies in flight, not all of
 * them. A scheme whose timestamp lives in the body (Linear's
 * webhookTimestamp, ConnectGain's envelope timestamp) gets each attempt's own
 * time written there.
 */
export function bodyWriter(
	value: unknown,
	scheme: SchemeBase | undefined,
): BodyWriter | { error: string } {
	const source = scheme?.timestamp;
	if (source?.in !== 'body') return () => JSON.stringify(value);
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {
			error: `${scheme?.name} carries its timestamp in a "${source.field}" field of a JSON object body; this body is ${Array.isArray(value) ? 'an array' : 'not an object'}. Turn on the event envelope or a batch wrapper key.`,
		};
	}
	const record = value as Record<string, unknown>;
	return (attemptTime) =>
		JSON.stringify({ ...record, [source.field]: bodyTimestamp(attemptTime, source.format) });
}

function bodyTimestamp(at: Date, format: TimestampFormat): string | number {
	if (format === 'iso8601') return at.toISOString();
	return format === 'unix-ms' ? at.getTime() : Math.floor(at.getTime() / 1000);
}
