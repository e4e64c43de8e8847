// Errors raised by the store carry a stable code for programs and a message for people.

export type StoreErrorCode =
  | 'STORE_OPEN_FAILED' // the file could not be opened, configured or migrated
  | 'INVALID_ARGUMENT' // a caller passed a value the store cannot accept
  | 'INVALID_EVENT' // an event could not be serialised to JSON
  | 'SESSION_EXISTS' // session.started for an id that already has a row
  | 'SESSION_UNKNOWN' // a fact for a session that was never started
  | 'SHOT_UNKNOWN' // a fact about a slot that was never recorded
  | 'DATA_DIR_LOCKED'; // another live skylapse process holds the data directory

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
