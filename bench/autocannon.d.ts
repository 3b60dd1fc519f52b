/**
 * The part of autocannon's API the benchmarks use. It ships no types, and
 * @types/autocannon describes an older major; this is what 9.x returns.
 */
declare module 'autocannon' {
	namespace autocannon {
		interface Options {
			url: string;
			method?: string;
			headers?: Record<string, string>;
			body?: string | Buffer;
			connections?: number;
			duration?: number;
			amount?: number;
		}
		interface Histogram {
			average: number;
			mean: number;
			total: number;
			p50: number;
			p99: number;
		}
		interface Result {
			requests: Histogram;
			latency: Histogram;
			duration: number;
			errors: number;
			timeouts: number;
			non2xx: number;
			'2xx': number;
			statusCodeStats?: Record<string, { count: number }>;
		}
	}
	function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
	export = autocannon;
}
