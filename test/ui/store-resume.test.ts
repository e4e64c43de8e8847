// The page's store across a resumed connection: the welcome of a resume carries no state, so the page keeps its own
// and applies the replayed broadcasts after it; a fresh welcome (resumed: false) still replaces everything.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { initialState, reduce } from '../../ui/store.js';

const S = suite('ui store, resumed connections');
const camera = { state: 'connected', simulated: true, baseUrl: null, info: null, status: null, lastError: null, attempt: 0, lastPhoto: null };
const welcome = (data: Record<string, unknown>) => ({ type: 'welcome', data: { clientId: 'c', serverTime: 1_000, availableCommands: [], ...data } });
const cameraStatus = (seq: number, state: string) => ({ type: 'camera_status', seq, timestamp: new Date(seq).toISOString(), data: { camera: { ...camera, state } } });

S('a resumed welcome keeps the state and the seq; the replay then applies in order', () => {
  let s = reduce(initialState(), welcome({ resumed: false, seq: 5, state: { seq: 5, camera, intervalometer: null, unsavedSession: null } }), 0);
  s = reduce(s, { type: 'connection_lost' }, 1);
  assert.is(s.live, false);
  s = reduce(s, welcome({ resumed: true, seq: 5 }), 2);
  assert.is(s.live, true);
  assert.is(s.lastSeq, 5);
  assert.is(s.camera?.state, 'connected');
  s = reduce(s, cameraStatus(6, 'reconnecting'), 3);
  s = reduce(s, cameraStatus(6, 'offline'), 4); // a duplicate seq is ignored
  assert.is(s.camera?.state, 'reconnecting');
  assert.is(s.lastSeq, 6);
});

S('a resume the server could not honour (resumed: false) replaces the state', () => {
  let s = reduce(initialState(), welcome({ resumed: false, seq: 5, state: { seq: 5, camera, intervalometer: null, unsavedSession: null } }), 0);
  s = reduce(s, welcome({ resumed: false, seq: 90, state: { seq: 90, camera: { ...camera, state: 'offline' }, intervalometer: null, unsavedSession: null } }), 1);
  assert.is(s.lastSeq, 90);
  assert.is(s.camera?.state, 'offline');
});

S.run();
