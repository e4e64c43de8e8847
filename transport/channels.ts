// Which channel each broadcast travels on. A Record over every broadcast type: a new broadcast type does not
// compile until it is given a channel here.
import { CHANNELS, type BroadcastType, type Channel } from './protocol.ts';

export const CHANNEL_OF: Record<BroadcastType, Channel> = {
  camera_connected: 'camera',
  camera_disconnected: 'camera',
  camera_status: 'camera',
  photo_taken: 'session',
  shot_updated: 'session',
  orphan_files_found: 'session',
  intervalometer_started: 'session',
  intervalometer_update: 'session',
  intervalometer_suspended: 'session',
  intervalometer_resumed: 'session',
  intervalometer_completed: 'session',
  intervalometer_stopped: 'session',
  unsaved_session_found: 'session',
  intervalometer_held: 'session',
  intervalometer_hold_ended: 'session',
  report_saved: 'reports',
  session_discarded: 'reports',
  report_updated: 'reports',
  camera_ip_changed: 'camera',
  camera_setting_changed: 'camera',
  camera_clock_offset: 'time',
  test_photo_progress: 'camera',
  test_photo_failed: 'camera',
  liveview_changed: 'camera',
  shutter_released: 'camera',
  network_event: 'network',
  time_sync_status: 'time',
  power_status: 'system',
};

/** Operator notices (`POST /api/broadcast`) go on this channel. */
export const NOTICE_CHANNEL: Channel = 'system';

export const allChannels = (): Set<Channel> => new Set(CHANNELS);
