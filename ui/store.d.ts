// Types of ui/store.js for the TypeScript tests (the browser loads the .js directly; there is no build step).
import type { CameraView, SessionView, UnsavedSessionView } from '../transport/views.ts';
import type { NetworkView } from '../transport/views-network.ts';
import type { TimeSyncView } from '../transport/views-time.ts';
import type { PowerView } from '../transport/views-power.ts';

/** The shot an activity line is about, so a later `shot_updated` rewrites that line instead of adding one. */
export interface ActivityShot {
  sessionId: string;
  number: number;
  files: string[];
  latenessMs: number | null;
  recovered: boolean;
}

export interface ActivityEntry {
  n: number;
  at: number;
  seq?: number;
  level: 'info' | 'ok' | 'warn' | 'error';
  text: string;
  /** The code and the raw message behind an error line, for its details toggle. */
  detail?: string;
  key?: string;
  shot?: ActivityShot;
  count: number;
}

/** What only broadcasts tell about the shown session. */
export interface SessionNote {
  sessionId: string;
  suspendReason: 'shutdown' | 'restart' | null;
  resumed: { at: number; gapMs: number | null; skipped: number; reanchored: boolean } | null;
  /** Slots skipped with reason controller_offline since the last resume was told. */
  offlineSkips: number;
  /** Shots this page saw recovered from the card. */
  recovered: number;
  orphans: number;
}

export interface UiState {
  live: boolean;
  lastSeq: number | null;
  syncedAt: number | null;
  lostAt: number | null;
  clientId: string | null;
  availableCommands: string[];
  clockOffsetMs: number;
  camera: CameraView | null;
  session: SessionView | null;
  unsaved: UnsavedSessionView | null;
  network: NetworkView | null;
  timeSync: TimeSyncView | null;
  power: PowerView | null;
  note: SessionNote | null;
  activity: ActivityEntry[];
  activityN: number;
}

export declare const ACTIVITY_LIMIT: number;
export declare const HANDLED_BROADCASTS: readonly string[];
export declare function initialState(): UiState;
export declare function reduce(state: UiState, msg: unknown, now?: number): UiState;
export declare function describe(
  state: UiState,
  type: string,
  data: Record<string, unknown>,
): Pick<ActivityEntry, 'level' | 'text' | 'key' | 'shot'> & { amends?: { sessionId: string; number: number; files: string[]; recovered: boolean } };
export declare function resumeText(r: { gapMs: number | null | undefined; skipped: number; reanchored?: boolean }): string;
