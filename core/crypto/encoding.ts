import type { DigestEncoding, TimestampFormat } from '../schemes/types';

// Standard alphabet, padding optional; URL-safe input is not what any scheme sends.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Hex or base64, strictly: Buffer.from() silently skips characters it cannot
 * read, so "abc!" would decode as "abc" does, and a signature or secret must
 * be exactly what it claims to be.
 */
export function decodeStrict(text: string, encoding: DigestEncoding): Buffer | undefined {
	if (encoding === 'hex') {
		// Node's hex decoder stops at the first pair it cannot read: nothing dropped, all hex.
		const bytes = Buffer.from(text, 'hex');
		return bytes.length * 2 === text.length ? bytes : undefined;
	}
	return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

const DIGITS = /^\d{1,16}$/;
// Date and time with an explicit zone: 2024-01-15T10:30:00Z, …00.123+02:00
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Parses a timestamp as written on the wire; undefined if it is not in `format`. */
export function parseTimestamp(text: string, format: TimestampFormat): Date | undefined {
	let ms: number;
	if (format === 'iso8601') {
		if (!ISO_8601.test(text)) return undefined;
		ms = Date.parse(text);
	} else {
		if (!DIGITS.test(text)) return undefined;
		ms = format === 'unix-seconds' ? Number(text) * 1000 : Number(text);
	}
	return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms) : undefined;
}

export function formatTimestamp(date: Date, format: TimestampFormat): string {
	switch (format) {
		case 'unix-seconds':
			return String(Math.floor(date.getTime() / 1000));
		case 'unix-ms':
			return String(date.getTime());
		case 'iso8601':
			return date.toISOString();
	}
}
