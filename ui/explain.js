// Errors for people: a sentence saying what happened and what to do, with the code and the raw message kept for the
// "details" toggle. Pure, so Node tests import it.

/** `http://192.168.4.2:8080/ccapi` → `192.168.4.2`; null when there is no usable host. */
export function cameraHost(baseUrl) {
  try {
    return baseUrl ? new URL(baseUrl).hostname : null;
  } catch {
    return null;
  }
}

const at = (host) => (host ? ` at ${host}` : '');

/** Camera error codes (machines/camera-port.ts) and the controller's protocol codes, as sentences with an action. */
const SENTENCES = {
  UNREACHABLE: (c) => `Camera not answering${at(c.host)} — is it on and joined to the Pi's WiFi?`,
  TIMEOUT: (c) => `Camera${at(c.host)} took too long to answer — is it asleep, or far from the Pi? Wake it or move it closer.`,
  BUSY: () => 'The camera is busy (writing to the card, or a menu is open) — it is tried again by itself.',
  CARD: () => 'The camera cannot write to its card — it may be full, missing or locked. Check the card.',
  RELEASE_DISABLED: () => 'The camera refuses to release the shutter — it may be too hot, or its mode dial or a switch blocks it.',
  WEDGED: () => "The camera's network service stopped working — switch the camera off and on again.",
  NOT_SUPPORTED: () => 'This camera does not offer that over its network interface.',
  REJECTED: () => 'The camera refused the request — check its mode dial and settings.',
  UNCONFIRMED: () => 'The press may or may not have been taken — the card check will tell.',
  PROTOCOL: () => 'The camera answered something skylapse cannot read — check that its network (CCAPI) firmware is current.',
  CAMERA_OFFLINE: (c) => `The camera is not connected${at(c.host)} — is it on and joined to the Pi's WiFi?`,
  CAMERA_BUSY: () => 'The camera is busy with another command — try again in a moment.',
  CAMERA_ERROR: () => 'The camera reported an error — see the details.',
  SESSION_ACTIVE: () => 'A session is running — stop it first.',
  NOT_FOUND: () => 'That is no longer there — the page may be out of date; it refreshes when it reconnects.',
  VALIDATION_ERROR: () => 'Some values are not accepted — check the form.',
  INVALID_JSON: () => 'This page sent something the controller could not read — reload the page.',
  INVALID_MESSAGE: () => 'This page sent something the controller could not read — reload the page.',
  UNKNOWN_COMMAND: () => 'The controller does not know that command — this page may be newer or older than the controller; reload it.',
  INTERNAL_ERROR: () => 'The controller hit a bug — the details are in its log (journalctl -u skylapse).',
  DISCONNECTED: () => 'The connection dropped before the controller answered — it may or may not have run; the page shows what happened once it reconnects.',
  NOT_CONNECTED: () => 'Not connected to the controller — nothing was sent.',
};

/**
 * `{code, message}` (a wire error, a CameraError's fields or a request failure) → `{text, code, detail}`.
 * `context.baseUrl` names the camera for the sentences that need it; `context.command` marks a request's own failure.
 */
export function explainError(error, context = {}) {
  if (!error) return null;
  const code = typeof error.code === 'string' ? error.code : 'ERROR';
  const detail = typeof error.message === 'string' ? error.message : '';
  // A request the controller did not answer in time (connection.js) is not the camera's timeout.
  if (code === 'TIMEOUT' && context.command) return { text: `The controller did not answer ${context.command} in time — it may still be working on it.`, code, detail };
  const sentence = SENTENCES[code];
  const text = sentence ? sentence({ host: cameraHost(context.baseUrl) }) : detail || 'Something went wrong — see the details.';
  return { text, code, detail };
}
