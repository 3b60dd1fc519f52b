/**
 * The credentialsHelper n8n's execution contexts call. In n8n it lives in the
 * cli package (CredentialsHelper, packages/cli/src/credentials-helper.ts) and
 * reads encrypted credentials from the database. Here the "database" is the
 * map of decrypted data a test passes; the rest follows n8n's code:
 * - getDecrypted applies the credential type's defaults, then resolves
 *   expressions in the data, as applyDefaultsAndOverwrites does (there are no
 *   credential overwrites or external secrets here);
 * - authenticate applies an `authenticate` function, or a generic
 *   `{ type: 'generic', properties: { headers/qs/body/auth: { key: value } } }`
 *   with every key and value resolved by the workflow's expression engine
 *   against `$credentials`, as n8n does.
 * Stubbed, because they only write to the database or run OAuth:
 * getCredentials, updateCredentials, updateCredentialsOauthTokenData.
 * preAuthentication returns nothing, which is what n8n does for a credential
 * type without an expirable property; it refuses types that have
 * preAuthentication so that nobody relies on it silently.
 */
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { getAdditionalKeys } from 'n8n-core';

import { WebhookHeaderAuthApi } from '../../../credentials/WebhookHeaderAuthApi.credentials';
import { WebhookSigningKeyApi } from '../../../credentials/WebhookSigningKeyApi.credentials';
import { WebhookSigningSecretApi } from '../../../credentials/WebhookSigningSecretApi.credentials';

/** The package's own credential types; tests may add inline ones. */
export function packageCredentialTypes(): ICredentialType[] {
	return [new WebhookSigningSecretApi(), new WebhookHeaderAuthApi(), new WebhookSigningKeyApi()];
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		types: readonly ICredentialType[],
		/** Decrypted data by credential type name: what the database would hold. */
		private readonly stored: Readonly<Record<string, ICredentialDataDecryptedObject>>,
	) {
		super();
		for (const type of types) this.types.set(type.name, type);
	}

	private type(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type)
			throw new UnexpectedError(`Unknown credential type "${name}": pass it in credentialTypes`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (type?.restrictToSupportedNodes !== true) return true;
		return type.supportedNodes?.includes(nodeType) ?? false;
	}

	getCredentialsProperties(name: string): INodeProperties[] {
		const type = this.type(name);
		if (type.extends === undefined) return type.properties;
		const combined: INodeProperties[] = [];
		for (const parent of type.extends)
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		NodeHelpers.mergeNodeProperties(combined, type.properties);
		return combined;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.stored[type];
		if (stored === undefined) {
			throw new UnexpectedError(
				`Credential with ID "${nodeCredentials.id ?? ''}" does not exist for type "${type}"`,
			);
		}
		const original = structuredClone(stored);
		if (raw === true) return original;
		return this.applyDefaults(
			additionalData,
			original,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** n8n's applyDefaultsAndOverwrites, without overwrites and external secrets. */
	applyDefaults(
		additionalData: IWorkflowExecuteAdditionalData | undefined,
		data: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		if (!expressionResolveValues || !additionalData) return withDefaults;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		return workflow.expression.getParameterValue(
			withDefaults as INodeParameters,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			executeData,
			false,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;

		requestOptions.headers ??= {};
		const resolve = (value: string): string => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			const keys: IWorkflowDataProxyAdditionalKeys = { $credentials: credentials };
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				keys,
				undefined,
				'',
			);
			return resolved ? String(resolved) : '';
		};
		const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
				target[outerKey] ??= {};
				target[outerKey][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		_helpers: unknown,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return this.refusePreAuthentication(typeName);
	}

	async runPreAuthentication(
		_helpers: unknown,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return this.refusePreAuthentication(typeName);
	}

	private refusePreAuthentication(typeName: string): undefined {
		if (this.types.get(typeName)?.preAuthentication) {
			throw new UnexpectedError(
				`The n8n test harness does not run preAuthentication (credential type "${typeName}")`,
			);
		}
		return undefined;
	}

	async getCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		throw new UnexpectedError(
			`The n8n test harness has no credentials database (getCredentials "${type}")`,
		);
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string): Promise<void> {
		throw new UnexpectedError(
			`The n8n test harness has no credentials database (updateCredentials "${type}")`,
		);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<void> {
		throw new UnexpectedError(
			`The n8n test harness has no credentials database (updateCredentialsOauthTokenData "${type}")`,
		);
	}
}
