/** A check's reason code, `ok` for a success: one value to compare, whatever the outcome. */
export function reasonOf(
	result: { readonly ok: true } | { readonly ok: false; readonly reason: string },
): string {
	return result.ok ? 'ok' : result.reason;
}
