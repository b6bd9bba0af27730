/** What `GET /_stats` of the fault server answers: `syncline.stats()`. */
export interface ServerStats {
  readonly connections: number;
  readonly streams: number;
  readonly subscriptions: number;
  readonly groups: number;
  readonly slowConsumers: number;
  readonly seq: number;
}

/**
 * Reads a fault server's counters from outside its process.
 *
 * @example
 * const { connections } = await fetchStats(server.base);
 */
export async function fetchStats(base: string): Promise<ServerStats> {
  const response = await fetch(`${base}/_stats`);
  return (await response.json()) as ServerStats;
}

/**
 * The `q`-quantile (0..1) of some numbers, or 0 when there are none.
 *
 * @example
 * quantile([5, 1, 9, 3], 0.99); // 9
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** A victim's request latencies alone and during an attack, as rounded p50 and p99 (ms). */
export interface VictimLatency {
  readonly aloneP50: number;
  readonly aloneP99: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * The p50 and p99 of a victim's latencies measured alone and during a flood, rounded to the millisecond.
 *
 * @example
 * victimLatency([2, 3, 4], [5, 9, 30]); // { aloneP50: 3, aloneP99: 4, p50: 9, p99: 30 }
 */
export function victimLatency(alone: readonly number[], during: readonly number[]): VictimLatency {
  return {
    aloneP50: Math.round(quantile(alone, 0.5)),
    aloneP99: Math.round(quantile(alone, 0.99)),
    p50: Math.round(quantile(during, 0.5)),
    p99: Math.round(quantile(during, 0.99)),
  };
}
