/**
 * What applies to every item: the scheme and the credential, read once from
 * the first item's parameters, as Send Webhook reads them, so a setting that
 * cannot work stops the node before any item is read.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_REJECTION_STATUS, type SecretSet } from '../../core';
import { loadSchemeSecrets, type CredentialUse } from '../shared/loadCredentials';
import { chooseScheme, type ResolvedScheme } from '../shared/schemeChoice';

export interface SchemeSettings {
	readonly resolved: ResolvedScheme;
	readonly secrets: SecretSet;
}

export interface VerifySettings extends SchemeSettings {
	/** Undefined: the scheme's own window, as the trigger reads Timestamp Tolerance. */
	readonly toleranceSeconds?: number;
	readonly rejectionStatus: number;
}

/** A setting every item shares is wrong: the error names item 0, as Send Webhook's do. */
export function settingError(
	context: IExecuteFunctions,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex: 0, description });
}

/**
 * The scheme and its credential. A receiver's credential is checked here as
 * a sender's is: a Verify step with an unusable secret would put every call
 * on Invalid, which reads as "forged" when it is the workflow that is wrong.
 */
export async function readSchemeSettings(
	context: IExecuteFunctions,
	use: CredentialUse,
): Promise<SchemeSettings> {
	const choice = chooseScheme((name, fallback) => context.getNodeParameter(name, 0, fallback));
	if (!choice.ok) throw settingError(context, choice.detail, choice.description);
	if (!choice.resolved) throw settingError(context, 'No signing scheme is set');
	const loaded = await loadSchemeSecrets(context, choice.resolved.scheme, use);
	if (!loaded.ok) throw settingError(context, loaded.detail, loaded.description);
	return { resolved: choice.resolved, secrets: loaded.secrets };
}

export async function readVerifySettings(context: IExecuteFunctions): Promise<VerifySettings> {
	const settings = await readSchemeSettings(context, 'receive');
	const { scheme } = settings.resolved;
	// Where the provider fixes it (Discord: 401), whatever the node says.
	const rejectionStatus =
		scheme.rejectionStatus ??
		Number(context.getNodeParameter('rejectionStatus', 0, DEFAULT_REJECTION_STATUS));
	return {
		...settings,
		toleranceSeconds: readTolerance(context.getNodeParameter('toleranceSeconds', 0, null)),
		rejectionStatus,
	};
}

/**
 * Timestamp Tolerance as the trigger reads it: undefined (the scheme's own
 * window) where the parameter is not shown; an expression that gives no
 * number stays NaN, which the core refuses as a configuration problem.
 */
function readTolerance(value: unknown): number | undefined {
	return value === null || value === undefined || value === '' ? undefined : Number(value);
}
