// Matching files found on the card to the slots that may have made them. Pure: the session machine calls it on a
// logged CARD_FILES event, so replay gives the same verdicts. Evidence, in order of trust (docs/camera-notes.md):
// the camera numbers files in release order, so a release found between the files of slots a and b can only belong
// to a slot strictly between them, and releases keep their slots' order. Capture time, where the camera gives it,
// is the second a file was closed (whole seconds), which is never before its press: it rules out the slots planned
// after it. Of the slots left, the likeliest to have fired take the releases (an accepted press before one a crash
// cut off, and last a press an earlier listing showed without a file), then the earliest, so that when every
// unsettled press fired (the common case: a crash or a lost answer mid-press) each gets its own file in order.
import type { CardFile } from './camera-port.ts';
import type { ShotResultKind } from './session-facts.ts';

/** A slot the card may still settle: `unknown`, `failed` without a confirmed answer, or `ok` still without files. */
export interface PendingSlot {
  number: number;
  plannedAt: number;
  result: ShotResultKind;
  /**
   * A card listing begun after its press window closed showed no file for it. The camera refuses listings while it
   * exposes, processes or writes, so had the press fired its file would have been there: it takes a file only when
   * no other slot can.
   */
  unseen?: true;
  /**
   * Wall time by which its press had surely left, if it left at all: the process that was to press it died before
   * then (a crash mid-slot). A listing begun later settles it as one begun after its press window does.
   */
  leftBy?: number;
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
  const unowned: (Release & { files: CardFile[] })[] = [];
  for (const [key, files] of releases) {
    const sameRelease = knownKeys.find((k) => k.key === key);
    if (sameRelease) {
      // The release's first file is logged (RAW+JPEG): the rest belong to the same slot.
      matched.push({ number: sameRelease.number, was: 'ok', files: files.map((f) => f.path) });
      continue;
    }
    // The slots that logged files just below and just above this release bound the slots that can own it.
    let below = 0;
    let above = Number.POSITIVE_INFINITY;
    for (const k of knownKeys) {
      if (k.key < key) below = Math.max(below, k.number);
      else above = Math.min(above, k.number);
    }
    const capturedAt = files.find((f) => f.capturedAt !== null)?.capturedAt ?? null;
    unowned.push({
      files,
      fits: (p) => p.number > below && p.number < above && (capturedAt === null || p.plannedAt < capturedAt + CAPTURE_PRECISION_MS),
      // A file closes soon after its press: of equally likely slots, the one planned nearest before it.
      distance: (p) => (capturedAt === null ? 0 : Math.abs(capturedAt - p.plannedAt)),
    });
  }
  const owners = assignInOrder(unowned, open);
  unowned.forEach((release, r) => {
    const owner = owners[r];
    if (owner === undefined) orphans.push(...release.files);
    else matched.push({ number: owner.number, was: owner.result, files: release.files.map((f) => f.path) });
  });
  return { matched: matched.sort((a, b) => a.number - b.number), orphans };
}

/**
 * How likely an unsettled slot's press fired, when fewer releases than slots are found: an `ok` press whose file
 * never came surely did (the camera accepted it), so it comes first; a press cut off by a crash most likely left; an
 * UNCONFIRMED one was already watched for a file through its whole press window and showed none; one an earlier
 * listing showed without a file (`unseen`) almost surely did not.
 */
const likelihood = (p: PendingSlot): number => (p.unseen ? 0 : p.result === 'ok' ? 3 : p.result === 'unknown' ? 2 : 1);

/** A release to place: which slots it can belong to, and how far its capture time lies from a slot's plan. */
interface Release {
  fits: (p: PendingSlot) => boolean;
  distance: (p: PendingSlot) => number;
}

/**
 * Gives releases (in numbering order) to slots (in slot order) keeping both orders: as many releases as can be
 * placed; of those placements the likeliest; then the nearest to their capture times; then the earliest. A small
 * dynamic programme over (release, first free slot).
 */
function assignInOrder(releases: readonly Release[], slots: readonly PendingSlot[]): (PendingSlot | undefined)[] {
  type Best = { count: number; score: number; distance: number; pick: number }; // pick: slot index, -1 = orphan
  const memo = new Map<number, Best>();
  const best = (r: number, from: number): Best => {
    if (r === releases.length) return { count: 0, score: 0, distance: 0, pick: -1 };
    const id = r * (slots.length + 1) + from;
    const hit = memo.get(id);
    if (hit) return hit;
    const skip = best(r + 1, from);
    let choice: Best = { ...skip, pick: -1 };
    for (let s = from; s < slots.length; s++) {
      const release = releases[r]!;
      const slot = slots[s]!;
      if (!release.fits(slot)) continue;
      const rest = best(r + 1, s + 1);
      const next = { count: rest.count + 1, score: rest.score + likelihood(slot), distance: rest.distance + release.distance(slot), pick: s };
      const better =
        next.count !== choice.count ? next.count > choice.count : next.score !== choice.score ? next.score > choice.score : next.distance < choice.distance;
      if (better) choice = next;
    }
    memo.set(id, choice);
    return choice;
  };
  const owners: (PendingSlot | undefined)[] = [];
  for (let r = 0, from = 0; r < releases.length; r++) {
    const { pick } = best(r, from);
    owners.push(pick < 0 ? undefined : slots[pick]);
    if (pick >= 0) from = pick + 1;
  }
  return owners;
}
