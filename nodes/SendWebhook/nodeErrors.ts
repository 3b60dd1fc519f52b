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

/** Any error from reading an item, as the NodeOperationError naming it. */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	return error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * Takes refused items out of the run: with Continue On Fail they go to
 * Failed, not sent, and the others go on; otherwise the error stops the node.
 */
export type RefuseItems = (error: NodeOperationError, itemIndexes: readonly number[]) => void;
