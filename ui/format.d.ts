// Types of ui/format.js for the TypeScript tests.
export declare function basename(path: string | null | undefined): string | null;
export declare function formatDuration(ms: number | null | undefined): string;
export declare function fileNames(files: readonly string[] | null | undefined): string | null;
export declare function plural(n: number, word: string): string;
export declare function formatGap(ms: number | null | undefined): string;
export declare function skipReasonText(reason: string | null | undefined): string;
export declare function countsText(counts: { ok: number; failed: number; skipped: number; unknown: number } | null | undefined, sep?: string): string;
export declare function shotRowText(shot: {
  number: number;
  result: string;
  files: readonly string[];
  latenessMs: number | null;
  reason: string | null;
  recovered: boolean;
  error: { code: string; message: string } | null;
}): string;
export declare function formatInterval(seconds: number): string;
export declare function formatBytes(bytes: number): string;
export declare function formatClock(ms: number): string;
export declare function formatDateTime(ms: number): string;
export declare function describeBattery(b: { kind: string; level: string } | null | undefined): { text: string; warn: boolean };
export declare function describeStorage(s: { spaceBytes: number; maxBytes: number } | null | undefined): { text: string; warn: boolean };
export declare function msUntilNextShot(
  session: { running: boolean; nextShotAt: number | null } | null,
  clockOffsetMs: number,
  now: number,
): number | null;
