// Matching files found on the card to the slots that may have made them. Pure: the session machine calls it on a
// logged CARD_FILES event, so replay gives the same verdicts. Evidence, in order of trust (docs/camera-notes.md):
// the camera numbers files in release order, so a release found between the files of slots a and b can only belong
// to a slot strictly between them, and releases keep their slots' order. Capture time, where the camera gives it,
// is the second a file was closed (whole seconds), which is never before its press: it rules out the slots planned
// after it. Of the slots left, the earliest takes the release, so that when every unsettled press fired (the
// common case: a crash or a lost answer mid-press) each gets its own file in order.
import type { CardFile } from './camera-port.ts';
import type { ShotResultKind } from './session-facts.ts';

/** A slot the card may still settle: `unknown`, `failed` without a confirmed answer, or `ok` still without files. */
export interface PendingSlot {
  number: number;
  plannedAt: number;
  result: ShotResultKind;
}

/** A file the log already credits to a slot. */
export interface KnownFile {
  number: number;
  path: string;
}

export interface Reconciliation {
  /** Files for pending slots, in slot order (one entry per release). */
  matched: { number: number; was: ShotResultKind; files: string[] }[];
  /** Files written during the session that no slot can have made. */
  orphans: CardFile[];
}

/**
 * Failure codes after which the press may still have fired: the card decides. Only UNCONFIRMED: the camera port
 * reports every press that surely did not reach the camera (refused, connect timeout, not connected) as such.
 */
const AMBIGUOUS_FAILURES = new Set(['UNCONFIRMED']);
/** Capture times are whole seconds: a file closed at most this long after its stated time. */
const CAPTURE_PRECISION_MS = 1_000;

export const isPendingOutcome = (result: ShotResultKind, errorCode: string | null, files: readonly string[]): boolean =>
  result === 'unknown' || (result === 'failed' && errorCode !== null && AMBIGUOUS_FAILURES.has(errorCode)) || (result === 'ok' && files.length === 0);

/** `100CANON/IMG_0042.CR3` → `100CANON/IMG_0042`: the files of one release share it. */
export const releaseKey = (path: string): string => path.replace(/\.[^./]*$/, '');

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `ignored`: files already settled as orphans, so they are not reported again. */
export function reconcile(pending: readonly PendingSlot[], known: readonly KnownFile[], card: readonly CardFile[], ignored: readonly string[] = []): Reconciliation {
  const knownPaths = new Set([...known.map((k) => k.path), ...ignored]);
  const knownKeys = known.map((k) => ({ key: releaseKey(k.path), number: k.number })).sort((a, b) => compare(a.key, b.key));

  // New files grouped by release, in the camera's numbering order.
  const releases = new Map<string, CardFile[]>();
  for (const file of [...card].sort((a, b) => compare(a.path, b.path))) {
    if (knownPaths.has(file.path)) continue;
    const key = releaseKey(file.path);
    const group = releases.get(key);
    if (group) group.push(file);
    else releases.set(key, [file]);
  }

  const open = [...pending].sort((a, b) => a.number - b.number);
  const matched: Reconciliation['matched'] = [];
  const orphans: CardFile[] = [];
  let lastAssigned = 0;
  for (const [key, files] of releases) {
    // The slots that logged files just below and just above this release bound the slots that can own it.
    let below = 0;
    let above = Number.POSITIVE_INFINITY;
    for (const k of knownKeys) {
      if (k.key < key) below = Math.max(below, k.number);
      else if (k.key > key) above = Math.min(above, k.number);
      else below = Math.max(below, k.number); // a further file of a release the log already credits
    }
    const sameRelease = knownKeys.find((k) => k.key === key);
    if (sameRelease) {
      // The release's first file is logged (RAW+JPEG): the rest belong to the same slot.
      matched.push({ number: sameRelease.number, was: 'ok', files: files.map((f) => f.path) });
      continue;
    }
    const eligible = open.filter((p) => p.number > Math.max(below, lastAssigned) && p.number < above);
    const capturedAt = files.find((f) => f.capturedAt !== null)?.capturedAt ?? null;
    const owner = eligible.find((p) => capturedAt === null || p.plannedAt < capturedAt + CAPTURE_PRECISION_MS);
    if (!owner) {
      orphans.push(...files);
      continue;
    }
    matched.push({ number: owner.number, was: owner.result, files: files.map((f) => f.path) });
    open.splice(open.indexOf(owner), 1);
    lastAssigned = owner.number;
  }
  return { matched, orphans };
}
