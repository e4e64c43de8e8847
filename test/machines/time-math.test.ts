// NTP-style offset arithmetic: against a source with a known skew and asymmetric path delays, every estimate is
// within half its round trip of the truth, and the best of several samples is the one with the smallest delay.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bestSample, phoneSource, reliabilityOf, sampleOf } from '../../machines/time-math.ts';

const S = suite('time math');

/** A deterministic PRNG (mulberry32), so a failure names its case. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One exchange with a source whose clock is `skew` ahead, `up`/`down` ms each way, `hold` ms inside the source. */
function exchange(t1: number, skew: number, up: number, down: number, hold: number) {
  const t2 = t1 + up + skew;
  const t3 = t2 + hold;
  const t4 = t1 + up + hold + down;
  return { t1, t2, t3, t4 };
}

S('a symmetric path gives the skew exactly and the round trip as delay', () => {
  const s = sampleOf(exchange(1_000_000, 3_723.4, 12, 12, 3));
  assert.ok(Math.abs(s.offsetMs - 3_723.4) < 1e-9);
  assert.ok(Math.abs(s.delayMs - 24) < 1e-9);
});

S('with asymmetric delays every estimate is within half its round trip of the true skew', () => {
  const random = rng(42);
  for (let i = 0; i < 10_000; i++) {
    const skew = (random() - 0.5) * 2 * 86_400_000; // up to a day either way (a Pi without RTC after boot)
    const up = random() * 300;
    const down = random() < 0.5 ? up * (1 + random() * 20) : random() * 5; // very uneven either way
    const s = sampleOf(exchange(1.7e12 + i * 1000, skew, up, down, random() * 20));
    assert.ok(Math.abs(s.offsetMs - skew) <= s.delayMs / 2 + 1e-6, `case ${i}: error ${s.offsetMs - skew} > delay/2 ${s.delayMs / 2}`);
  }
});

S('the best of a burst is its smallest-delay sample, and its error bound is the tightest', () => {
  const random = rng(7);
  const skew = -5_432.1;
  const samples = Array.from({ length: 8 }, (_, i) => sampleOf(exchange(1.7e12 + i * 100, skew, 2 + random() * 80, 2 + random() * 400, 1)));
  const best = bestSample(samples)!;
  assert.is(best.delayMs, Math.min(...samples.map((s) => s.delayMs)));
  assert.ok(Math.abs(best.offsetMs - skew) <= best.delayMs / 2 + 1e-9);
  assert.is(bestSample([]), null);
});

S('a phone inside the AP subnet is on the AP; any other is on the client network', () => {
  assert.is(phoneSource('192.168.4.17', '192.168.4.1/24'), 'phone-ap');
  assert.is(phoneSource('::ffff:192.168.4.17', '192.168.4.1/24'), 'phone-ap');
  assert.is(phoneSource('10.0.0.5', '192.168.4.1/24'), 'phone-client');
  assert.is(phoneSource('192.168.5.2', '192.168.4.1/24'), 'phone-client');
  assert.is(phoneSource('127.0.0.1', null), 'phone-client');
  assert.is(phoneSource('fe80::1', '192.168.4.1/24'), 'phone-client');
});

S('reliability follows the delay; the camera is never better than low', () => {
  assert.is(reliabilityOf('phone-ap', 8), 'high');
  assert.is(reliabilityOf('phone-client', 120), 'medium');
  assert.is(reliabilityOf('gps', 2_000), 'low');
  assert.is(reliabilityOf('camera', 1), 'low');
});

S.run();
