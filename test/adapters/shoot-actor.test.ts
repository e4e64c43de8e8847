// The shoot actor and its press gate: a slot armed ahead of its time can be held back until the press leaves, and
// from the moment it leaves it is shot whole. Driven on a manual clock; the camera is a stub that counts presses.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { ManualClock } from '../../adapters/clock.ts';
import { PressGate, shootActor } from '../../adapters/machine-actors.ts';
import type { CameraPort } from '../../machines/camera-port.ts';
import { HELD_BACK, TOO_LATE, type ShootInput, type ShotFailure, type ShotOutput } from '../../machines/session.ts';

const S = suite('shoot actor: a press held back until it leaves');

const input: ShootInput = { tag: { sessionId: 's', number: 2 }, plannedMono: 1_000, pressDeadlineMono: 1_500, fileDeadlineMono: 1_800, bulbSeconds: null };

/** A process stalled `stall` ms (on an fsync, say): its clock moved on while no timer could run. */
class StallingClock extends ManualClock {
  stall = 0;
  override mono(): number {
    return super.mono() + this.stall;
  }
}

function rig(cameraReady: () => Promise<boolean> = () => Promise.resolve(true)) {
  const clock = new StallingClock();
  const gate = new PressGate();
  const presses: number[] = [];
  const camera = {
    shoot: async () => {
      presses.push(clock.mono());
      return { triggerMono: clock.mono(), triggerWall: clock.wall(), latencyMs: 1, attempts: 1, files: ['100CANON/IMG_0002.JPG'], confirmedByEvidence: false, doneMono: clock.mono(), doneWall: clock.wall() };
    },
  } as unknown as CameraPort; // only shoot() is reached
  const actor = createActor(shootActor(camera, clock, cameraReady, gate), { input });
  const outcome = new Promise<{ output?: ShotOutput; error?: ShotFailure }>((resolve) =>
    actor.subscribe({ complete: () => resolve({ output: actor.getSnapshot().output as ShotOutput }), error: (error) => resolve({ error: error as ShotFailure }) }),
  );
  actor.start();
  return { clock, gate, presses, actor, outcome };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

S('held back while armed: no press, a HELD_BACK failure, and the gate is empty after', async () => {
  const { clock, gate, presses, outcome } = rig();
  await settle();
  clock.advance(600);
  assert.ok(gate.holdBack(), 'the armed press was waiting');
  clock.advance(1_000);
  const { error } = await outcome;
  assert.is(error?.code, HELD_BACK);
  assert.is(error?.fatal, false);
  assert.equal(presses, [], 'nothing reached the camera');
  assert.not.ok(gate.holdBack(), 'nothing is armed any more');
});

S('a timer that fires after the press window closed (a stalled process) does not press: TOO_LATE', async () => {
  const { clock, presses, outcome } = rig();
  await settle();
  clock.stall = 500;
  clock.advance(1_000); // the timer runs at the window's last moment: still pressed
  await outcome;
  assert.equal(presses, [1_500]);
  const late = rig();
  await settle();
  late.clock.stall = 501; // one past it
  late.clock.advance(1_000);
  const { error } = await late.outcome;
  assert.is(error?.code, TOO_LATE);
  assert.is(error?.fatal, false);
  assert.equal(late.presses, [], 'nothing reached the camera');
});

S('once the press has left it is shot whole: holding back then does nothing', async () => {
  const { clock, gate, presses, outcome } = rig();
  await settle();
  clock.advance(1_000);
  assert.not.ok(gate.holdBack(), 'the press left in the timer callback');
  const { output, error } = await outcome;
  assert.is(error, undefined);
  assert.equal(presses, [1_000], 'pressed at its planned time, never before');
  assert.equal(output?.files, ['100CANON/IMG_0002.JPG']);
});

S('held back while waiting for the camera to come back: no press, even when it comes back later', async () => {
  let back!: (ready: boolean) => void;
  const { clock, gate, presses, outcome } = rig(() => new Promise<boolean>((resolve) => (back = resolve)));
  await settle();
  assert.ok(gate.holdBack());
  back(true);
  clock.advance(2_000);
  assert.is((await outcome).error?.code, HELD_BACK);
  assert.equal(presses, []);
});

S('an actor stopped before its press never presses', async () => {
  const { clock, gate, presses, actor } = rig();
  await settle();
  actor.stop();
  clock.advance(2_000);
  await settle();
  assert.equal(presses, []);
  assert.not.ok(gate.holdBack(), 'the stop disarmed it');
});

S.run();
