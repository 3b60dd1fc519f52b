/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling: it runs in Node, never inside n8n */
/**
 * What one forged call of the largest body n8n lets through
 * (N8N_PAYLOAD_SIZE_MAX, 16 MiB by default) costs the Verified trigger's
 * core path before it is refused, per scheme family, each with the body that
 * costs that family most. The headers are well-formed (the right names,
 * shapes and lengths, a timestamp inside the window); only the signatures
 * are wrong: made with keys that are not the receiver's.
 *
 * Side by side, in the same interleaved rounds: the forged GitHub call of
 * the same size (one HMAC pass over the body: the floor every row is
 * compared with), and n8n's own parsing of the same bytes, which n8n does
 * before any trigger runs, so each row says how our cost compares with what
 * n8n already spends on that call. CPU time, in one process, no HTTP.
 */
import { generateKeyPairSync, randomBytes, sign as signBytes, type KeyObject } from 'node:crypto';
import { parse as parseQueryString } from 'node:querystring';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import * as core from '../core';
import {
	CONNECTGAIN,
	DEFAULT_REJECTION_STATUS,
	DISCORD,
	GITHUB,
	LINEAR,
	MAILGUN,
	ReplayMemory,
	STANDARD_WEBHOOKS,
	STANDARD_WEBHOOKS_V1A,
	TWILIO,
	VINSIGHT,
	inspectIncoming,
	receiveInspected,
	sign,
	signBody,
	withBodyHash,
	type Scheme,
	type ReceiveResult,
	type ReplayOptions,
	type SecretSet,
} from '../core';
import { interleave, spread, type Spread } from './stats';
import { jsonBody } from './workload';

/** n8n's default N8N_PAYLOAD_SIZE_MAX: no larger body reaches a trigger. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A call whose first measurement takes longer than this is measured in SLOW_ROUNDS rounds only. */
const SLOW_CALL_MS = 15_000;
const SLOW_ROUNDS = 3;

/** The Standard Webhooks v1a row a fixed cap would still let through. */
const FEW_V1A_SIGNATURES = 3;

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const TEXT_TYPE = 'text/plain';

/** A call as the trigger hands it to the core: Node's headersDistinct (lower-case names, lists of values). */
export interface ForgedCall {
	readonly body: Buffer;
	readonly headers: Readonly<Record<string, string[]>>;
	readonly method: 'POST';
	/** Only for a scheme that signs the URL (incomingRequest.ts resolves it for those alone). */
	readonly url?: string;
}

export interface ForgedCase {
	/** The scheme family and the keys configured, e.g. "Discord (Ed25519, 2 public keys)". */
	readonly family: string;
	/** What makes the body (or the header) hostile, in words. */
	readonly hostileBody: string;
	readonly scheme: Scheme;
	readonly secrets: SecretSet;
	readonly call: ForgedCall;
	readonly now: Date;
	/** The node's tolerance setting; undefined is the scheme's own window. */
	readonly toleranceSeconds?: number;
}

/** How n8n parses a body of that content type before any trigger runs. */
export type N8nParse = 'json' | 'form' | 'text';

export interface ForgedRow {
	readonly schemeId: string;
	readonly family: string;
	readonly hostileBody: string;
	/** The reason code the forged call was refused with. */
	readonly refusedAs: string;
	readonly cpuMs: Spread;
	readonly n8nParse: N8nParse;
	/** Absent where n8n does not parse the content type (text/plain is kept as text). */
	readonly n8nParseCpuMs?: Spread;
}

export interface ForgedResult {
	readonly bodyBytes: number;
	readonly rounds: number;
	readonly nodeVersion: string;
	readonly rows: readonly ForgedRow[];
}

/** Mailgun's token memory, one per process in the trigger (replayStoreFor). */
const replayMemory = new ReplayMemory();

/**
 * The Verified Webhook Trigger's core path for one call, as
 * nodes/VerifiedWebhookTrigger/decideCall.ts runs it: inspectIncoming()
 * first, and only where that cannot decide, receiveInspected() with the secrets,
 * with replay protection where the scheme requires it (Mailgun; the node's
 * own setting is off here). It mirrors decideCall.ts: when the core's
 * receiving API changes, this is the one function to change with it.
 */
export async function triggerCorePath(
	scheme: Scheme,
	secrets: SecretSet,
	call: ForgedCall,
	options: { readonly now: Date; readonly toleranceSeconds?: number },
): Promise<ReceiveResult> {
	const { now, toleranceSeconds } = options;
	const rejectionStatus = scheme.rejectionStatus ?? DEFAULT_REJECTION_STATUS;
	const replay: ReplayOptions | undefined =
		scheme.replay === 'required'
			? { store: replayMemory, rememberSeconds: 0, duplicateStatus: 200 }
			: undefined;
	const inspected = inspectIncoming(scheme, call, { now, toleranceSeconds }, rejectionStatus);
	return inspected.ok ? await receiveInspected(inspected.call, secrets, { replay }) : inspected;
}

/**
 * The reason a forged call was refused with. A call accepted, or refused for
 * our own configuration (status 500), would make the figure measure
 * something else than a forgery, so either stops the benchmark.
 */
export function refusedAs(result: ReceiveResult, what: string): string {
	if (result.ok) throw new Error(`${what}: the forged call was accepted`);
	if (result.status === 500) {
		throw new Error(`${what}: refused for the receiver's configuration (${result.reason})`);
	}
	return result.reason;
}

export async function runForgedCase(forged: ForgedCase): Promise<ReceiveResult> {
	return await triggerCorePath(forged.scheme, forged.secrets, forged.call, forged);
}

/** How n8n parses this call's body before the trigger runs (see n8nParser). */
export function n8nParseOf(call: ForgedCall): N8nParse {
	const type = call.headers['content-type']?.[0];
	if (type === JSON_TYPE) return 'json';
	if (type === FORM_TYPE) return 'form';
	return 'text';
}

/**
 * What n8n's body parser (packages/cli/src/middlewares/body-parser.ts,
 * parseBody) does with the bytes before any trigger runs: JSON.parse (its
 * jsonParse) for application/json, Node's querystring.parse stopping at
 * 1,000 keys for a form; text/plain is only decoded, so nothing is timed.
 */
function n8nParser(call: ForgedCall): (() => unknown) | undefined {
	switch (n8nParseOf(call)) {
		case 'json':
			return () => JSON.parse(call.body.toString('utf8'));
		case 'form':
			return () =>
				parseQueryString(call.body.toString('utf8'), undefined, undefined, { maxKeys: 1000 });
		case 'text':
			return undefined;
	}
}

// ---- Hostile bodies ----------------------------------------------------------

/**
 * JSON text of exactly `size` bytes: `head`, arrays nested as deep as the
 * room allows, `tail`. Of the shapes tried (deep arrays, deep objects, many
 * empty objects or arrays, many keys), the one V8's JSON.parse takes longest over.
 */
export function deeplyNested(size: number, head = '', tail = ''): { text: string; depth: number } {
	const room = size - head.length - tail.length;
	const depth = Math.max(0, Math.floor(room / 2));
	const padding = ' '.repeat(Math.max(0, room - 2 * depth));
	return { text: head + '['.repeat(depth) + ']'.repeat(depth) + padding + tail, depth };
}

/**
 * Parameter names in no order a sort could take advantage of: i times a
 * number coprime to 36^5, modulo 36^5, in base 36, so every name is distinct
 * and at most 5 characters long.
 */
function scatteredName(i: number): string {
	return ((i * 1_000_003) % 36 ** 5).toString(36);
}

/**
 * A form body of exactly `size` bytes: `head` (fields written first), then
 * as many distinct `name=v` pairs as fit. Distinct names make a reader that
 * collects and sorts the parameters (Twilio's signed text) keep each one.
 */
export function manyPairsForm(size: number, head = ''): { text: string; pairs: number } {
	const parts = [head];
	let length = head.length;
	let pairs = 0;
	for (;;) {
		const piece = `${length > 0 ? '&' : ''}${scatteredName(pairs)}=v`;
		if (length + piece.length > size) break;
		parts.push(piece);
		length += piece.length;
		pairs++;
	}
	parts.push('v'.repeat(size - length)); // the last value takes up the rest
	return { text: parts.join(''), pairs };
}

/**
 * A form body of exactly `size` bytes: `count` parameters whose values are
 * `%41` escapes end to end: what a reader still decodes in full once it
 * stops at a number of parameters (n8n stops at 1,000).
 */
export function escapedValuesForm(size: number, count: number): { text: string; escapes: number } {
	const names = Array.from({ length: count }, (_, i) => `p${String(i).padStart(3, '0')}`);
	const overhead = names.reduce((sum, name) => sum + name.length + 1, 0) + count - 1;
	const escapes = Math.floor((size - overhead) / count / 3);
	const value = '%41'.repeat(escapes);
	const text = names.map((name) => `${name}=${value}`).join('&');
	return { text: text + 'A'.repeat(size - text.length), escapes };
}

// ---- Keys, and headers made with keys that are not ours ---------------------------

/** An Ed25519 pair: the seed (private) and the public key as hex (Discord) and as whpk_ (Standard Webhooks). */
function ed25519Pair(): { privateKey: KeyObject; seedHex: string; hex: string; whpk: string } {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
	const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
	return {
		privateKey,
		seedHex: seed.toString('hex'),
		hex: raw.toString('hex'),
		whpk: `whpk_${raw.toString('base64')}`,
	};
}

/**
 * `count` distinct Ed25519 signatures, each a real one (of a short message,
 * by a key that is not configured). A real signature's S is below the group
 * order, so OpenSSL cannot refuse it before hashing the whole message.
 */
function foreignEd25519Signatures(count: number): Buffer[] {
	const { privateKey } = ed25519Pair();
	return Array.from({ length: count }, (_, i) =>
		signBytes(null, Buffer.from(`forged ${i}`), privateKey),
	);
}

const textSecret = () => randomBytes(24).toString('hex');
const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Headers as Node's headersDistinct hands them to the trigger: lower-case names, lists of values. */
function received(headers: Record<string, string>, contentType: string): Record<string, string[]> {
	const distinct: Record<string, string[]> = { 'content-type': [contentType] };
	for (const [name, value] of Object.entries(headers)) distinct[name.toLowerCase()] = [value];
	return distinct;
}

/**
 * Well-formed headers that do not verify: `scheme`'s own, made by sign() for
 * a short body with `foreignSecret`, a secret (or private key) that is not
 * the receiver's.
 */
function foreignHeaders(
	scheme: Scheme,
	foreignSecret: string,
	now: Date,
	extra: { url?: string; body?: string } = {},
): Record<string, string> {
	return sign(scheme, { primary: foreignSecret }, extra.body ?? '{}', {
		timestamp: now,
		id: `msg_${randomBytes(12).toString('hex')}`,
		url: extra.url,
	});
}

/**
 * The most signatures one header may carry, as the core exports it; 20
 * (today's value) if it no longer exports that name. Read, not imported by
 * name, so the row keeps building when the core's limits change.
 */
function headerSignatureLimit(): number {
	const exported = (core as Record<string, unknown>).MAX_SIGNATURES_PER_HEADER;
	return typeof exported === 'number' ? exported : 20;
}

const count = (n: number) => n.toLocaleString('en-US');

/** 16 MiB, 64 KiB: a body size as the tables write it. */
export function sizeLabel(bytes: number): string {
	return bytes >= 2 ** 20
		? `${(bytes / 2 ** 20).toLocaleString('en-US')} MiB`
		: `${(bytes / 2 ** 10).toLocaleString('en-US')} KiB`;
}

function forgedCall(
	body: Buffer | string,
	contentType: string,
	headers: Record<string, string>,
	url?: string,
): ForgedCall {
	const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
	return {
		body: bytes,
		headers: received(headers, contentType),
		method: 'POST',
		...(url ? { url } : {}),
	};
}

// ---- The cases ------------------------------------------------------------------

const TWILIO_URL = 'https://n8n.example.com/webhook/forged';

/** Every forged call measured, GitHub's (the floor) first, each body exactly `size` bytes. */
export function buildForgedCases(size: number, now = new Date()): ForgedCase[] {
	const typical = Buffer.from(jsonBody(size), 'utf8');
	return [
		...signatureCases(typical, now),
		...bodyFieldCases(size, now),
		...mailgunCases(size, now),
		...twilioCases(size, typical, now),
	];
}

/**
 * A typical JSON body (one long string member, cheap to parse): what these
 * calls can be made to cost comes from the signatures and keys checked.
 */
function signatureCases(typical: Buffer, now: Date): ForgedCase[] {
	const shape = `JSON, one ${sizeLabel(typical.length)} string member`;
	const limit = headerSignatureLimit();
	const standard = foreignHeaders(STANDARD_WEBHOOKS, whsec(), now);
	const entries = Array.from({ length: limit }, () => `v1,${randomBytes(32).toString('base64')}`);
	standard[STANDARD_WEBHOOKS.signatureHeader] = entries.join(' ');
	const discordKeys = [ed25519Pair(), ed25519Pair()];
	return [
		{
			family: 'GitHub (HMAC-SHA256, 1 secret): the floor',
			hostileBody: shape,
			scheme: GITHUB,
			secrets: { primary: textSecret() },
			call: forgedCall(typical, JSON_TYPE, foreignHeaders(GITHUB, textSecret(), now)),
			now,
		},
		{
			family: 'Standard Webhooks v1 (HMAC-SHA256, 2 secrets)',
			hostileBody: `${shape}; ${limit} \`v1,\` signatures in the header`,
			scheme: STANDARD_WEBHOOKS,
			secrets: { primary: whsec(), secondary: whsec() },
			call: forgedCall(typical, JSON_TYPE, standard),
			now,
		},
		v1aCase(typical, shape, limit, now),
		v1aCase(typical, shape, FEW_V1A_SIGNATURES, now),
		{
			family: 'Discord (Ed25519, 2 public keys)',
			hostileBody: `${shape}; one signature`,
			scheme: DISCORD,
			secrets: { primary: discordKeys[0].hex, secondary: discordKeys[1].hex },
			call: forgedCall(typical, JSON_TYPE, foreignHeaders(DISCORD, ed25519Pair().seedHex, now)),
			now,
		},
	];
}

/** Standard Webhooks v1a: `entries` real Ed25519 signatures by a foreign key, two public keys configured. */
function v1aCase(typical: Buffer, shape: string, entries: number, now: Date): ForgedCase {
	const headers = foreignHeaders(STANDARD_WEBHOOKS_V1A, ed25519Pair().seedHex, now);
	headers[STANDARD_WEBHOOKS_V1A.signatureHeader] = foreignEd25519Signatures(entries)
		.map((signature) => `v1a,${signature.toString('base64')}`)
		.join(' ');
	const keys = [ed25519Pair(), ed25519Pair()];
	return {
		family: 'Standard Webhooks v1a (Ed25519, 2 public keys)',
		hostileBody: `${shape}; ${entries} \`v1a,\` signatures in the header`,
		scheme: STANDARD_WEBHOOKS_V1A,
		secrets: { primary: keys[0].whpk, secondary: keys[1].whpk },
		call: forgedCall(typical, JSON_TYPE, headers),
		now,
	};
}

/**
 * Schemes that parse the body before the signature: Vinsight (it must be
 * JSON), Linear and ConnectGain (the timestamp is a top-level field).
 */
function bodyFieldCases(size: number, now: Date): ForgedCase[] {
	const bare = deeplyNested(size);
	const linear = deeplyNested(size, `{"webhookTimestamp":${now.getTime()},"data":`, '}');
	const connectGain = deeplyNested(
		size,
		`{"event":"contact.updated","timestamp":"${now.toISOString()}","data":`,
		'}',
	);
	const nested = (depth: number) => `arrays nested ${count(depth)} deep`;
	const twoSecrets = () => ({ primary: textSecret(), secondary: textSecret() });
	return [
		{
			family: 'Vinsight (HMAC-SHA256, 2 secrets)',
			hostileBody: `text/plain: ${nested(bare.depth)}`,
			scheme: VINSIGHT,
			secrets: twoSecrets(),
			call: forgedCall(bare.text, TEXT_TYPE, foreignHeaders(VINSIGHT, textSecret(), now)),
			now,
		},
		{
			family: 'Linear (HMAC-SHA256, 2 secrets)',
			hostileBody: `JSON: webhookTimestamp, then ${nested(linear.depth)}`,
			scheme: LINEAR,
			secrets: twoSecrets(),
			call: forgedCall(linear.text, JSON_TYPE, foreignHeaders(LINEAR, textSecret(), now)),
			now,
		},
		{
			// Its default window is none, and then the body is not read at all.
			family: 'ConnectGain (HMAC-SHA256, 2 secrets, tolerance set to 300 s)',
			hostileBody: `JSON: event, timestamp, then ${nested(connectGain.depth)}`,
			scheme: CONNECTGAIN,
			secrets: twoSecrets(),
			call: forgedCall(connectGain.text, JSON_TYPE, foreignHeaders(CONNECTGAIN, textSecret(), now)),
			now,
			toleranceSeconds: 300,
		},
	];
}

/**
 * Mailgun: the signature, timestamp and token are in the body, signed by
 * signBody() with a key that is not the receiver's; the rest of the body is
 * hostile. As JSON, deeply nested event-data; as a form, millions of pairs.
 */
function mailgunCases(size: number, now: Date): ForgedCase[] {
	const foreign = { primary: textSecret() };
	const token = randomBytes(25).toString('hex');
	const frame = signBody(MAILGUN, foreign, '0', { timestamp: now, token });
	const eventData = deeplyNested(size - (frame.length - 1));
	const json = signBody(MAILGUN, foreign, eventData.text, { timestamp: now, token });
	const fields = (JSON.parse(frame) as { signature: Record<string, string> }).signature;
	const form = manyPairsForm(size, new URLSearchParams(fields).toString());
	const secrets = { primary: textSecret(), secondary: textSecret() };
	const family = 'Mailgun (HMAC-SHA256, 2 secrets)';
	return [
		{
			family,
			hostileBody: `JSON: signature object, event-data arrays nested ${count(eventData.depth)} deep`,
			scheme: MAILGUN,
			secrets,
			call: forgedCall(json, JSON_TYPE, {}),
			now,
		},
		{
			family,
			hostileBody: `form: timestamp, token, signature, then ${count(form.pairs)} distinct \`k=v\` pairs`,
			scheme: MAILGUN,
			secrets,
			call: forgedCall(form.text, FORM_TYPE, {}),
			now,
		},
	];
}

/** Twilio signs the URL and the sorted form parameters, or for JSON the URL with the body's bodySHA256. */
function twilioCases(size: number, typical: Buffer, now: Date): ForgedCase[] {
	const formHeaders = () =>
		foreignHeaders(TWILIO, textSecret(), now, { url: TWILIO_URL, body: 'CallSid=CA0' });
	const pairs = manyPairsForm(size);
	const escaped = escapedValuesForm(size, 1000);
	const hashedUrl = withBodyHash(TWILIO, TWILIO_URL, '{"another":"body"}');
	const jsonHeaders = foreignHeaders(TWILIO, textSecret(), now, {
		url: hashedUrl,
		body: '{"another":"body"}',
	});
	const secrets = { primary: textSecret(), secondary: textSecret() };
	const family = 'Twilio (HMAC-SHA1, 2 auth tokens)';
	return [
		{
			family,
			hostileBody: `form: ${count(pairs.pairs)} distinct \`k=v\` pairs`,
			scheme: TWILIO,
			secrets,
			call: forgedCall(pairs.text, FORM_TYPE, formHeaders(), TWILIO_URL),
			now,
		},
		{
			family,
			hostileBody: `form: 1,000 parameters, each value ${count(escaped.escapes)} \`%41\` escapes`,
			scheme: TWILIO,
			secrets,
			call: forgedCall(escaped.text, FORM_TYPE, formHeaders(), TWILIO_URL),
			now,
		},
		{
			family,
			hostileBody: `JSON, one ${sizeLabel(size)} string member; the URL's bodySHA256 is another body's`,
			scheme: TWILIO,
			secrets,
			call: forgedCall(typical, JSON_TYPE, jsonHeaders, hashedUrl),
			now,
		},
	];
}

// ---- Measuring ------------------------------------------------------------------

/**
 * A full garbage collection on demand: node:v8 can still turn on
 * --expose-gc, and a new context then has gc(). Run before each timed call,
 * so the garbage one contender leaves (millions of arrays from a JSON.parse)
 * is not collected on the next one's time.
 */
function garbageCollector(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

interface Measurement {
	/** CPU time, user and system, of every thread of this process (V8's collector included). */
	readonly cpuMs: number;
	readonly refusedAs?: string;
}

type Contender = () => Promise<string | undefined>;

async function measure(run: Contender, collectGarbage: () => void): Promise<Measurement> {
	collectGarbage();
	const start = process.cpuUsage();
	const reason = await run();
	const used = process.cpuUsage(start);
	return { cpuMs: (used.user + used.system) / 1000, refusedAs: reason };
}

const caseName = (index: number) => `forged call ${index}`;

/**
 * Every forged call, and n8n's parse of each distinct body it parses (one
 * body serves several rows: parsed once per round).
 */
function contendersOf(cases: readonly ForgedCase[]): {
	contenders: Map<string, Contender>;
	parseNameOf: (forged: ForgedCase) => string | undefined;
} {
	const contenders = new Map<string, Contender>();
	const parseNames = new Map<Buffer, string>();
	cases.forEach((forged, index) => {
		const what = `${forged.family}, ${forged.hostileBody}`;
		contenders.set(caseName(index), async () => refusedAs(await runForgedCase(forged), what));
		const parse = n8nParser(forged.call);
		if (parse && !parseNames.has(forged.call.body)) {
			const name = `n8n's parse of body ${parseNames.size}`;
			parseNames.set(forged.call.body, name);
			contenders.set(name, async () => {
				parse();
				return undefined;
			});
		}
	});
	return { contenders, parseNameOf: (forged) => parseNames.get(forged.call.body) };
}

/**
 * Each forged call and each n8n parse, once per round, in interleaved rounds;
 * a call slower than SLOW_CALL_MS in its first round is measured in
 * SLOW_ROUNDS rounds only (its row says how many).
 */
export async function benchForged(options: {
	bodyBytes: number;
	rounds: number;
	onProgress?: (line: string) => void;
}): Promise<ForgedResult> {
	const collectGarbage = garbageCollector();
	// Small bodies first: each forgery must be refused (refusedAs throws
	// otherwise), and the JIT warms up on the paths the big ones take.
	for (const small of buildForgedCases(64 * 1024))
		refusedAs(await runForgedCase(small), small.family);
	const cases = buildForgedCases(options.bodyBytes);
	const { contenders, parseNameOf } = contendersOf(cases);
	const firstMs = new Map<string, number>();
	const measured = await interleave(
		[...contenders.keys()],
		options.rounds,
		async (name, round) => {
			const first = firstMs.get(name);
			if (round >= SLOW_ROUNDS && first !== undefined && first > SLOW_CALL_MS) return undefined;
			const result = await measure(contenders.get(name) as Contender, collectGarbage);
			if (first === undefined) firstMs.set(name, result.cpuMs);
			return result;
		},
		(round) => options.onProgress?.(`forged: round ${round + 1} of ${options.rounds} done`),
	);
	const taken = (name: string | undefined) =>
		(name === undefined ? [] : (measured.get(name) ?? [])).filter(
			(m): m is Measurement => m !== undefined,
		);
	return {
		bodyBytes: options.bodyBytes,
		rounds: options.rounds,
		nodeVersion: process.version,
		rows: cases.map((forged, index) =>
			rowOf(forged, taken(caseName(index)), taken(parseNameOf(forged))),
		),
	};
}

function rowOf(
	forged: ForgedCase,
	calls: readonly Measurement[],
	parses: readonly Measurement[],
): ForgedRow {
	const reasons = new Set(calls.map((call) => call.refusedAs));
	if (reasons.size !== 1) {
		throw new Error(`${forged.family}: refused for different reasons from round to round`);
	}
	return {
		schemeId: forged.scheme.id,
		family: forged.family,
		hostileBody: forged.hostileBody,
		refusedAs: String([...reasons][0]),
		cpuMs: spread(calls.map((call) => call.cpuMs)),
		n8nParse: n8nParseOf(forged.call),
		...(parses.length > 0 ? { n8nParseCpuMs: spread(parses.map((parse) => parse.cpuMs)) } : {}),
	};
}
