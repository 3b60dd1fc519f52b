/**
 * The trigger's webhook fields are declared once and read two ways: n8n 2.x
 * resolves them natively (no expression engine, so no sandbox per call),
 * n8n 1.x evaluates their template strings. Both must give the same value,
 * and the templates written for 1.x must be the ones 2.x writes.
 */
import {
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
	type INodeParameters,
} from 'n8n-workflow';

import { VerifiedWebhookTrigger } from '../../nodes/VerifiedWebhookTrigger/VerifiedWebhookTrigger.node';
import {
	DEFAULT_WEBHOOK,
	legacyWebhookFields,
} from '../../nodes/VerifiedWebhookTrigger/webhookDescription';
import { nodeInWorkflow } from '../helpers/n8n';

const trigger = new VerifiedWebhookTrigger();
const FIELDS = Object.keys(legacyWebhookFields());

const PARAMETER_SETS: Array<[string, INodeParameters]> = [
	['the defaults', { path: 'orders', signatureScheme: 'github' }],
	[
		'every field set',
		{
			httpMethod: 'PUT',
			path: 'a/b',
			signatureScheme: 'github',
			responseMode: 'lastNode',
			responseCode: 202,
			responseData: 'firstEntryBinary',
			responseBinaryPropertyName: 'file',
		},
	],
	[
		'response data left over from "When Last Node Finishes"',
		{ path: 'x', signatureScheme: 'github', responseMode: 'onReceived', responseData: 'noData' },
	],
];

describe('the trigger webhook description', () => {
	it('is the one the node declares, and n8n 2.x can resolve all of it without its engine', () => {
		expect(trigger.description.webhooks).toEqual([DEFAULT_WEBHOOK]);
		expect(webhookDescriptionIsNativelyResolvable(DEFAULT_WEBHOOK)).toBe(true);
	});

	it('writes for n8n 1.x the same template strings n8n-workflow 2.x writes', () => {
		const declared = Object.fromEntries(
			FIELDS.map((field) => [field, DEFAULT_WEBHOOK[field as keyof typeof DEFAULT_WEBHOOK]]),
		);
		expect(legacyWebhookFields()).toEqual(declared);
		expect(DEFAULT_WEBHOOK.httpMethod).toBe('={{$parameter["httpMethod"] || "POST"}}');
	});

	it.each(PARAMETER_SETS)(
		'resolves natively to what the engine evaluates, with %s',
		(_, parameters) => {
			const { workflow, node } = nodeInWorkflow(trigger, parameters);
			for (const field of FIELDS) {
				const native = resolveWebhookDescriptionField(node, DEFAULT_WEBHOOK, field);
				const evaluated = workflow.expression.getSimpleParameterValue(
					node,
					DEFAULT_WEBHOOK[field as keyof typeof DEFAULT_WEBHOOK] as string,
					'internal',
					{},
				);
				expect({ field, ...native }).toEqual({ field, resolved: true, value: evaluated });
			}
		},
	);

	it('answers with what the user set, and POST on the path by default', () => {
		const { node } = nodeInWorkflow(trigger, PARAMETER_SETS[1][1]);
		const value = (field: string) =>
			resolveWebhookDescriptionField(node, DEFAULT_WEBHOOK, field) as { value: unknown };
		expect(value('httpMethod').value).toBe('PUT');
		expect(value('path').value).toBe('a/b');
		expect(value('responseData').value).toBe('firstEntryBinary');
		const defaults = nodeInWorkflow(trigger, PARAMETER_SETS[0][1]).node;
		expect(resolveWebhookDescriptionField(defaults, DEFAULT_WEBHOOK, 'httpMethod')).toEqual({
			resolved: true,
			value: 'POST',
		});
		expect(resolveWebhookDescriptionField(defaults, DEFAULT_WEBHOOK, 'responseData')).toEqual({
			resolved: true,
			value: undefined,
		});
	});

	it('leaves a node whose parameters hold an expression to the engine', () => {
		const { node } = nodeInWorkflow(trigger, {
			path: '={{ "orders" }}',
			signatureScheme: 'github',
		});
		expect(resolveWebhookDescriptionField(node, DEFAULT_WEBHOOK, 'path')).toEqual({
			resolved: false,
		});
	});
});
