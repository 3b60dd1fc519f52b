import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { effectiveTolerance, receivingProblem } from '../../core';
import { loadSchemeSecrets } from '../shared/loadCredentials';
import { chooseScheme } from '../shared/schemeChoice';
import { readTolerance } from './decideCall';

/**
 * Run by n8n when the trigger starts listening (a test run) or its workflow
 * is published: a configuration that would refuse every call (no secret, a
 * secret or key the scheme cannot read, an unusable scheme setting) stops there,
 * with the reason in the editor, instead of answering each call 500 while
 * the editor keeps "Listening".
 */
export async function checkConfiguration(this: IHookFunctions): Promise<void> {
	const problem = await findProblem(this);
	if (!problem) return;
	// When n8n itself (re)starts or changes leader, failing here would leave
	// the path unregistered (404) and nobody watching: the calls are refused
	// with 500 and the reason logged instead.
	const activation = this.getActivationMode();
	if (activation === 'init' || activation === 'leadershipChange') {
		this.logger.warn(`${this.getNode().name}: ${problem.message}. Every call will be refused.`);
		return;
	}
	throw new NodeOperationError(this.getNode(), problem.message, {
		description: problem.description,
	});
}

interface Problem {
	readonly message: string;
	readonly description?: string;
}

async function findProblem(context: IHookFunctions): Promise<Problem | undefined> {
	const choice = chooseScheme((name, fallback) => context.getNodeParameter(name, fallback));
	if (!choice.ok) return { message: choice.detail, description: choice.description };
	if (!choice.resolved) return { message: 'No signing scheme is set' };
	const { scheme } = choice.resolved;
	// Refused on every call anyway (verifier_error): said here, where it can be fixed.
	// The tolerance is read as each call reads it (decideCall.ts).
	const problem = receivingProblem(scheme, {
		toleranceSeconds: effectiveTolerance(
			scheme,
			readTolerance(context.getNodeParameter('toleranceSeconds', null)),
		),
	});
	if (problem)
		return { message: `${scheme.name} needs a Timestamp Tolerance above 0`, description: problem };
	const loaded = await loadSchemeSecrets(context, scheme, 'receive');
	return loaded.ok ? undefined : { message: loaded.detail, description: loaded.description };
}
