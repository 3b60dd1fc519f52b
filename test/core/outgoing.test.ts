import { describeUnsendableHeaderName, outgoingHeaders, sign, GITHUB } from '../../core';

describe('outgoingHeaders: every name is sent or refused', () => {
	it('keeps every header of every layer; a later layer replaces a name in any case', () => {
		const headers = outgoingHeaders(
			{ 'content-type': 'application/json', 'X-Keep': '1' },
			{ 'Content-Type': 'application/vnd.acme+json', 'X-Tenant': 't' },
			{ 'webhook-id': 'msg_1' },
		);
		expect(headers).toEqual({
			'X-Keep': '1',
			'Content-Type': 'application/vnd.acme+json',
			'X-Tenant': 't',
			'webhook-id': 'msg_1',
		});
		expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
	});

	it('refuses a header named __proto__ from any layer, where Object.assign dropped it', () => {
		// What sign() returns for a signature header of that name: an own property.
		const signed = sign(GITHUB, { primary: 's' }, 'body', { signatureHeader: '__proto__' });
		expect(Object.keys(signed)).toEqual(['__proto__']);
		// The old way: the header is silently gone and the call would go out unsigned.
		const assigned = Object.assign({ 'content-type': 'application/json' }, signed);
		expect(Object.keys(assigned)).toEqual(['content-type']);

		expect(() => outgoingHeaders({ 'content-type': 'application/json' }, signed)).toThrow(
			/cannot be named "__proto__"/,
		);
		const user = JSON.parse('{"__proto__": "x", "X-Ok": "1"}') as Record<string, string>;
		expect(() => outgoingHeaders(user)).toThrow(/cannot be named "__proto__"/);
	});

	it('refuses the names axios takes for its own, in any case, and only those', () => {
		for (const name of ['__proto__', 'constructor', 'Prototype', 'common', 'GET', 'Post', 'put'])
			expect(describeUnsendableHeaderName(name)).toMatch(/axios/);
		expect(() => outgoingHeaders({ 'X-Ok': '1' }, { Get: 'v' })).toThrow(/cannot be named "Get"/);
		for (const name of ['toString', 'hasOwnProperty', 'options', 'X-Post', 'X-Sig'])
			expect(describeUnsendableHeaderName(name)).toBeUndefined();
		// Other names that Object.prototype has go through as headers like any other.
		expect(Object.keys(outgoingHeaders({ toString: 'a', hasOwnProperty: 'b' }))).toEqual([
			'toString',
			'hasOwnProperty',
		]);
	});
});
