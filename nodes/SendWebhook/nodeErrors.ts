import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/**
 * Refuses a setting or an item before anything is sent: the error names the
 * item (0 for a setting every item shares), and n8n shows it beside that item.
 */
export function fail(
	context: IExecuteFunctions,
	message: string,
	itemIndex: number,
	description?: string,
): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}
