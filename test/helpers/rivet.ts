/**
 * Zoom's own webhook receiver, @zoom/rivet's AwsLambdaReceiver, run on a
 * request: what Zoom's SDK answers, to compare the trigger's answer with.
 * Its handler verifies the signature (over JSON.stringify(JSON.parse(body)),
 * no timestamp window), answers endpoint.url_validation itself, and emits
 * any other event.
 */
import { Meetings } from '@zoom/rivet';

export interface RivetAnswer {
	readonly statusCode: number;
	readonly headers: Record<string, string>;
	readonly body: string;
}

export async function rivetAnswers(
	secretToken: string,
	body: string,
	headers: Record<string, string>,
): Promise<RivetAnswer> {
	const receiver = new Meetings.AwsLambdaReceiver({ webhooksSecretToken: secretToken });
	// An event emitter that accepts every event, as a client's would.
	receiver.init({ eventEmitter: { emit: async () => undefined } as never });
	const handler = receiver.start();
	// The handler logs every event it gets at debug level.
	const debug = jest.spyOn(console, 'debug').mockImplementation(() => undefined);
	try {
		const answer = (await handler(
			{ body, headers, isBase64Encoded: false } as never,
			{} as never,
		)) as unknown as RivetAnswer;
		return answer;
	} finally {
		debug.mockRestore();
	}
}
