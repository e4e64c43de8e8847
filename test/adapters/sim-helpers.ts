// Shared by the adapter tests: raw HTTP to the simulator on loopback, and a generous wait for a condition.
import { Agent, fetch } from 'undici';

// Shared by every test file in a run, so never closed: idle sockets go after 100 ms and the sims close theirs.
// headersTimeout keeps a test that forgot to advance a ManualClock from hanging for undici's default 300 s.
const agent = new Agent({ keepAliveTimeout: 100, headersTimeout: 10_000 });

export async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    dispatcher: agent,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** Waits (real time, generously) until `cond` holds; fails the test if it never does. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const ccapi = (base: string, path: string) => base.replace(/\/ccapi$/, '') + path;
