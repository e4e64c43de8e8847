// Which release made which file. Releases are kept in press order; files come in the camera's numbering order
// (events, or a card listing after a lost answer). A file whose stem (folder + number) a release already has joins
// it (RAW+JPEG); a new stem goes to the oldest release, pressed before the file was seen, still waiting for its
// first file. Files that reach a release after its shoot() returned are handed back under its tag, never to the
// next shot. The rules and the camera behaviour they rest on are in docs/camera-notes.md.

import type { Logger } from 'pino';
import type { LateFiles, ReleaseTag } from '../../machines/camera-port.ts';
import type { Clock } from '../../machines/clock.ts';
import { compareFiles, parseFileName } from './file-names.ts';

export interface Release {
  readonly tag: ReleaseTag;
  readonly sentMono: number;
  /** Files this release should make (2 with RAW+JPEG), as far as the camera's settings tell. */
  readonly expected: number;
  /** `fired`: the camera accepted the press or its files showed it fired; `maybe`: answer lost, no file yet. */
  state: 'fired' | 'maybe';
  /** True when a file, not the press's answer, showed that it fired. */
  byEvidence: boolean;
  files: string[];
  /** Stem of its files once the first arrived. */
  stem: string | null;
  /** shoot() returned: later files are late files. */
  returned: boolean;
  /** A `maybe` release passed over: a later press was accepted before any file of it appeared. */
  passed: boolean;
}

/** Releases kept after their shoot() returned, for late files; older ones are forgotten. */
const KEPT = 32;
/** Paths remembered to ignore a file seen both as an event and in a listing. */
const SEEN = 4_096;

interface Waiter {
  release: Release;
  done: (r: Release) => boolean;
  settle(ok: boolean): void;
}

export class ReleaseLedger {
  private releases: Release[] = [];
  private readonly seen = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private newestPath: string | null = null;
  private cardRead = false;

  constructor(
    private readonly clock: Clock,
    private readonly onLate: (late: LateFiles) => void,
    private readonly logger?: Logger,
  ) {}

  /** The newest file known on the card (null: empty, or not known). */
  get newest(): string | null {
    return this.newestPath;
  }

  /** Whether `newest` comes from a card listing (so "files after it" means something). */
  get cardKnown(): boolean {
    return this.cardRead;
  }

  /** The newest file a card listing showed (null: an empty card). */
  seed(newest: string | null): void {
    if (newest !== null) this.see([newest]);
    this.cardRead = true;
  }

  /**
   * Releases of an earlier process whose files it never saw (it died, or gave up waiting): oldest of all, already
   * returned, and `maybe`, so a new file goes to them first, and once this process's press is accepted without a
   * file of theirs having appeared they are passed over like any release whose answer was lost.
   */
  adopt(tags: readonly ReleaseTag[]): void {
    const known = (tag: ReleaseTag) => this.releases.some((r) => r.tag.sessionId === tag.sessionId && r.tag.number === tag.number);
    const adopted = tags
      .filter((tag) => !known(tag))
      .map(
        (tag): Release => ({
          tag,
          sentMono: Number.NEGATIVE_INFINITY,
          expected: 1,
          state: 'maybe',
          byEvidence: false,
          files: [],
          stem: null,
          returned: true,
          passed: false,
        }),
      );
    this.releases.unshift(...adopted);
  }

  /** A press about to be sent: `maybe` until its answer (accept) or a refusal (withdraw). */
  open(tag: ReleaseTag, sentMono: number, expected: number): Release {
    const release: Release = {
      tag,
      sentMono,
      expected,
      state: 'maybe',
      byEvidence: false,
      files: [],
      stem: null,
      returned: false,
      passed: false,
    };
    this.releases.push(release);
    return release;
  }

  /** The camera answered 200: it fired. */
  accept(release: Release): void {
    release.state = 'fired';
    this.passOver(release);
  }

  /** The press surely did not reach the camera (or was refused): forget it. */
  withdraw(release: Release): void {
    if (release.files.length === 0) this.releases = this.releases.filter((r) => r !== release);
  }

  /** Files the camera reported or a listing showed, seen at `mono`. */
  addFiles(paths: readonly string[], mono: number): void {
    const fresh = this.see(paths).sort(compareFiles);
    const late = new Map<Release, string[]>();
    for (const path of fresh) {
      const stem = parseFileName(path).stem;
      const release =
        this.releases.find((r) => r.stem === stem) ??
        this.releases.find((r) => r.stem === null && !r.passed && r.sentMono <= mono);
      if (!release) {
        this.logger?.warn({ path }, 'camera wrote a file no press of ours accounts for');
        continue;
      }
      if (release.stem === null) {
        release.stem = stem;
        if (release.state === 'maybe') {
          release.state = 'fired';
          release.byEvidence = true;
          this.passOver(release);
        }
      }
      release.files.push(path);
      if (release.returned) late.set(release, [...(late.get(release) ?? []), path]);
    }
    for (const [release, files] of late) {
      this.logger?.info({ tag: release.tag, files }, 'late files for an earlier release');
      this.onLate({ tag: release.tag, files, mono, wall: this.clock.wall() });
    }
    for (const w of [...this.waiters]) if (w.done(w.release)) w.settle(true);
  }

  /** Resolves true once `done(release)` holds, false at `deadlineMono` or when the ledger is cleared. */
  waitFor(release: Release, done: (r: Release) => boolean, deadlineMono: number): Promise<boolean> {
    if (done(release)) return Promise.resolve(true);
    const remaining = deadlineMono - this.clock.mono();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => w.settle(false), remaining);
      const w: Waiter = {
        release,
        done,
        settle: (ok) => {
          this.clock.clearTimeout(timer);
          this.waiters.delete(w);
          resolve(ok);
        },
      };
      this.waiters.add(w);
    });
  }

  /** shoot() returned for `release`; files after this are late files. */
  returned(release: Release): void {
    release.returned = true;
    const excess = this.releases.length - KEPT;
    if (excess > 0) this.releases.splice(0, excess);
  }

  /** Ends every wait (camera closed). Releases are kept: files of a reconnected camera may still belong to them. */
  stop(): void {
    for (const w of [...this.waiters]) w.settle(false);
  }

  /**
   * The camera accepted `release`: it refuses a press while it exposes, processes or writes, so an earlier release
   * whose answer was lost and that has shown no file by now did not fire. (A fired one keeps waiting: its file is
   * certain to come.)
   */
  private passOver(release: Release): void {
    for (const r of this.releases) {
      if (r === release) break;
      if (r.state === 'maybe' && r.stem === null) r.passed = true;
    }
  }

  /** Marks paths seen and returns those not seen before; keeps the newest known path. */
  private see(paths: readonly string[]): string[] {
    const fresh = paths.filter((p) => !this.seen.has(p));
    for (const p of fresh) {
      this.seen.add(p);
      if (this.newestPath === null || compareFiles(p, this.newestPath) > 0) this.newestPath = p;
    }
    if (this.seen.size > SEEN) {
      const drop = this.seen.size - SEEN;
      let i = 0;
      for (const p of this.seen) {
        if (i++ >= drop) break;
        this.seen.delete(p);
      }
    }
    return fresh;
  }
}
