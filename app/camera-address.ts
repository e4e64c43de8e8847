// Where the camera is: `connect_to_ip` at run time, the camera's own NOTIFY when it moves (`--camera auto`), a
// rediscovery when the Pi's network changes, and the last address that worked, read back from the log at start.
// The camera machine does the reconnecting; this decides where, and when a switch is refused.
import type { Logger } from 'pino';
import type { CameraRetarget } from '../machines/camera.ts';
import type { CameraInfo, CameraPort } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import type { Store } from '../store/db.ts';
import { ProtocolError } from '../transport/protocol.ts';
import type { CameraMoved } from '../adapters/ssdp/discovering-camera.ts';

/** A camera port whose address can change (adapters/ssdp/discovering-camera.ts). */
export interface MovableCamera extends CameraPort {
  retarget(url: string): void;
  probe(url: string): Promise<CameraInfo>;
  onMoved(listener: (m: CameraMoved) => void): () => void;
  rediscover(reason: string): Promise<void>;
}

export function isMovable(camera: CameraPort): camera is MovableCamera {
  const c = camera as Partial<MovableCamera>;
  return typeof c.retarget === 'function' && typeof c.probe === 'function' && typeof c.onMoved === 'function';
}

/**
 * The CCAPI root of the camera's last successful connection, from the camera stream's logged connect results (the
 * log keeps every one; no table of its own is needed). Null before the first.
 */
export function lastCameraUrl(store: Store): string | null {
  const row = store.sqlite
    .prepare(`SELECT json_extract(data, '$.output.baseUrl') AS url FROM events WHERE stream = 'camera' AND type = 'xstate.done.actor.connect' ORDER BY version DESC LIMIT 1`)
    .get() as { url: unknown } | undefined;
  return typeof row?.url === 'string' ? row.url : null;
}

export interface CameraAddressOptions {
  camera: CameraPort;
  clock: Clock;
  logger: Logger;
  /** Sends the machine its RETARGET. */
  retarget: (event: CameraRetarget) => void;
  /** Asks the machine to try now if it is waiting to retry. */
  reconnect: () => void;
  /** The session holding the camera, if any, and the camera it last connected to. */
  holder: () => { sessionId: string | null; info: CameraInfo | null };
}

export class CameraAddress {
  private unsubscribe?: () => void;

  constructor(private readonly o: CameraAddressOptions) {}

  start(): void {
    const { camera } = this.o;
    if (!isMovable(camera)) return;
    this.unsubscribe = camera.onMoved((m) => {
      this.o.retarget({ type: 'RETARGET', baseUrl: m.baseUrl, moved: { uuid: m.uuid, oldIP: m.oldIP, newIP: m.newIP }, mono: this.o.clock.mono() });
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /**
   * Switches to the camera at `baseUrl` once it answers. While a session holds the camera only the same camera (same
   * serial number) is accepted: another one would shoot the session's frames onto another card.
   */
  async connectTo(baseUrl: string): Promise<{ baseUrl: string; info: CameraInfo }> {
    const camera = this.o.camera;
    if (!isMovable(camera)) throw new ProtocolError('CAMERA_ERROR', 'This camera connection cannot be switched');
    let info: CameraInfo;
    try {
      info = await camera.probe(baseUrl);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      throw new ProtocolError('CAMERA_OFFLINE', `No camera answers at ${baseUrl}: ${e.message ?? String(error)}`, { baseUrl, cameraCode: e.code ?? null });
    }
    const { sessionId, info: current } = this.o.holder();
    if (sessionId !== null && (current === null || current.serialnumber !== info.serialnumber)) {
      throw new ProtocolError('SESSION_ACTIVE', 'A session holds the camera; only the same camera at a new address may be connected', {
        sessionId,
        baseUrl,
        serialnumber: info.serialnumber,
      });
    }
    this.o.logger.info({ baseUrl, productname: info.productname, serialnumber: info.serialnumber }, 'connect_to_ip: switching the camera');
    camera.retarget(baseUrl);
    this.o.retarget({ type: 'RETARGET', baseUrl, moved: null, mono: this.o.clock.mono() });
    return { baseUrl, info };
  }

  /** The Pi's addresses changed: listen on the new network and try the camera now. */
  async rediscover(reason: string): Promise<void> {
    const camera = this.o.camera;
    if (isMovable(camera)) await camera.rediscover(reason);
    this.o.reconnect();
  }
}
