// What the machines' actors need from a camera. The CCAPI implementation lives in adapters/ccapi-camera.ts;
// tests may provide a fake. Every failure is a CameraError with a stable code.
import type { CameraControls } from './camera-controls.ts';

export interface CameraInfo {
  manufacturer: string;
  productname: string;
  serialnumber: string;
  firmwareversion: string;
  macaddress?: string;
}

export interface CameraStatus {
  battery: { kind: string; name: string; level: string; quality: string } | null;
  /** `contents` is null on bodies that do not count files. */
  /** `shotsLeft`: the camera's own count of frames that still fit, on bodies that give it. */
  storage: { name: string; spaceBytes: number; maxBytes: number; contents: number | null; shotsLeft?: number | null } | null;
  temperature: string | null;
  /** Shutter speed in Canon notation (e.g. `1/125`, `0"5`, `bulb`) and parsed seconds (null for bulb/unknown). */
  tv: string | null;
  tvSeconds: number | null;
  /** The mode dial (`m`, `av`, `bulb`, …) when the camera tells it; bulb needs `m` or `bulb`. */
  mode?: string | null;
}

/** Which slot a release was pressed for: files that arrive late are handed back under it. */
export interface ReleaseTag {
  sessionId: string;
  /** 1-based slot number. */
  number: number;
}

export interface ShotRequest {
  tag: ReleaseTag;
  /** Presses may be retried (only when they surely did not reach the camera) until here. */
  pressDeadlineMono: number;
  /** The release's files are awaited until here; later ones arrive through `onLateFiles`. */
  fileDeadlineMono: number;
  /** A bulb exposure of this many ms through the manual shutter, instead of a plain press at the camera's Tv. */
  bulb?: BulbRequest;
}

export interface BulbRequest {
  ms: number;
  /** The shutter opened (full press accepted, or its answer lost): it must be released by `releaseAtMono`. */
  onOpen?: (at: { mono: number; wall: number; releaseAtMono: number }) => void;
  /** The camera took the release: the shutter is closed. */
  onClosed?: (at: { mono: number; wall: number }) => void;
  /** Releases at once (a stop): the exposure is cut short, never left open. */
  signal?: AbortSignal;
}

export interface Preview {
  kind: 'display' | 'thumbnail';
  bytes: Buffer;
}

export interface ShotResult {
  /** Monotonic and wall time at which the accepted shutter request was sent. */
  triggerMono: number;
  triggerWall: number;
  /** Round trip of the accepted shutter request, ms; null when its answer was lost and the camera's evidence showed it fired. */
  latencyMs: number | null;
  /** Shutter requests sent, including busy refusals. Never two that reached the camera. */
  attempts: number;
  /** Every file of this release seen before `fileDeadlineMono` (RAW+JPEG: both), in the camera's order. */
  files: string[];
  /** True when the press's answer was lost and the camera's own evidence (events, card listing) showed it fired. */
  confirmedByEvidence: boolean;
  /** Monotonic time at which the shot finished (files seen or wait given up). */
  doneMono: number;
  doneWall: number;
}

/** Files the camera reported for an earlier release after its `shoot()` had returned. */
export interface LateFiles {
  tag: ReleaseTag;
  files: string[];
  mono: number;
  wall: number;
}

/** A file on the card, as the contents listing gives it. */
export interface CardFile {
  /** Path as the camera names it, e.g. `100CANON/IMG_0042.JPG` (the same form as in shot records). */
  path: string;
  /** Capture time (epoch ms) when the camera tells it, else null. */
  capturedAt: number | null;
}

export type CameraErrorCode =
  | 'BUSY' // 503 Device busy / During shooting or recording / Taken in preparation: retryable
  | 'TIMEOUT'
  | 'UNREACHABLE' // connection refused/reset, DNS, network down
  | 'CARD' // card full / not available / protected: blocks a session
  | 'RELEASE_DISABLED' // temperature disablerelease
  | 'WEDGED' // 502: camera's HTTP service needs a power cycle
  | 'NOT_SUPPORTED' // endpoint absent from the topology, 404/405
  | 'REJECTED' // 400 and other non-retryable refusals
  | 'UNCONFIRMED' // the press may have reached the camera and its evidence could not settle it: never pressed again
  | 'PROTOCOL'; // unparseable answer

export class CameraError extends Error {
  constructor(
    readonly code: CameraErrorCode,
    message: string,
    readonly transient: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CameraError';
  }
  /** Set by `shoot()`: how many shutter requests were sent before it gave up. */
  attempts?: number;
}

export interface CameraPort {
  /** Where the camera is, for logs and the UI (`sim` cameras report their loopback URL). */
  readonly baseUrl: string;
  /** Reads topology and device information, clears a stale event-poll session and starts watching events. */
  connect(): Promise<{ info: CameraInfo; status: CameraStatus }>;
  /** Battery, storage, temperature and Tv. Callers do not call this while a shot is in progress. */
  status(): Promise<CameraStatus>;
  /**
   * One release, at most one exposure: presses the shutter, retrying only refusals that surely did not reach the
   * camera (connection refused, connect timeout, 503 busy) until `pressDeadlineMono`. After an ambiguous failure (a
   * timeout after sending, a reset) it asks the camera whether it fired instead of pressing again; still unknown
   * when the press window closes, it throws `UNCONFIRMED`. Then waits for the release's files until
   * `fileDeadlineMono`. Throws CameraError (with `attempts`) when no press was accepted.
   */
  shoot(request: ShotRequest): Promise<ShotResult>;
  /**
   * Files on the card written after `after.path` in the camera's numbering (exclusive), oldest first; with a null
   * path, the files the camera dates at or after `after.wall`. Used to reconcile the log with the card.
   */
  filesSince(after: { path: string | null; wall: number }): Promise<CardFile[]>;
  /**
   * Releases an earlier process pressed whose files it never saw (a restart): they may still claim the next new
   * files, before this process's own presses, as releases whose answer was lost do (docs/camera-notes.md §3).
   */
  adoptReleases(tags: readonly ReleaseTag[]): void;
  /** Listens for files that belong to a release whose `shoot()` already returned. Returns the unsubscribe. */
  onLateFiles(listener: (late: LateFiles) => void): () => void;
  /**
   * The display-size JPEG of a file of a release (the thumbnail on bodies that have no display size), retried while
   * the camera is busy writing.
   */
  preview(file: string, onProgress?: (p: { kind: Preview['kind']; loaded: number; total: number | null }) => void, signal?: AbortSignal): Promise<Preview>;
  /** Starts (small frames) or stops live view. */
  liveview(on: boolean): Promise<void>;
  /** One live-view JPEG; live view must be on. */
  liveviewFrame(): Promise<Buffer>;
  /** A manual-shutter release: lets go of a button (and a bulb exposure) an earlier process may have left held. */
  releaseShutter(): Promise<void>;
  /**
   * Releases a held bulb, then stops event watching and closes connections. `abandon`: the camera is gone from this
   * address (it moved), so requests in flight are cut off at once instead of waiting out their timeouts.
   */
  close(o?: { abandon?: boolean }): Promise<void>;
  /** Settings and clock (machines/camera-controls.ts), when this camera offers them. */
  controls?(): CameraControls | null;
}
