// The preview of a file on the card: the display-size JPEG (about 1620×1080 on the R50), or the 160×120 thumbnail
// on bodies that refuse `kind=display` (the R100 answers 400). Busy refusals right after a shot are retried with
// backoff (docs/camera-notes.md §15).

import type { Clock } from '../../machines/clock.ts';
import { CameraError } from '../../machines/camera-port.ts';
import type { CcapiClient } from './client.ts';
import { sleep } from './sleep.ts';

export type PreviewKind = 'display' | 'thumbnail';

export interface PreviewOptions {
  clock: Clock;
  /** Attempts per kind for busy refusals and timeouts. */
  attempts?: number;
  /** First pause between attempts; doubles each time. */
  retryMs?: number;
  timeoutMs?: number;
  onProgress?: (p: { kind: PreviewKind; loaded: number; total: number | null; attempt: number }) => void;
  signal?: AbortSignal;
}

const RETRY = new Set(['BUSY', 'TIMEOUT', 'UNREACHABLE']);

/** `file` is the camera's path of the file (`/ccapi/ver130/contents/card1/100CANON/IMG_0001.JPG`). */
export async function downloadPreview(client: CcapiClient, file: string, o: PreviewOptions): Promise<{ kind: PreviewKind; bytes: Buffer }> {
  const attempts = o.attempts ?? 5;
  let last: unknown;
  for (const kind of ['display', 'thumbnail'] as const) {
    let pause = o.retryMs ?? 500;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const got = await client.http.download(`${file}?kind=${kind}`, {
          context: `contents ${kind}`,
          timeoutMs: o.timeoutMs ?? 30_000,
          signal: o.signal,
          onProgress: (loaded, total) => o.onProgress?.({ kind, loaded, total, attempt }),
        });
        if (!isJpeg(got.bytes)) throw new CameraError('PROTOCOL', `contents ${kind}: the answer is not a JPEG (${got.contentType})`, false);
        return { kind, bytes: got.bytes };
      } catch (err) {
        last = err;
        const code = err instanceof CameraError ? err.code : 'INTERNAL';
        if (o.signal?.aborted) throw err;
        // A body without display previews refuses the query: the thumbnail is all it has.
        if (kind === 'display' && (code === 'REJECTED' || code === 'NOT_SUPPORTED')) break;
        if (!RETRY.has(code) || attempt === attempts) throw err;
        await sleep(o.clock, pause, o.signal);
        pause *= 2;
      }
    }
  }
  throw last;
}

function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8;
}
