// Shared by the adapter tests: raw HTTP to the simulator on loopback, a generous wait for a condition, and the
// CameraError a promise rejects with.
import { keepAliveAgent, rawRequest } from '../../adapters/ccapi/request.ts';
import { CameraError } from '../../machines/camera-port.ts';

// Shared by every test file in a run, so never closed: idle sockets go after 100 ms and the sims close theirs.
// The 10 s limit keeps a test that forgot to advance a ManualClock from hanging.
const agent = keepAliveAgent({ secure: false, maxSockets: Infinity, connectTimeoutMs: 10_000, idleMs: 100 });

export async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const res = await rawRequest(new URL(url), agent, {
    method,
    headers,
    timeoutMs: 10_000,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: res.text ? JSON.parse(res.text) : null };
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

/** The CameraError `p` rejects with; fails the test if it resolves or rejects with anything else. */
export async function caught(p: Promise<unknown>): Promise<CameraError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CameraError) return err;
    throw err;
  }
  throw new Error('expected a CameraError');
}
