/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs inside the n8n under test, never as part of the package */
/**
 * Preloaded into n8n (NODE_OPTIONS=--require) for one receiving benchmark:
 * n8n 2.41.1 with the change docs/n8n-webhook-sandbox.md proposes, to
 * measure what it would give. Only the one line goes:
 * `LiveWebhooks.webhookPhaseNeedsIsolate` no longer requires the start node
 * to be n8n's own Webhook node; any webhook node whose parameters are static
 * and whose webhook fields n8n can resolve without its engine skips the
 * sandbox on the same conditions. Nothing else in n8n changes.
 */
import Module from 'node:module';

interface StartNode {
	readonly type: string;
	readonly typeVersion: number;
}

interface LiveWebhooksPrototype {
	expressionEngineConfig: { allowWebhookIsolateSkip: boolean };
	nodeTypes: {
		getByNameAndVersion(
			type: string,
			version: number,
		): { description: { webhooks?: readonly object[] } } | undefined;
	};
	webhookPhaseNeedsIsolate(startNode: StartNode | null): boolean;
}

interface WorkflowHelpers {
	nodeParametersAreStatic(node: StartNode): boolean;
	webhookDescriptionIsNativelyResolvable(description: object): boolean;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as {
	_load: Load;
	_resolveFilename(request: string, parent: unknown, isMain: boolean): string;
};
const originalLoad = loader._load;
let patched = false;

loader._load = function (request, parent, isMain) {
	const exported = originalLoad.call(this, request, parent, isMain) as {
		LiveWebhooks?: { prototype: LiveWebhooksPrototype };
	} | null;
	if (!patched && exported?.LiveWebhooks) {
		patched = true;
		const requireFromN8n = Module.createRequire(loader._resolveFilename(request, parent, isMain));
		patch(exported.LiveWebhooks.prototype, requireFromN8n('n8n-workflow') as WorkflowHelpers);
	}
	return exported;
};

function patch(prototype: LiveWebhooksPrototype, workflow: WorkflowHelpers): void {
	prototype.webhookPhaseNeedsIsolate = function (startNode) {
		if (!this.expressionEngineConfig.allowWebhookIsolateSkip) return true;
		if (startNode === null) return true;
		// Removed: `if (startNode.type !== WEBHOOK_NODE_TYPE) return true;`
		if (startNode.typeVersion === 1) return true;
		if (!workflow.nodeParametersAreStatic(startNode)) return true;
		const webhooks = this.nodeTypes.getByNameAndVersion(startNode.type, startNode.typeVersion)
			?.description.webhooks;
		if (!webhooks?.length) return true;
		return !webhooks.every((webhook) => workflow.webhookDescriptionIsNativelyResolvable(webhook));
	};
}
