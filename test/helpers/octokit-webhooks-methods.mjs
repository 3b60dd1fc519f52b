// Runs @octokit/webhooks-methods (ESM-only, so outside jest's CommonJS
// runtime) on a JSON list of operations from stdin; prints the results.
import { sign, verify, verifyWithFallback } from '@octokit/webhooks-methods';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const op of JSON.parse(input)) {
	if (op.op === 'sign') results.push(await sign(op.secret, op.payload));
	else if (op.op === 'verify') results.push(await verify(op.secret, op.payload, op.signature));
	else
		results.push(
			await verifyWithFallback(op.secret, op.payload, op.signature, op.additionalSecrets),
		);
}
process.stdout.write(JSON.stringify(results));
