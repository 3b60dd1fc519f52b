/**
 * Reveal Endpoint Secret: each endpoint row comes out with the secret its
 * calls are signed with, to hand to its subscriber once (as Svix's
 * dashboard shows an endpoint's secret). Nothing is sent.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import {
	deriveEndpointSecret,
	readEndpoint,
	type SecretEncoding,
	type SecretSet,
} from '../../core';
import { asNodeError, fail } from './nodeErrors';
import { readScheme, readSigningSecrets } from './runSettings';

export async function revealEndpointSecrets(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[][]> {
	const resolved = readScheme(this);
	if (!resolved || resolved.scheme.kind !== 'hmac') {
		fail(
			this,
			'Only HMAC schemes have a secret per endpoint',
			0,
			resolved
				? `${resolved.scheme.name} is signed with a key pair: every endpoint verifies with the credential's one public key.`
				: 'Choose the Signing Scheme the endpoints are sent with.',
		);
	}
	const master = await readSigningSecrets(this, resolved);
	const encoding = resolved.scheme.kind === 'hmac' ? resolved.scheme.secretEncoding : 'text';
	const revealed: INodeExecutionData[] = [];
	this.getInputData().forEach((item, itemIndex) => {
		try {
			revealed.push(revealOne(this, item, itemIndex, encoding, master));
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			revealed.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
		}
	});
	warnAboutExecutionData(this);
	return [revealed];
}

function revealOne(
	context: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	encoding: SecretEncoding,
	master: SecretSet,
): INodeExecutionData {
	const read = readEndpoint(item.json);
	if (!read.ok) throw new NodeOperationError(context.getNode(), read.detail, { itemIndex });
	const { id, secretVersion } = read.endpoint;
	const derived = deriveEndpointSecret(master, encoding, id, secretVersion);
	if (!derived.ok) throw new NodeOperationError(context.getNode(), derived.detail, { itemIndex });
	return {
		json: { ...item.json, secret: derived.secret, secret_version: secretVersion },
		pairedItem: { item: itemIndex },
	};
}

/** The cost of revealing, said where the user sees it. */
function warnAboutExecutionData(context: IExecuteFunctions): void {
	if (typeof context.addExecutionHints !== 'function') return; // older n8n
	context.addExecutionHints({
		message:
			"These secrets are now in this execution's data, which n8n saves by default. In the workflow's settings, set Save Successful Production Executions to Do Not Save (and Save Manual Executions off), and hand each secret over once: re-reveal it whenever needed rather than storing it.",
		type: 'warning',
		location: 'outputPane',
	});
}
