/**
 * Delivery ids, the receiver's key to de-duplicate on. A random one is new on
 * every run; one from the call's content or the items' own ids is the same
 * on a re-run, so the receiver can recognise it.
 */
import { createHash, randomBytes } from 'node:crypto';

import { describeCharacter } from '../http/headers';

/** In Standard Webhooks' style: `msg_` and 18 random bytes, base64url. */
export function newDeliveryId(): string {
	return `msg_${randomBytes(18).toString('base64url')}`;
}

const MAX_DELIVERY_ID_LENGTH = 200;
const ID_CHARACTER = /^[A-Za-z0-9_:-]$/;

/**
 * Why `id` is not 1 to `maxLength` of `A-Z a-z 0-9 _ : -`, or undefined.
 * Such an id travels intact in a header, a URL and a log line. `why`, given
 * the first character refused, may add a reason of the caller's own.
 */
export function describeIdProblem(
	id: string,
	maxLength: number,
	why: (character: string) => string = () => '',
): string | undefined {
	if (id === '') return 'is empty';
	const characters = [...id];
	if (characters.length > maxLength) {
		return `is ${characters.length} characters long; at most ${maxLength} are allowed`;
	}
	const at = characters.findIndex((character) => !ID_CHARACTER.test(character));
	if (at === -1) return undefined;
	const character = characters[at];
	return `has ${describeCharacter(character)} at position ${at + 1}; only letters, digits, "_", ":" and "-" are allowed${why(character)}`;
}

/**
 * Why a delivery id cannot be used, or undefined if it can: 1 to 200 of
 * `A-Z a-z 0-9 _ : -`, all intact in a header. No `.`: Standard Webhooks and
 * Svix sign `{id}.{timestamp}.{body}`, so id `a.1` at time `2` would sign as
 * id `a` at time `1.2`.
 */
export function describeDeliveryIdProblem(id: string): string | undefined {
	return describeIdProblem(id, MAX_DELIVERY_ID_LENGTH, (character) =>
		character === '.'
			? ' (Standard Webhooks signs "{id}.{timestamp}.{body}": a "." in the id would let that text be read two ways)'
			: '',
	);
}

/** What a call's content id is derived from: what it sends, never when. */
export interface CallContent {
	readonly method: string;
	readonly url: string;
	readonly event: string;
	readonly batched: boolean;
	readonly wrapperKey?: string;
	readonly envelope: boolean;
	readonly records: readonly unknown[];
}

/**
 * Hashed from what a call sends. No timestamp goes in (not ConnectGain's
 * envelope time, nor a signature's), so the same call made again, on a
 * re-run, gets the same id.
 */
export function contentDeliveryId(call: CallContent): string {
	return hashedId(
		JSON.stringify([
			'content-id/1',
			call.method,
			call.url,
			call.event,
			call.batched,
			call.wrapperKey ?? null,
			call.envelope,
			call.records,
		]),
	);
}

/**
 * The id of a call whose items have ids of their own: one item's id, or a
 * hash of the ids joined by line feeds, in batch order (an id cannot hold a
 * line feed, so no two lists join alike).
 */
export function batchDeliveryId(ids: readonly string[]): string {
	return ids.length === 1 ? ids[0] : hashedId(ids.join('\n'));
}

/** `msg_` and the first 24 base64url characters (144 bits) of the text's SHA-256. */
function hashedId(text: string): string {
	return `msg_${createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 24)}`;
}
