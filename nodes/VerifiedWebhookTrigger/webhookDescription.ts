import {
	fromFunction,
	fromParameter,
	webhookDescriptionFields,
	type INodeParameters,
	type IWebhookDescription,
	type NodeParameterValueType,
} from 'n8n-workflow';

type Source =
	| { readonly parameter: string; readonly fallback?: string }
	| { readonly compute: (parameters: INodeParameters) => NodeParameterValueType | undefined };

const SOURCES = {
	httpMethod: { parameter: 'httpMethod', fallback: 'POST' },
	path: { parameter: 'path' },
	responseMode: { parameter: 'responseMode' },
	responseCode: { parameter: 'responseCode' },
	responseData: { compute: responseDataOf },
	responseBinaryPropertyName: { parameter: 'responseBinaryPropertyName' },
} satisfies Record<string, Source>;

type FieldName = keyof typeof SOURCES;

/**
 * Only "When Last Node Finishes" has a response data choice; an immediate
 * answer's text comes from webhook(). Self-contained: n8n inlines its source
 * into the expression template.
 */
function responseDataOf(parameters: INodeParameters): NodeParameterValueType | undefined {
	return parameters.responseMode === 'lastNode' ? parameters.responseData : undefined;
}

function webhookFields(): Record<FieldName, string> {
	// A 1.x n8n hands this package its own n8n-workflow, without these helpers.
	if (typeof webhookDescriptionFields !== 'function') return legacyWebhookFields();
	return webhookDescriptionFields(
		mapSources((source) =>
			'compute' in source
				? fromFunction(source.compute)
				: fromParameter(source.parameter, source.fallback),
		),
	);
}

/** The templates n8n-workflow 2.x writes for the same declarations, so both lines evaluate the same expressions. */
export function legacyWebhookFields(): Record<FieldName, string> {
	return mapSources((source) => {
		if ('compute' in source) return `={{(${String(source.compute)})($parameter)}}`;
		const tail = source.fallback === undefined ? '' : ` || ${JSON.stringify(source.fallback)}`;
		return `={{$parameter[${JSON.stringify(source.parameter)}]${tail}}}`;
	});
}

function mapSources<T>(map: (source: Source) => T): Record<FieldName, T> {
	const names = Object.keys(SOURCES) as FieldName[];
	const sources: Record<FieldName, Source> = SOURCES;
	return Object.fromEntries(names.map((name) => [name, map(sources[name])])) as Record<
		FieldName,
		T
	>;
}

/**
 * The trigger's one webhook, with each field read from the node's parameters.
 *
 * n8n 2.x resolves a field declared with `fromParameter`/`fromFunction`
 * without its expression engine when the node's parameters hold no
 * expression; under `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` a call that
 * never reaches the engine then never builds a sandbox (see
 * docs/n8n-webhook-sandbox.md). n8n 1.x's n8n-workflow has no such helpers:
 * there the same template strings are written here, and 1.x evaluates them as
 * it always did.
 */
export const DEFAULT_WEBHOOK: IWebhookDescription = {
	name: 'default',
	isFullPath: true,
	...webhookFields(),
};
