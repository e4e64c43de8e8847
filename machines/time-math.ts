// Clock offset arithmetic, NTP style (RFC 5905 §8): the Pi stamps t1 when it sends a request and t4 when the answer
// arrives (its own clock); the source stamps t2 on receipt and t3 on reply (its clock). Then
//   offset = ((t2 − t1) + (t3 − t4)) / 2   (source − Pi)
//   delay  = (t4 − t1) − (t3 − t2)          (round trip minus the source's own time)
// Whatever the split of the delay between the two directions, the true offset lies within ±delay/2 of the estimate,
// so of several samples the one with the smallest delay is the most trustworthy. Pure: no clock reads.

export interface Exchange {
  t1: number;
  t2: number;
  t3: number;
  t4: number;
}

export interface Sample {
  offsetMs: number;
  delayMs: number;
}

export function sampleOf(e: Exchange): Sample {
  return { offsetMs: (e.t2 - e.t1 + (e.t3 - e.t4)) / 2, delayMs: Math.max(0, e.t4 - e.t1 - (e.t3 - e.t2)) };
}

/** The sample with the smallest round-trip delay (the first of equals); null for none. */
export function bestSample(samples: readonly Sample[]): Sample | null {
  let best: Sample | null = null;
  for (const s of samples) if (!best || s.delayMs < best.delayMs) best = s;
  return best;
}

/** Where a time reading came from, best first. */
export const SOURCE_KINDS = ['phone-ap', 'phone-client', 'gps', 'camera'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const priorityOf = (k: SourceKind): number => SOURCE_KINDS.indexOf(k);

/** How long a source's reading stands without a fresh one. A phone that stays connected is re-asked well before. */
export const VALIDITY_MS: Record<SourceKind, number> = {
  'phone-ap': 15 * 60_000,
  'phone-client': 10 * 60_000,
  gps: 30 * 60_000,
  camera: 60 * 60_000,
};

/** The Pi's clock is stepped when a trusted source says it is off by more than this. */
export const STEP_THRESHOLD_MS = 200;

/** The uncertainty of an estimate (half its delay, or a GPS fix's stated time accuracy) as a word for people. */
export function reliabilityOf(source: SourceKind, delayMs: number): 'high' | 'medium' | 'low' {
  // The camera's clock reads in whole seconds.
  if (source === 'camera') return 'low';
  return delayMs <= 50 ? 'high' : delayMs <= 250 ? 'medium' : 'low';
}

/** Which IPv4 network a phone is on: the AP's own subnet (`192.168.4.1/24`) or any other (the client network). */
export function phoneSource(remote: string | null, apAddress: string | null): SourceKind {
  const ip = remote?.replace(/^::ffff:/, '') ?? '';
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(apAddress ?? '');
  if (!m || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return 'phone-client';
  const bits = Number(m[2]);
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(m[1]!) & mask) ? 'phone-ap' : 'phone-client';
}
