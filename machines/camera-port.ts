// What the machines' actors need from a camera. The CCAPI implementation lives in adapters/ccapi-camera.ts;
// tests may provide a fake. Every failure is a CameraError with a stable code.

export interface CameraInfo {
  manufacturer: string;
  productname: string;
  serialnumber: string;
  firmwareversion: string;
  macaddress?: string;
}

export interface CameraStatus {
  battery: { kind: string; name: string; level: string; quality: string } | null;
  storage: { name: string; spaceBytes: number; maxBytes: number; contents: number } | null;
  temperature: string | null;
  /** Shutter speed in Canon notation (e.g. `1/125`, `0"5`, `bulb`) and parsed seconds (null for bulb/unknown). */
  tv: string | null;
  tvSeconds: number | null;
}

export interface ShotResult {
  /** Monotonic and wall time at which the accepted shutter request was sent. */
  triggerMono: number;
  triggerWall: number;
  /** Round trip of the accepted shutter request, ms. */
  latencyMs: number;
  /** Shutter requests sent, including busy refusals. */
  attempts: number;
  /** Path of the first file the camera reported for this release, or null if none arrived in time. */
  file: string | null;
  /** Monotonic time at which the shot finished (file seen or wait given up). */
  doneMono: number;
  doneWall: number;
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
   * One release: presses the shutter (retrying transient refusals until `pressDeadlineMono`), then waits for the
   * camera to report the file until `fileDeadlineMono`. Throws CameraError (with `attempts`) when no press was
   * accepted.
   */
  shoot(opts: { pressDeadlineMono: number; fileDeadlineMono: number }): Promise<ShotResult>;
  /** Stops event watching and closes connections. */
  close(): Promise<void>;
}
