// node-ssdp's multicast join, made to fail: a failure it would throw where nothing catches it (ending the process)
// becomes one of the watcher's problems (docs/decisions.md §1). The interface is a stand-in on loopback (127.0.0.2,
// reported as external so node-ssdp uses it) and nothing is sent: no search, no passive listener.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import os from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import { SsdpWatcher } from '../../adapters/ssdp/discovery.ts';

const S = suite('ssdp multicast join failures');

/** A fresh table on every call: a dependency lower-cases `family` in the objects it is given. */
const fakeTable = (): NodeJS.Dict<os.NetworkInterfaceInfo[]> => ({
  fake0: [{ address: '127.0.0.2', netmask: '255.0.0.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '127.0.0.2/8' }],
});

/** Runs `fn` with the fake interface table and a join whose first call fails with `code`. */
async function withFailingJoin(code: string, fn: () => Promise<void>): Promise<void> {
  const realInterfaces = os.networkInterfaces;
  const realJoin = dgram.Socket.prototype.addMembership;
  let calls = 0;
  os.networkInterfaces = fakeTable;
  syncBuiltinESMExports(); // the adapters import networkInterfaces by name
  dgram.Socket.prototype.addMembership = function (this: dgram.Socket, group: string, iface?: string) {
    if (calls++ === 0) throw Object.assign(new Error(`addMembership ${code}`), { code, syscall: 'addMembership' });
    realJoin.call(this, group, iface);
  };
  try {
    await fn();
  } finally {
    os.networkInterfaces = realInterfaces;
    syncBuiltinESMExports();
    dgram.Socket.prototype.addMembership = realJoin;
  }
}

function collectUnhandled(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onRejection = (err: unknown) => errors.push(err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onRejection);
  return {
    errors,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onRejection);
    },
  };
}

S('a join retried by node-ssdp after the watcher closed does not end the process', async () => {
  const unhandled = collectUnhandled();
  try {
    await withFailingJoin('ENODEV', async () => {
      const watcher = new SsdpWatcher({ interfaces: ['fake0'], passive: false });
      await watcher.start();
      await new Promise((r) => setTimeout(r, 50)); // the socket listens and its first join fails: node-ssdp waits 5 s
      await watcher.close(); // a rediscovery while the network changes
      await new Promise((r) => setTimeout(r, 5_300)); // node-ssdp's retry joins on the closed socket
    });
  } finally {
    unhandled.stop();
  }
  assert.equal(unhandled.errors, []);
});

S('any other join failure is a problem of the watcher, not a thrown error', async () => {
  const unhandled = collectUnhandled();
  let problems: string[] = [];
  try {
    await withFailingJoin('EINVAL', async () => {
      const watcher = new SsdpWatcher({ interfaces: ['fake0'], passive: false });
      await watcher.start();
      await new Promise((r) => setTimeout(r, 50));
      problems = watcher.problems();
      await watcher.close();
    });
  } finally {
    unhandled.stop();
  }
  assert.equal(unhandled.errors, []);
  assert.ok(problems.some((p) => p.includes('cannot join the SSDP group on 127.0.0.2') && p.includes('EINVAL')), problems.join('; '));
});

S.run();
