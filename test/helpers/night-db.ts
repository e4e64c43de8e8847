// Reads a server's database read-only (as an operator's sqlite3 would, while the server runs or after it died) and
// states the night-safety invariants as lists of problems, so one assertion shows every broken one.
import Database from 'better-sqlite3';
import { cardName, type SimPress } from './sim-process.ts';

export interface SessionRow {
  id: string;
  status: string;
  started_at: number;
  interval_ms: number;
}

export interface ShotRow {
  number: number;
  planned_at: number;
  result: string;
  reason: string | null;
  recovered: number | null;
  /** Parsed from the JSON text column. */
  files: string[];
}

export interface NightSnapshot {
  integrity: string;
  /** Rows in `sessions`, all sessions. */
  sessionCount: number;
  session: SessionRow | undefined;
  shots: ShotRow[];
}

function open(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function readNight(file: string, sessionId: string): NightSnapshot {
  const db = open(file);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const sessionCount = (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    const session = db.prepare('SELECT id, status, started_at, interval_ms FROM sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
    const rows = db
      .prepare('SELECT number, planned_at, result, reason, recovered, files FROM shots WHERE session_id = ? ORDER BY number')
      .all(sessionId) as (Omit<ShotRow, 'files'> & { files: string | null })[];
    const shots = rows.map((r) => ({ ...r, files: r.files ? (JSON.parse(r.files) as string[]) : [] }));
    return { integrity, sessionCount, session, shots };
  } finally {
    db.close();
  }
}

/** The session's files found on the card that match no slot. */
export function readOrphans(file: string, sessionId: string): string[] {
  const db = open(file);
  try {
    return (db.prepare('SELECT path FROM orphan_files WHERE session_id = ?').all(sessionId) as { path: string }[]).map((r) => r.path);
  } finally {
    db.close();
  }
}

/** Wall time the server logged its last restart or resume of the session: from then on it was running the session. */
export function lastResumeAt(file: string, sessionId: string): number | undefined {
  const db = open(file);
  try {
    const row = db.prepare("SELECT max(at) AS at FROM events WHERE stream = ? AND type IN ('RESTARTED', 'RESUME')").get(`session:${sessionId}`) as { at: number | null };
    return row.at ?? undefined;
  } finally {
    db.close();
  }
}

export function sessionStatus(file: string, sessionId: string): string | undefined {
  const db = open(file);
  try {
    return (db.prepare('SELECT status FROM sessions WHERE id = ?').get(sessionId) as { status: string } | undefined)?.status;
  } finally {
    db.close();
  }
}

/** Rows that are not on the session's grid, and (session, number) pairs that occur twice. */
export function gridProblems(night: NightSnapshot): string[] {
  const problems: string[] = [];
  const s = night.session;
  if (!s) return ['no sessions row'];
  const seen = new Set<number>();
  for (const shot of night.shots) {
    if (seen.has(shot.number)) problems.push(`slot ${shot.number} has two rows`);
    seen.add(shot.number);
    const planned = s.started_at + (shot.number - 1) * s.interval_ms;
    if (shot.planned_at !== planned) problems.push(`slot ${shot.number} planned_at ${shot.planned_at}, grid says ${planned} (off by ${shot.planned_at - planned} ms)`);
    if (!['ok', 'failed', 'skipped', 'unknown'].includes(shot.result)) problems.push(`slot ${shot.number} result ${shot.result}`);
    // A camera still reconnecting after a restart holds the session (camera_offline) instead of failing frames.
    if (shot.result === 'skipped' && !['late', 'controller_offline', 'camera_offline'].includes(shot.reason ?? '')) problems.push(`skipped slot ${shot.number} has reason ${shot.reason}`);
  }
  return problems;
}

/**
 * Every photo_taken the clients received is in the log under the same number. A frame broadcast `ok` stays `ok`
 * with at least the files it was broadcast with; one broadcast `failed` (or `unknown`) may since have been
 * recovered from the card (`ok`, recovered = 1).
 */
export function lostProblems(night: NightSnapshot, received: { number: number; result: string; files: string[] }[]): string[] {
  const byNumber = new Map(night.shots.map((s) => [s.number, s]));
  const problems: string[] = [];
  for (const shot of received) {
    const row = byNumber.get(shot.number);
    if (!row) {
      problems.push(`broadcast slot ${shot.number} (${shot.result}) is not in shots`);
      continue;
    }
    if (row.result === shot.result) {
      const missing = (shot.files ?? []).map(cardName).filter((f) => !row.files.map(cardName).includes(f));
      if (missing.length) problems.push(`slot ${shot.number}: broadcast files ${missing.join(', ')} not in the row's files`);
    } else if (!(row.result === 'ok' && row.recovered === 1 && shot.result !== 'ok')) {
      problems.push(`slot ${shot.number} broadcast ${shot.result}, logged ${row.result} (recovered ${row.recovered})`);
    }
  }
  return problems;
}

/** Presses whose simulator wall time falls in one slot window [planned, planned + interval) of the grid. */
export function doublePressProblems(session: SessionRow, presses: SimPress[]): string[] {
  const bySlot = new Map<number, number[]>();
  for (const p of presses) {
    if (p.accepted === false || p.wall < session.started_at) continue;
    const slot = Math.floor((p.wall - session.started_at) / session.interval_ms) + 1;
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), p.wall]);
  }
  return [...bySlot]
    .filter(([, walls]) => walls.length > 1)
    .map(([slot, walls]) => `slot ${slot} pressed ${walls.length} times (at +${walls.map((w) => w - session.started_at - (slot - 1) * session.interval_ms).join(', +')} ms into the window)`);
}

/** Files credited to two slots, and logged files that are not on the card. */
export function fileProblems(night: NightSnapshot, card: string[]): string[] {
  const onCard = new Set(card.map(cardName));
  const owner = new Map<string, number>();
  const problems: string[] = [];
  for (const shot of night.shots) {
    for (const raw of shot.files) {
      const f = cardName(raw);
      const other = owner.get(f);
      if (other !== undefined && other !== shot.number) problems.push(`${f} credited to slots ${other} and ${shot.number}`);
      owner.set(f, shot.number);
      if (!onCard.has(f)) problems.push(`${f} (slot ${shot.number}) is not on the card`);
    }
  }
  return problems;
}

export function countResults(shots: ShotRow[]): Record<string, number> {
  const counts: Record<string, number> = { ok: 0, failed: 0, skipped: 0, unknown: 0, recovered: 0 };
  for (const s of shots) {
    counts[s.result] = (counts[s.result] ?? 0) + 1;
    if (s.recovered === 1) counts.recovered!++;
  }
  return counts;
}

/**
 * Every frame under its own shot. The simulator numbers its files in press order, so with one file per release (its
 * default JPEG) the n-th file written during the session came from the n-th press; that press fell in one slot
 * window, and that slot's row must hold the file. `sessionFiles` are the card's files written during the session.
 */
export function ownSlotProblems(night: NightSnapshot, presses: SimPress[], sessionFiles: string[], orphans: string[] = []): string[] {
  const s = night.session;
  if (!s) return ['no sessions row'];
  const pressed = presses.filter((p) => p.accepted !== false && p.wall >= s.started_at);
  const files = [...sessionFiles].map(cardName).sort();
  if (pressed.length !== files.length) return [`${files.length} files written during the session but ${pressed.length} presses: cannot pair them`];
  const problems: string[] = [];
  files.forEach((file, i) => {
    const press = pressed[i]!;
    const slot = Math.floor((press.wall - s.started_at) / s.interval_ms) + 1;
    const row = night.shots.find((r) => r.number === slot);
    if (row?.files.map(cardName).includes(file)) return;
    const into = Math.round(press.wall - s.started_at - (slot - 1) * s.interval_ms);
    const holder = night.shots.find((r) => r.files.map(cardName).includes(file));
    problems.push(
      `${file}, pressed ${into} ms into slot ${slot}'s window: slot ${slot} is ` +
        (row ? `${row.result}${row.reason ? ` (${row.reason})` : ''} with ${JSON.stringify(row.files.map(cardName))}${row.recovered ? ', recovered' : ''}` : 'not in the log') +
        (holder ? `; the file is under slot ${holder.number}` : orphans.map(cardName).includes(file) ? '; the file is an orphan' : '; the file is nowhere in the log'),
    );
  });
  return problems;
}
