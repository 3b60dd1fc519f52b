/**
 * Runs one of our nodes as n8n 2.41 runs it: inside n8n-core's own
 * ExecuteContext / WebhookContext / CredentialTestContext, built on a real
 * n8n-workflow Workflow that holds the node, so everything the node calls is
 * n8n's code: parameter resolution with the expression engine (per item),
 * default parameter values, getCredentials' checks, continueOnFail(),
 * getExecutionCancelSignal(), and helpers.httpRequest(WithAuthentication)
 * making real HTTP requests.
 *
 * What is not n8n's here, and why:
 * - the credentials database: see ./credentials.ts;
 * - express: see ./webhook-http.ts;
 * - additionalData services a node of ours never reaches (sub-workflows,
 *   task runners, agents): they throw if called;
 * - the expression engine is n8n-workflow's "legacy" evaluator. n8n 2.41's
 *   server default is N8N_EXPRESSION_ENGINE=vm (isolated-vm), started by the
 *   cli at boot; isolated-vm 7 ships no binary for Node 20, and both engines
 *   implement the same expression language.
 *
 * WorkflowExecute itself (the loop that routes items between nodes, turns an
 * error thrown under "continue on fail" into an error item, runs lifecycle
 * hooks) is not used: a node's own behaviour is what these tests are about,
 * so an error thrown by execute() rejects runExecute.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';

import {
	CredentialTestContext,
	ExecuteContext,
	ExternalSecretsProxy,
	HookContext,
	WebhookContext,
} from 'n8n-core';
import {
	createRunExecutionData,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	type CloseFunction,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type ITaskDataConnections,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type NodeExecutionHint,
	type WorkflowActivateMode,
	type WebhookType,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper, packageCredentialTypes } from './credentials';
import { ensureServices } from './services';
import {
	buildRequest,
	buildResponse,
	type RecordedResponse,
	type ResponseControl,
	type WebhookRequestOptions,
} from './webhook-http';

export type { RecordedResponse, ResponseControl, WebhookRequestOptions } from './webhook-http';

export interface NodeRunOptions {
	/** The node's parameters as a workflow's JSON holds them; a string starting with "=" is an expression. */
	readonly parameters: INodeParameters;
	/** Decrypted credential data by credential type name; each one is also set on the node. */
	readonly credentials?: Readonly<Record<string, IDataObject>>;
	/**
	 * The id each credential has on the node. Default: one id per distinct
	 * data, as if each were its own saved credential; give the same id with
	 * other data to stand for a credential edited in place.
	 */
	readonly credentialIds?: Readonly<Record<string, string>>;
	/** Credential types besides the package's own two (for an inline test node). */
	readonly credentialTypes?: readonly ICredentialType[];
	/** Default: the node's latest version. */
	readonly typeVersion?: number;
}

export interface ExecuteOptions extends NodeRunOptions {
	/** The items on main input 0; default one empty item. */
	readonly items?: INodeExecutionData[];
	/** The items on main inputs 1, 2, …, for a node with more than one input. */
	readonly moreInputs?: INodeExecutionData[][];
	/** Sets node.onError = 'continueRegularOutput', as the editor's "On Error: Continue" does. */
	readonly continueOnFail?: boolean;
	/** The execution's cancel signal, as getExecutionCancelSignal() returns it. */
	readonly abortSignal?: AbortSignal;
	/** Default 'manual' (run from the editor). */
	readonly mode?: WorkflowExecuteMode;
	/** The workflow's settings besides executionOrder v1, as getWorkflowSettings() returns them (an executionTimeout). */
	readonly workflowSettings?: IWorkflowSettings;
}

export interface ExecuteResult {
	/** What execute() returned, one array per output. */
	readonly outputs: INodeExecutionData[][];
	/** Hints the node added with addExecutionHints(). */
	readonly hints: NodeExecutionHint[];
}

export interface WebhookOptions extends NodeRunOptions {
	readonly request: WebhookRequestOptions;
	/** Default 'webhook' (an active workflow's production URL). */
	readonly mode?: WorkflowExecuteMode;
	/** Which of the node's webhooks is called; default 'default'. */
	readonly webhookName?: WebhookType;
	/** n8n's webhook base URLs (WEBHOOK_URL plus N8N_ENDPOINT_WEBHOOK / _TEST); default 127.0.0.1:5678. */
	readonly webhookBaseUrl?: string;
	readonly webhookTestBaseUrl?: string;
	/** The workflow the node is in; default the harness's one. */
	readonly workflowId?: string;
}

export interface WebhookResult {
	/** What webhook() returned. */
	readonly webhookResponse: IWebhookResponseData;
	/** What the node wrote to getResponseObject(). */
	readonly response: RecordedResponse;
	/** Ends the call as n8n (or the caller) would after webhook() returned. */
	readonly control: ResponseControl;
}

/** n8n names a community node's type "<package name>.<node name>". */
const PACKAGE_NAME = 'n8n-nodes-signed-webhooks';
const WORKFLOW_ID = 'harness-workflow';
/** Only ever printed into URLs a node may ask for (resume URLs and the like); never contacted. */
const BASE_URL = 'http://127.0.0.1:5678';

/** Runs nodeType.execute() in n8n-core's ExecuteContext; rejects with whatever the node throws. */
export async function runExecute(
	nodeType: INodeType,
	options: ExecuteOptions,
): Promise<ExecuteResult> {
	ensureServices();
	if (!nodeType.execute) throw new UnexpectedError(`${nodeType.description.name} has no execute()`);
	const node = buildNode(
		nodeType,
		options,
		options.continueOnFail ? { onError: 'continueRegularOutput' } : {},
	);
	const workflow = buildWorkflow(nodeType, node, options.workflowSettings);
	const additionalData = buildAdditionalData(options);

	// As WorkflowExecute hands a start node its input: one entry on the
	// execution stack, whose main input 0 is also the items expressions see.
	const items = options.items ?? [{ json: {} }];
	const inputData: ITaskDataConnections = { main: [items, ...(options.moreInputs ?? [])] };
	const executeData: IExecuteData = { node, data: inputData, source: null };
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [executeData] },
	});
	const closeFunctions: CloseFunction[] = [];
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'manual',
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		closeFunctions,
		options.abortSignal,
	);
	try {
		const output = await nodeType.execute.call(context);
		if (output !== null && !Array.isArray(output)) {
			throw new UnexpectedError(
				'execute() returned an engine request, which the harness does not run',
			);
		}
		return { outputs: (output ?? []) as INodeExecutionData[][], hints: context.hints };
	} finally {
		// As WorkflowExecute.executeNode: whatever the node registered to close, closed.
		await Promise.allSettled(closeFunctions.map(async (close) => await close()));
	}
}

/** Runs nodeType.webhook() in n8n-core's WebhookContext, as n8n's WebhookService does for an incoming call. */
export async function runWebhook(
	nodeType: INodeType,
	options: WebhookOptions,
): Promise<WebhookResult> {
	ensureServices();
	if (!nodeType.webhook) throw new UnexpectedError(`${nodeType.description.name} has no webhook()`);
	const node = buildNode(nodeType, options, { webhookId: 'harness-webhook-id' });
	const workflow = buildWorkflow(nodeType, node, {}, options.workflowId);
	const additionalData = buildAdditionalData(options);
	if (options.webhookBaseUrl) additionalData.webhookBaseUrl = options.webhookBaseUrl;
	if (options.webhookTestBaseUrl) additionalData.webhookTestBaseUrl = options.webhookTestBaseUrl;
	const request = buildRequest(options.request);
	const { response, recorded, control } = buildResponse();
	// express's types are not installed, so these two fields are typed loosely by n8n-workflow.
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse =
		response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];

	const mode = options.mode ?? 'webhook';
	const webhookName = options.webhookName ?? 'default';
	const description: IWebhookDescription = nodeType.description.webhooks?.find(
		(webhook) => webhook.name === webhookName,
	) ?? { name: webhookName, httpMethod: String(request.method), path: '' };
	const webhookData = webhookDataOf(
		node,
		workflow,
		additionalData,
		description,
		options.request.method ?? 'POST',
		mode,
	);
	// runExecutionData is null: a webhook that starts a workflow runs before there is an execution.
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
	const webhookResponse = await nodeType.webhook.call(context);
	return { webhookResponse, response: recorded, control };
}

export interface HookOptions extends NodeRunOptions {
	/** Which lifecycle method n8n calls. */
	readonly method: 'checkExists' | 'create' | 'delete';
	/** 'manual' when listening for a test call, 'webhook' for a published workflow. */
	readonly mode: WorkflowExecuteMode;
	/** Why n8n is calling: a test listen ('manual'), a user publishing ('activate'), n8n starting ('init'). */
	readonly activation: WorkflowActivateMode;
}

/** Calls a webhook lifecycle method (webhookMethods.default) in n8n-core's HookContext, as n8n's WebhookService does. */
export async function runWebhookMethod(
	nodeType: INodeType,
	options: HookOptions,
): Promise<unknown> {
	ensureServices();
	const method = nodeType.webhookMethods?.default?.[options.method];
	if (!method) throw new UnexpectedError(`${nodeType.description.name} has no ${options.method}()`);
	const node = buildNode(nodeType, options, { webhookId: 'harness-webhook-id' });
	const workflow = buildWorkflow(nodeType, node, {});
	const additionalData = buildAdditionalData(options);
	const description = nodeType.description.webhooks?.[0] ?? {
		name: 'default',
		httpMethod: 'POST',
		path: '',
	};
	const webhookData = webhookDataOf(
		node,
		workflow,
		additionalData,
		description,
		'POST',
		options.mode,
	);
	const context = new HookContext(
		workflow,
		node,
		additionalData,
		options.mode,
		options.activation,
		webhookData,
	);
	return await method.call(context);
}

/** The webhook as n8n's WebhookService describes it to a node's contexts. */
function webhookDataOf(
	node: INode,
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	description: IWebhookDescription,
	httpMethod: IWebhookData['httpMethod'],
	mode: WorkflowExecuteMode,
): IWebhookData {
	return {
		httpMethod,
		node: node.name,
		path: node.webhookId ?? '',
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
}

/**
 * Calls node.methods.credentialTest[testName] as n8n's CredentialsTester does:
 * in a real CredentialTestContext, with the credential's defaults applied.
 */
export async function runCredentialTest(
	nodeType: INodeType,
	testName: string,
	credentialType: string,
	data: IDataObject,
	credentialTypes: readonly ICredentialType[] = [],
): Promise<INodeCredentialTestResult> {
	ensureServices();
	const test = nodeType.methods?.credentialTest?.[testName];
	if (!test)
		throw new UnexpectedError(`${nodeType.description.name} has no credential test "${testName}"`);
	const additionalData = buildAdditionalData({
		credentials: { [credentialType]: data },
		credentialTypes,
	});
	const helper = additionalData.credentialsHelper as HarnessCredentialsHelper;
	const credential: ICredentialsDecrypted = {
		id: '1',
		name: 'test',
		type: credentialType,
		data: helper.applyDefaults(
			additionalData,
			structuredClone(data) as ICredentialDataDecryptedObject,
			credentialType,
			'internal',
		),
	};
	return await test.call(new CredentialTestContext(additionalData), credential);
}

/** The node as a saved workflow holds it; parameters are copied because Workflow adds defaults in place. */
/**
 * A node of this type with these parameters in a one-node workflow, as n8n
 * builds it for a call: the returned node carries the defaults n8n fills in.
 */
export function nodeInWorkflow(
	nodeType: INodeType,
	parameters: INodeParameters,
): { workflow: Workflow; node: INode } {
	const workflow = buildWorkflow(nodeType, buildNode(nodeType, { parameters }, {}));
	const node = Object.values(workflow.nodes)[0];
	if (!node) throw new UnexpectedError('The workflow lost its node');
	return { workflow, node };
}

function buildNode(nodeType: INodeType, options: NodeRunOptions, extra: Partial<INode>): INode {
	const { description } = nodeType;
	const credentials = Object.fromEntries(
		Object.entries(options.credentials ?? {}).map(([type, data]) => [
			type,
			{ id: options.credentialIds?.[type] ?? idOfData(data), name: 'test' },
		]),
	);
	return {
		id: 'node-under-test',
		name: description.defaults.name ?? description.displayName,
		type: `${PACKAGE_NAME}.${description.name}`,
		typeVersion: options.typeVersion ?? Math.max(...[description.version].flat()),
		position: [0, 0],
		parameters: structuredClone(options.parameters),
		credentials,
		...extra,
	};
}

function idOfData(data: IDataObject): string {
	return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

/**
 * A one-node workflow. Its constructor fills in the node's default parameter
 * values from the node type, as n8n does for every workflow it runs.
 */
function buildWorkflow(
	nodeType: INodeType,
	node: INode,
	settings: IWorkflowSettings = {},
	id = WORKFLOW_ID,
): Workflow {
	const lookup = (name: string): INodeType => {
		if (name !== node.type) throw new UnexpectedError(`Unknown node type "${name}"`);
		return nodeType;
	};
	const nodeTypes: INodeTypes = {
		getByName: lookup,
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(lookup(name), version),
		getKnownTypes: () => ({
			[node.type]: { className: nodeType.constructor.name, sourcePath: '' },
		}),
	};
	return new Workflow({
		id,
		name: 'Harness',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1', ...settings },
	});
}

function buildAdditionalData(
	options: Pick<NodeRunOptions, 'credentials' | 'credentialTypes'>,
): IWorkflowExecuteAdditionalData {
	const unavailable = (what: string) => () => {
		throw new UnexpectedError(`${what} is not available in the n8n test harness`);
	};
	return {
		credentialsHelper: new HarnessCredentialsHelper(
			[...packageCredentialTypes(), ...(options.credentialTypes ?? [])],
			(options.credentials ?? {}) as Record<string, ICredentialDataDecryptedObject>,
		),
		executionId: 'harness-execution',
		workflowId: WORKFLOW_ID,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		executeWorkflow: unavailable('executeWorkflow'),
		startRunnerTask: unavailable('startRunnerTask'),
	};
}
