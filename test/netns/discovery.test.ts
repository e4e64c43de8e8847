// SSDP discovery over real multicast, inside two network namespaces this test creates and deletes
// (docs/decisions.md §10): "camera" runs the simulator with its SSDP responder (camera.ts), "controller" runs
// skylapse's discovery (controller.ts). A veth pair joins only these two; nothing is sent anywhere else.
// Needs root and iproute2; without them the suite reports itself skipped, with the reason.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../..', import.meta.url));
const id = process.pid;
// Parallel runs on one machine (e.g. several worktrees) keep apart by pid, and by prefix when given.
const prefix = process.env.SKYLAPSE_NETNS_PREFIX ?? 'skl';
const CAM_NS = `${prefix}-cam-${id}`;
const CTL_NS = `${prefix}-ctl-${id}`;
const CTL_IF = `${prefix}c${id}`.slice(0, 15);
const CAM_IF = `${prefix}k${id}`.slice(0, 15);
const CTL_IP = '10.77.0.1';
const CAM_IP = '10.77.0.2';
const CAM_IP_MOVED = '10.77.0.3';
const UUID = '00000000-0000-0000-0001-7438B7E2735F'; // from the simulator's MAC 74:38:b7:e2:73:5f

function ip(...args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { ok: false, err: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ip (iproute2) is not installed' : r.error.message };
  return { ok: r.status === 0, err: `ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.status}`}` };
}

/** Why namespaces cannot be used here, or null when they can (probed by creating and deleting one). */
function unavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (ip netns needs CAP_SYS_ADMIN and CAP_NET_ADMIN)';
  const probe = `${prefix}-probe-${id}`;
  const add = ip('netns', 'add', probe);
  if (!add.ok) return add.err;
  ip('netns', 'del', probe);
  return null;
}

const skipReason = unavailable();
const S = suite('ssdp discovery in network namespaces');
const test = skipReason ? S.skip : S;
if (skipReason) console.log(`\n[netns] discovery suite SKIPPED: ${skipReason}\n`);

function setUp(): void {
  const steps: string[][] = [
    ['netns', 'add', CAM_NS],
    ['netns', 'add', CTL_NS],
    ['link', 'add', CTL_IF, 'netns', CTL_NS, 'type', 'veth', 'peer', 'name', CAM_IF, 'netns', CAM_NS],
    ['-n', CTL_NS, 'addr', 'add', `${CTL_IP}/24`, 'dev', CTL_IF],
    ['-n', CAM_NS, 'addr', 'add', `${CAM_IP}/24`, 'dev', CAM_IF],
    ['-n', CTL_NS, 'link', 'set', 'lo', 'up'],
    ['-n', CTL_NS, 'link', 'set', CTL_IF, 'up'],
    ['-n', CAM_NS, 'link', 'set', 'lo', 'up'],
    ['-n', CAM_NS, 'link', 'set', CAM_IF, 'up'],
    // Routes only after the links are up ("Device for nexthop is not up" otherwise).
    ['-n', CTL_NS, 'route', 'add', '224.0.0.0/4', 'dev', CTL_IF],
    ['-n', CAM_NS, 'route', 'add', '224.0.0.0/4', 'dev', CAM_IF],
  ];
  for (const step of steps) {
    const r = ip(...step);
    if (!r.ok) throw new Error(r.err);
  }
}

let cleaned = false;
function tearDown(): void {
  if (cleaned) return;
  cleaned = true;
  for (const p of [controller?.child, camera?.child]) if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  ip('netns', 'del', CAM_NS); // deleting a namespace also deletes its end of the veth pair, and so the pair
  ip('netns', 'del', CTL_NS);
}
// A crash must not leave namespaces behind either.
process.once('exit', () => {
  if (!skipReason) tearDown();
});

/** A script run with `ip netns exec`, speaking JSON lines on stdout. */
class NsProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  private waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  private nextId = 1;
  readonly exited: Promise<number | null>;

  constructor(ns: string, script: string, args: string[] = []) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--conditions=development', '--import', 'tsx', `test/netns/${script}`, ...args], { cwd: root });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
  }

  /** The first line (already seen or still to come) that matches; fails after `timeoutMs` or if the process exits. */
  wait(match: (l: Record<string, unknown>) => boolean, what: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\n${this.stderr}`)), timeoutMs);
      void this.exited.then((code) => reject(new Error(`process exited (${code}) while waiting for ${what}\n${this.stderr}`)));
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  command(cmd: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.child.stdin.write(JSON.stringify({ id, ...cmd }) + '\n');
    return this.wait((l) => l.id === id, `reply to ${JSON.stringify(cmd)}`, timeoutMs);
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

let controller: NsProcess | undefined;
let camera: NsProcess | undefined;

async function startCamera(address: string): Promise<{ url: string; uuid: string; location: string }> {
  camera = new NsProcess(CAM_NS, 'camera.ts', [address]);
  const ready = await camera.wait((l) => typeof l.url === 'string', 'the camera simulator');
  return ready as unknown as { url: string; uuid: string; location: string };
}

S.before(async () => {
  if (skipReason) return;
  setUp();
  controller = new NsProcess(CTL_NS, 'controller.ts');
  await controller.wait((l) => l.ready === true, 'the controller');
});

S.after(async () => {
  if (skipReason) return;
  await camera?.stop('SIGKILL');
  if (controller) {
    controller.child.stdin.end();
    await controller.stop('SIGKILL');
  }
  tearDown();
});

const ctl = () => {
  if (!controller) throw new Error('controller not started');
  return controller;
};

test('no camera on the link: UNREACHABLE "no camera answered", after the timeout', async () => {
  const r = await ctl().command({ cmd: 'discover', timeoutMs: 2_000, tries: 2 });
  assert.is(r.ok, false);
  assert.is(r.code, 'UNREACHABLE');
  assert.match(String(r.message), /no camera answered/);
  assert.match(String(r.message), new RegExp(`${CTL_IF} ${CTL_IP.replace(/\./g, '\\.')}`)); // searched on the veth
});

test('M-SEARCH finds the camera: accessUrl is the simulator\'s in-namespace CCAPI root', async () => {
  const cam = await startCamera(CAM_IP);
  assert.is(cam.url, `http://${CAM_IP}:8080/ccapi`);
  assert.is(cam.uuid, UUID);
  const r = await ctl().command({ cmd: 'discover', timeoutMs: 8_000 });
  assert.is(r.ok, true, JSON.stringify(r));
  assert.equal(r.camera, {
    uuid: UUID,
    accessUrl: `http://${CAM_IP}:8080/ccapi`,
    modelName: 'EOS R50',
    friendlyName: 'Degital Camera',
    manufacturer: 'Canon',
    serialNumber: '012345678901',
    location: `http://${CAM_IP}:49152/upnp/CameraDevDesc.xml`,
    address: CAM_IP,
    onService: false,
  });
});

/** The M-SEARCH of Canon's sample app (docs/camera-notes.md §14), with real CRLF. */
const mSearch = (st: string) => ['M-SEARCH * HTTP/1.1', 'HOST:239.255.255.250:1900', 'MAN: "ssdp:discover"', 'MX: 1', `ST: ${st}`, '', ''].join('\r\n');

test('the simulator answers a well-formed M-SEARCH, not the prior system\'s literal "\\r\\n" (docs/decisions.md §2)', async () => {
  const good = await ctl().command({ cmd: 'raw', text: mSearch('urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1'), listenMs: 2_000 });
  const replies = good.replies as string[];
  assert.is(replies.length, 1);
  assert.ok(replies[0]?.startsWith('HTTP/1.1 200 OK\r\n'));
  // node-ssdp writes the name in upper case where a Canon body writes `Location:` (docs/decisions.md §1).
  assert.match(replies[0] ?? '', new RegExp(`\r\nLOCATION: http://${CAM_IP.replace(/\./g, '\\.')}:49152/upnp/CameraDevDesc\\.xml\r\n`));
  const broken = mSearch('ssdp:all').replace(/\r\n/g, '\\r\\n');
  const bad = await ctl().command({ cmd: 'raw', text: broken, listenMs: 2_000 });
  assert.equal(bad.replies, []);
  const all = await ctl().command({ cmd: 'raw', text: mSearch('ssdp:all'), listenMs: 2_000 });
  assert.is((all.replies as string[]).length, 4); // root device, uuid, device type, service type
});

test('node-ssdp picks the interface only when bound to it: with no multicast route, explicitSocketBind finds the camera, the default bind cannot send', async () => {
  // Without a route for 239.255.255.250 (a Pi whose default route is elsewhere, or none), the wildcard-bound socket
  // has nowhere to send; the socket bound to the veth's address sends out of the veth (docs/decisions.md §1).
  const del = ip('-n', CTL_NS, 'route', 'del', '224.0.0.0/4', 'dev', CTL_IF);
  assert.ok(del.ok, del.err);
  try {
    const plain = await ctl().command({ cmd: 'plain-search', listenMs: 4_000 });
    assert.equal(plain.replies, []);
    assert.match(JSON.stringify(plain.errors), /ENETUNREACH/);
    const bound = await ctl().command({ cmd: 'discover', timeoutMs: 8_000 });
    assert.is(bound.ok, true, JSON.stringify(bound));
    assert.is((bound.camera as { accessUrl: string }).accessUrl, `http://${CAM_IP}:8080/ccapi`);
  } finally {
    const add = ip('-n', CTL_NS, 'route', 'replace', '224.0.0.0/4', 'dev', CTL_IF);
    assert.ok(add.ok, add.err);
  }
});

test('node-ssdp as it comes: a socket bound to the interface address hears no NOTIFY, and the server\'s stop() loses its byebye (docs/decisions.md §1)', async () => {
  const listening = ctl().command({ cmd: 'listen', listenMs: 4_000 }, 20_000);
  await ctl().wait((l) => l.listening === true, 'the listeners bound and joined');
  const server = new NsProcess(CAM_NS, 'plain-server.ts', [CAM_IF, CAM_IP]);
  await server.wait((l) => l.done === true, 'the plain node-ssdp server');
  const heard = await listening;
  // The wildcard socket hears node-ssdp's alive (once per advertised type) but no byebye; the bound one nothing.
  assert.ok((heard.wildcard as string[]).includes('ssdp:alive'), JSON.stringify(heard));
  assert.not.ok((heard.wildcard as string[]).includes('ssdp:byebye'), JSON.stringify(heard));
  assert.equal(heard.bound, []);
});

test('DiscoveringCamera connects: device information of an R50', async () => {
  const r = await ctl().command({ cmd: 'connect' }, 20_000);
  assert.is(r.ok, true, JSON.stringify(r));
  assert.is(r.baseUrl, `http://${CAM_IP}:8080/ccapi`);
  assert.is((r.info as { productname: string }).productname, 'Canon EOS R50');
});

test('a camera back with a new address (no byebye) is reported moved; DiscoveringCamera follows it; byebye loses it', async () => {
  const c = ctl();
  type Ev = { type: string; camera?: { address: string; accessUrl: string } | null; previous?: { address: string; accessUrl: string }; reason?: string };
  const event = (type: string) => (l: Record<string, unknown>) => (l.event as Ev | undefined)?.type === type;
  const first = (type: string) => c.lines.map((l) => l.event as Ev | undefined).find((e) => e?.type === type);

  // One M-SEARCH so the watcher knows the camera where it is now; from here on it only listens.
  const watch = await c.command({ cmd: 'watch', search: true });
  assert.is(watch.ok, true, JSON.stringify(watch));
  await c.wait(event('found'), 'the watcher finding the camera');
  assert.is(first('found')?.camera?.address, CAM_IP);

  // Wi-Fi drops (no byebye) and the camera rejoins with a new DHCP lease. (Old address off first: deleting a primary
  // address takes its secondaries with it. `replace` restores the multicast route if that went too.)
  await camera?.stop('SIGKILL');
  for (const step of [
    ['-n', CAM_NS, 'addr', 'del', `${CAM_IP}/24`, 'dev', CAM_IF],
    ['-n', CAM_NS, 'addr', 'add', `${CAM_IP_MOVED}/24`, 'dev', CAM_IF],
    ['-n', CAM_NS, 'route', 'replace', '224.0.0.0/4', 'dev', CAM_IF],
  ]) {
    const r = ip(...step);
    assert.ok(r.ok, r.err);
  }
  await startCamera(CAM_IP_MOVED);
  // Its power-on NOTIFY burst reaches the passive socket: same UUID, new place (docs/decisions.md §3).
  await c.wait(event('moved'), 'NOTIFY alive from the new address');
  const moved = first('moved');
  assert.is(moved?.previous?.address, CAM_IP);
  assert.is(moved?.camera?.address, CAM_IP_MOVED);
  assert.is(moved?.camera?.accessUrl, `http://${CAM_IP_MOVED}:8080/ccapi`);

  // The camera port re-discovers on connect and swaps its CCAPI client for the new address.
  const r = await c.command({ cmd: 'connect' }, 20_000);
  assert.is(r.ok, true, JSON.stringify(r));
  assert.is(r.baseUrl, `http://${CAM_IP_MOVED}:8080/ccapi`);

  // Powering off says byebye.
  assert.is(await camera?.stop('SIGTERM'), 0);
  await c.wait(event('lost'), 'NOTIFY byebye');
  assert.is(first('lost')?.reason, 'byebye');
});

test('skylapse serve --camera auto finds the camera and connects', async () => {
  await startCamera(CAM_IP_MOVED);
  const dataDir = mkdtempSync(join(tmpdir(), 'skylapse-auto-'));
  const serve = spawn('ip', ['netns', 'exec', CTL_NS, process.execPath, '--import', 'tsx', 'bin/skylapse.ts', 'serve', '--camera', 'auto', '--port', '0', '--host', '127.0.0.1', '--data', dataDir], { cwd: root });
  try {
    const connected = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve --camera auto did not connect within 30 s')), 30_000);
      createInterface({ input: serve.stdout }).on('line', (text) => {
        try {
          const entry = JSON.parse(text) as Record<string, unknown>;
          if (entry.type === 'camera_connected') {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          // not a log line
        }
      });
    });
    assert.type(connected.seq, 'number');
  } finally {
    serve.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the camera moves mid-session (--camera auto): camera_ip_changed, reconnected there, the session goes on with no slot shot twice or lost', async () => {
  await camera?.stop('SIGKILL'); // the previous test's camera, at CAM_IP_MOVED
  const FROM = CAM_IP_MOVED;
  const TO = '10.77.0.4';
  const moving = new NsProcess(CAM_NS, 'moving-camera.ts', [FROM]);
  camera = moving;
  await moving.wait((l) => l.ready === true, 'the moving camera');
  const dataDir = mkdtempSync(join(tmpdir(), 'skylapse-move-'));
  const server = new NsProcess(CTL_NS, 'serve.ts', [dataDir]);
  const ws = (type: string) => (l: Record<string, unknown>) => (l.ws as { type?: string } | undefined)?.type === type;
  const send = (p: NsProcess, line: unknown) => p.child.stdin.write(JSON.stringify(line) + '\n');
  try {
    await server.wait(ws('camera_connected'), 'serve --camera auto connecting', 30_000);
    // Long enough that the outage (the press in flight to the old address fails, then the reconnect) leaves frames.
    const total = 40;
    send(server, { send: { type: 'start_intervalometer', id: 'start', data: { interval: 1, totalShots: total } } });
    const started = await server.wait((l) => (l.ws as { id?: string } | undefined)?.id === 'start', 'the start reply');
    assert.is((started.ws as { success?: boolean }).success, true, JSON.stringify(started));
    // A few frames where it is, then Wi-Fi drops (no byebye) and it rejoins with a new address.
    await server.wait((l) => ws('photo_taken')(l) && (l.ws as { data: { shot: { number: number } } }).data.shot.number >= 3, 'three frames');
    send(moving, { cmd: 'drop' });
    await moving.wait((l) => l.dropped === true, 'SSDP dropped');
    for (const step of [
      ['-n', CAM_NS, 'addr', 'del', `${FROM}/24`, 'dev', CAM_IF],
      ['-n', CAM_NS, 'addr', 'add', `${TO}/24`, 'dev', CAM_IF],
      ['-n', CAM_NS, 'route', 'replace', '224.0.0.0/4', 'dev', CAM_IF],
    ]) {
      const r = ip(...step);
      assert.ok(r.ok, r.err);
    }
    send(moving, { cmd: 'announce', address: TO });
    const changed = await server.wait(ws('camera_ip_changed'), 'camera_ip_changed', 20_000);
    const data = (changed.ws as { data: { uuid: string; oldIP: string; newIP: string } }).data;
    assert.equal({ uuid: data.uuid, oldIP: data.oldIP, newIP: data.newIP }, { uuid: UUID, oldIP: FROM, newIP: TO });
    const back = await server.wait((l) => ws('camera_connected')(l) && (l.ws as { seq: number }).seq > (changed.ws as { seq: number }).seq, 'reconnected at the new address', 30_000);
    assert.is((back.ws as { data: { camera: { baseUrl: string } } }).data.camera.baseUrl, `http://${TO}:8080/ccapi`);
    await server.wait(ws('intervalometer_completed'), 'the session to complete', 60_000);

    send(server, { send: { type: 'get_session_shots', id: 'shots', data: { sessionId: (started.ws as { data: { session: { sessionId: string } } }).data.session.sessionId, limit: 500 } } });
    const reply = await server.wait((l) => (l.ws as { id?: string } | undefined)?.id === 'shots', 'the shot list');
    const shots = (reply.ws as { data: { shots: { number: number; result: string; files: string[] }[] } }).data.shots;
    assert.equal(shots.map((x) => x.number), Array.from({ length: total }, (_, i) => i + 1)); // every slot recorded once
    const files = shots.flatMap((x) => x.files);
    assert.is(new Set(files).size, files.length); // no frame claimed twice
    const okAfterMove = shots.filter((x) => x.result === 'ok' && x.number > 3);
    const timeline = server.lines.map((l) => l.ws as { type: string; timestamp?: string } | undefined).filter((m) => m?.timestamp).map((m) => `${m?.timestamp?.slice(17, 23)} ${m?.type}`);
    console.log(`[netns] move: ${JSON.stringify(Object.entries(shots.reduce<Record<string, number>>((n, x) => ({ ...n, [x.result]: (n[x.result] ?? 0) + 1 }), {})))}`);
    assert.ok(okAfterMove.length > 0, `no frame after the move: ${JSON.stringify(shots.map((x) => x.result))}\n${timeline.join('\n')}`);
  } finally {
    await server.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

S.run();
