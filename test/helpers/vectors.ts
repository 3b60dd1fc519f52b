/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code: it runs in Node, never inside n8n */
/** The reference vectors (test/fixtures/signature-vectors.json), read once for every test. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReferenceVector {
	readonly secret: string;
	readonly payload: string | Record<string, unknown>;
	readonly timestamp: number | null;
	readonly id: string | null;
	readonly method?: string;
	readonly url?: string;
	readonly expected_header_values: Record<string, string>;
	readonly expected_response_body?: Record<string, string>;
	readonly provenance: string;
	readonly body_bytes_hex?: string;
}

export interface ReferenceScheme {
	readonly scheme: string;
	readonly vectors: readonly ReferenceVector[];
}

export const REFERENCE_SCHEMES = JSON.parse(
	readFileSync(join(__dirname, '..', 'fixtures', 'signature-vectors.json'), 'utf8'),
) as readonly ReferenceScheme[];

/** The vectors of one reference scheme; throws when the fixture has none, so no test passes empty. */
export function referenceVectors(scheme: string): readonly ReferenceVector[] {
	const vectors = REFERENCE_SCHEMES.find((entry) => entry.scheme === scheme)?.vectors ?? [];
	if (vectors.length === 0) throw new Error(`no ${scheme} vector in the fixture`);
	return vectors;
}

/** A vector whose body is text and whose call carries a timestamp (Zoom, Slack, Discord, SendGrid). */
export type TimedTextVector = ReferenceVector & {
	readonly payload: string;
	readonly timestamp: number;
};

/** referenceVectors, each checked to be a TimedTextVector. */
export function timedTextVectors(scheme: string): readonly TimedTextVector[] {
	return referenceVectors(scheme).map((vector) => {
		if (typeof vector.payload !== 'string' || typeof vector.timestamp !== 'number') {
			throw new Error(`a ${scheme} vector without a text body and a timestamp`);
		}
		return vector as TimedTextVector;
	});
}
