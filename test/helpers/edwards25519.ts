/**
 * Just enough edwards25519 arithmetic, in BigInt, to find the curve's
 * small-order points from first principles rather than from a list
 * remembered from libsodium: slow, plain, and for tests only.
 *
 * The curve is -x² + y² = 1 + d·x²·y² over p = 2^255 - 19 (RFC 8032 5.1);
 * it has 8·L points, L prime, so at most 8 points P have 8·P = identity.
 */
export const P = 2n ** 255n - 19n;
/** The order of the base point (RFC 8032 5.1). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const mod = (value: bigint): bigint => ((value % P) + P) % P;

function power(base: bigint, exponent: bigint): bigint {
	let result = 1n;
	let square = mod(base);
	for (let rest = exponent; rest > 0n; rest >>= 1n) {
		if (rest & 1n) result = (result * square) % P;
		square = (square * square) % P;
	}
	return result;
}

const inverse = (value: bigint): bigint => power(value, P - 2n);
const D = mod(-121665n * inverse(121666n));
const SQRT_MINUS_ONE = power(2n, (P - 1n) / 4n);

/** A point in projective coordinates: x = X/Z, y = Y/Z. */
export interface Point {
	readonly X: bigint;
	readonly Y: bigint;
	readonly Z: bigint;
}

export const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n };

export const samePoint = (a: Point, b: Point): boolean =>
	mod(a.X * b.Z - b.X * a.Z) === 0n && mod(a.Y * b.Z - b.Y * a.Z) === 0n;

/** The twisted Edwards addition law with a = -1 (complete on this curve), projective form. */
export function add(a: Point, b: Point): Point {
	const zz = mod(a.Z * b.Z);
	const zz2 = mod(zz * zz);
	const xx = mod(a.X * b.X);
	const yy = mod(a.Y * b.Y);
	const dxxyy = mod(D * xx * yy);
	const f = mod(zz2 - dxxyy); // Z²·(1 - d·x1·x2·y1·y2)
	const g = mod(zz2 + dxxyy); // Z²·(1 + d·x1·x2·y1·y2)
	return {
		X: mod(zz * f * ((a.X + a.Y) * (b.X + b.Y) - xx - yy)), // x1·y2 + y1·x2, over g
		Y: mod(zz * g * (yy + xx)), // y1·y2 - a·x1·x2, over f
		Z: mod(f * g),
	};
}

/** n·point by double-and-add. */
export function multiply(point: Point, n: bigint): Point {
	let result = IDENTITY;
	let addend = point;
	for (let rest = n; rest > 0n; rest >>= 1n) {
		if (rest & 1n) result = add(result, addend);
		addend = add(addend, addend);
	}
	return result;
}

/** The 32-byte little-endian integer of an encoding, with its top (sign) bit cleared. */
export function encodedY(bytes: Uint8Array): bigint {
	let value = 0n;
	for (let i = 31; i >= 0; i--)
		value = (value << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
	return value;
}

/** 32 bytes: `y` little-endian (it may be p or more: non-canonical), with `sign` as the top bit. */
export function encode(y: bigint, sign: 0 | 1): Buffer {
	const bytes = Buffer.alloc(32);
	for (let i = 0, rest = y; i < 32; i++, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
	bytes[31] |= sign << 7;
	return bytes;
}

/**
 * The point an encoding names, read as a lax decoder reads it: y reduced
 * mod p, and x recovered from x² = (y² - 1)/(d·y² + 1) with the sign bit
 * picking its parity (x = 0 whatever the sign bit says). Undefined when no
 * x exists, that is when y is on no point of the curve.
 */
export function decode(bytes: Uint8Array): Point | undefined {
	const y = mod(encodedY(bytes));
	const xSquared = mod((y * y - 1n) * inverse(D * y * y + 1n));
	let x = power(xSquared, (P + 3n) / 8n); // a square root, or it times sqrt(-1) is one
	if (mod(x * x - xSquared) !== 0n) x = mod(x * SQRT_MINUS_ONE);
	if (mod(x * x - xSquared) !== 0n) return undefined;
	if ((x & 1n) !== BigInt(bytes[31] >> 7)) x = mod(-x);
	return { X: x, Y: y, Z: 1n };
}

/** The canonical encoding of a point: y, and x's parity as the sign bit. */
export function encodePoint(point: Point): Buffer {
	const zInverse = inverse(point.Z);
	const x = mod(point.X * zInverse);
	return encode(mod(point.Y * zInverse), Number(x & 1n) as 0 | 1);
}

/**
 * Every point of order dividing 8, found rather than listed: L·Q lies in
 * that subgroup for any point Q, so the points Q with y = 2, 3, … are
 * multiplied by L until 8 different ones turned up, which is all of them.
 */
export function smallOrderPoints(): Point[] {
	const found: Point[] = [];
	for (let y = 2n; found.length < 8; y++) {
		if (y > 1000n) throw new Error('fewer than 8 small-order points found');
		const point = decode(encode(y, 0));
		if (!point) continue;
		const torsion = multiply(point, L);
		if (!found.some((known) => samePoint(known, torsion))) found.push(torsion);
	}
	return found;
}

/**
 * Every 32-byte text that names a small-order point: the canonical y of
 * each, y + p where that still fits below 2^255 (non-canonical), each with
 * the sign bit 0 and 1.
 */
export function smallOrderEncodings(): Buffer[] {
	const ys = new Set<bigint>();
	for (const point of smallOrderPoints()) {
		const y = encodedY(encodePoint(point));
		ys.add(y);
		if (y + P < 2n ** 255n) ys.add(y + P);
	}
	return [...ys].flatMap((y) => [encode(y, 0), encode(y, 1)]);
}
