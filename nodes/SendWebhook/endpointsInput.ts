/**
 * The endpoints a run sends to: the rows of the second input (a Data Table's,
 * a database's, a sheet's), each read and checked once, with the secret it
 * signs with. A row that cannot be used is reported on Endpoint Events, never
 * skipped in silence, and never stops the deliveries to the others.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	endpointSecretSet,
	readEndpoint,
	resolveKeys,
	type Endpoint,
	type SecretSet,
} from '../../core';
import { bodyHashParameterProblem, checkUrl, headerProblem } from './requestChecks';
import type { RunSettings } from './runSettings';

/** An endpoint ready to send to: its row, its checked URL and the secrets it signs with. */
export interface EndpointTarget {
	readonly endpoint: Endpoint;
	readonly url: string;
	/** Undefined where the credential's own secrets or keys sign (unsigned, public-key schemes). */
	readonly secrets?: SecretSet;
	/** Where its row came from in the Endpoints input; undefined for a retry's own copy. */
	readonly inputIndex?: number;
}

/** A row of the Endpoints input that cannot be used, and why. */
export interface RefusedRow {
	readonly inputIndex: number;
	readonly detail: string;
	readonly endpointId?: string;
}

export interface EndpointsInput {
	/** Every usable endpoint by id, active or not. */
	readonly byId: ReadonlyMap<string, EndpointTarget>;
	/** The rows that cannot be used: each becomes an endpoint.invalid event. */
	readonly refused: RefusedRow[];
}

/** The Endpoints input (the node's second), read once per run. */
export function readEndpointsInput(
	settings: RunSettings,
	rows: readonly INodeExecutionData[],
): EndpointsInput {
	const byId = new Map<string, EndpointTarget>();
	const firstRow = new Map<string, string>();
	const refused: RefusedRow[] = [];
	rows.forEach((row, inputIndex) => {
		const refuse = (detail: string, endpointId?: string) => {
			refused.push({ inputIndex, detail, endpointId });
		};
		const target = endpointTarget(settings, row.json, inputIndex);
		if (!target.ok) {
			refuse(target.detail, target.endpointId);
			return;
		}
		const { id } = target.target.endpoint;
		// A Data Table node that ran once per event gives each row many times:
		// copies are one endpoint; two different rows with one id are neither.
		const same = JSON.stringify(row.json);
		const earlier = firstRow.get(id);
		if (earlier === undefined) {
			firstRow.set(id, same);
			byId.set(id, target.target);
		} else if (earlier !== same) {
			byId.delete(id);
			refuse(`Two different endpoint rows have the ID "${id}"; neither is used`, id);
		}
	});
	return { byId, refused };
}

type TargetResult =
	| { ok: true; target: EndpointTarget }
	| { ok: false; detail: string; endpointId?: string };

/** One endpoint row (or a retry's copy of one) as a target, or why it cannot be one. */
export function endpointTarget(
	settings: RunSettings,
	row: IDataObject,
	inputIndex?: number,
): TargetResult {
	const read = readEndpoint(row);
	if (!read.ok) return { ok: false, detail: read.detail };
	const { endpoint } = read;
	const failed = (detail: string): TargetResult => ({ ok: false, detail, endpointId: endpoint.id });
	const url = checkUrl(endpoint.url, settings.httpsOnly);
	if (!url.ok) return failed(url.detail);
	const problem = requestProblem(settings, endpoint, url.url);
	if (problem) return failed(problem);
	const secrets = secretsOf(settings, endpoint);
	if (!secrets.ok) return failed(secrets.detail);
	return { ok: true, target: { endpoint, url: url.url, secrets: secrets.secrets, inputIndex } };
}

/** The checks the URL parameter and Header Parameters get, as a sentence, or undefined. */
function requestProblem(
	settings: RunSettings,
	endpoint: Endpoint,
	url: string,
): string | undefined {
	const problem =
		bodyHashParameterProblem(url, settings.signing?.resolved.scheme) ??
		Object.entries(endpoint.headers)
			.map(([name, value]) => headerProblem(name, value, settings.reservedHeaders))
			.find((found) => found !== undefined);
	return problem?.detail;
}

/** Derived from the credential's secret, or the row's own; checked here, never shown. */
function secretsOf(
	settings: RunSettings,
	endpoint: Endpoint,
): { ok: true; secrets?: SecretSet } | { ok: false; detail: string } {
	const { signing, system } = settings;
	if (!signing || signing.resolved.scheme.kind !== 'hmac') return { ok: true };
	const { secretEncoding } = signing.resolved.scheme;
	if (system.secretsFromRecord) {
		if (endpoint.secret === undefined)
			return { ok: false, detail: 'The endpoint has no secret (its secret field is empty)' };
		const secrets: SecretSet = { primary: endpoint.secret, encoding: signing.secrets.encoding };
		const keys = resolveKeys(secrets, secretEncoding);
		return keys.ok
			? { ok: true, secrets }
			: { ok: false, detail: `The endpoint's secret cannot sign: ${keys.detail}` };
	}
	const derived = endpointSecretSet(signing.secrets, secretEncoding, endpoint, {
		overlapMs: system.rotationOverlapMs,
		now: new Date(),
	});
	return derived.ok
		? { ok: true, secrets: derived.secrets }
		: { ok: false, detail: derived.detail };
}
