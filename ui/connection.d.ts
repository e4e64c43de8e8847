// Types of ui/connection.js for the TypeScript tests.
export declare const BACKOFF_MIN_MS: number;
export declare const BACKOFF_MAX_MS: number;
export declare const PING_EVERY_MS: number;
export declare const PING_TIMEOUT_MS: number;
export declare function backoffDelay(attempt: number, random?: () => number): number;
export declare class RequestError extends Error {
  command: string;
  code: string;
  details?: Record<string, unknown>;
}
export interface ConnectionStatus {
  phase: 'connecting' | 'open' | 'waiting';
  attempt: number;
  retryAt: number | null;
  reason: string | null;
}
export declare function createConnection(o: {
  url: string;
  onMessage: (msg: { type: string; [k: string]: unknown }) => void;
  onStatus: (status: ConnectionStatus) => void;
  onProtocolError: (error: { code: string; message: string; details?: Record<string, unknown> }) => void;
  token?: string | null;
  lastSeq?: () => number | null;
}): {
  start(): void;
  request(type: string, data?: unknown, opts?: { timeoutMs?: number }): Promise<unknown>;
  wake(): void;
  readonly status: ConnectionStatus;
};
