// Types of ui/store.js for the TypeScript tests (the browser loads the .js directly; there is no build step).
import type { CameraView, SessionView, UnsavedSessionView } from '../transport/views.ts';

export interface ActivityEntry {
  n: number;
  at: number;
  seq?: number;
  level: 'info' | 'ok' | 'warn' | 'error';
  text: string;
  key?: string;
  count: number;
}

export interface UiState {
  live: boolean;
  lastSeq: number | null;
  syncedAt: number | null;
  clientId: string | null;
  availableCommands: string[];
  clockOffsetMs: number;
  camera: CameraView | null;
  session: SessionView | null;
  unsaved: UnsavedSessionView | null;
  activity: ActivityEntry[];
  activityN: number;
}

export declare const ACTIVITY_LIMIT: number;
export declare const HANDLED_BROADCASTS: readonly string[];
export declare function initialState(): UiState;
export declare function reduce(state: UiState, msg: unknown, now?: number): UiState;
export declare function describe(state: UiState, type: string, data: Record<string, unknown>): Pick<ActivityEntry, 'level' | 'text' | 'key'>;
