/**
 * The records every sender in the benchmarks delivers: the same ~1 KB JSON
 * object for record i, made by one function. n8n's Code node runs this
 * function's own source, and the plain loop calls it, so both send the same
 * bytes.
 */
export function makeRecord(i: number): Record<string, unknown> {
	return {
		id: i,
		type: 'contact.updated',
		email: `user${i}@example.test`,
		updatedAt: '2026-11-23T10:00:00.000Z',
		note: 'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(16).slice(0, 880),
	};
}

/** A Code node's JavaScript that outputs `count` records (count from the webhook's body). */
export function codeNodeSource(): string {
	return [
		`const makeRecord = ${makeRecord.toString()};`,
		'const count = $input.first().json.body.count;',
		'return Array.from({ length: count }, (_, i) => ({ json: makeRecord(i) }));',
	].join('\n');
}

export function recordBytes(): number {
	return Buffer.byteLength(JSON.stringify(makeRecord(12345)));
}

/** A JSON body of exactly `size` bytes, the shape of a typical webhook event. */
export function jsonBody(size: number, seed = 0): string {
	const head = `{"type":"contact.updated","id":"evt_${seed}","data":{"note":"`;
	const tail = '"}}';
	const filler = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(Math.ceil(size / 37));
	return head + filler.slice(0, size - head.length - tail.length) + tail;
}
