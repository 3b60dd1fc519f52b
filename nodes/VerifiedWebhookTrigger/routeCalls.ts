import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { REJECTION_FIELD } from './workflowItems';

interface Rejection {
	readonly reason: string;
	readonly status: number;
	readonly detail?: string;
}

/**
 * The trigger's execute(): the first step of an execution its webhook()
 * started, with what webhook() returned as its input. It puts verified calls
 * on the main output and refused ones on Rejected, and makes a refused call
 * visible: in a test run without the Rejected output (the only way such a
 * call starts anything) the node fails with the reason, so "arrived but
 * refused" does not look like "nothing arrived".
 *
 * webhook() hands everything over as one list because n8n runs a node's
 * execute() only when its first input has items.
 */
export async function routeReceivedCalls(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const verified: INodeExecutionData[] = [];
	const refused: INodeExecutionData[] = [];
	this.getInputData().forEach((item, index) => {
		(rejectionOf(item) ? refused : verified).push({ ...item, pairedItem: { item: index } });
	});
	const rejectedOutput = this.getNodeParameter('rejectedOutput', 0, false) === true;
	const first = refused.length > 0 ? rejectionOf(refused[0]) : undefined;
	if (first && !rejectedOutput) {
		throw new NodeOperationError(this.getNode(), headline(first), {
			description: `${first.detail ?? first.reason}. The caller got ${first.status}. Outside a test run, a refused call starts no execution.`,
		});
	}
	if (first && typeof this.addExecutionHints === 'function') {
		this.addExecutionHints({
			message: `${headline(first)}: ${first.detail ?? first.reason}. It is on the Rejected output; the caller got ${first.status}.`,
			type: 'warning',
			location: 'outputPane',
		});
	}
	return rejectedOutput ? [verified, refused] : [verified];
}

function headline({ reason, status }: Rejection): string {
	return status === 200
		? `Duplicate call, not run again (${reason})`
		: `Call refused: ${reason} (${status})`;
}

function rejectionOf(item: INodeExecutionData): Rejection | undefined {
	const value = item.json[REJECTION_FIELD] as IDataObject | undefined;
	if (typeof value !== 'object' || value === null || typeof value.reason !== 'string') {
		return undefined;
	}
	return {
		reason: value.reason,
		status: Number(value.status),
		detail: typeof value.detail === 'string' ? value.detail : undefined,
	};
}
