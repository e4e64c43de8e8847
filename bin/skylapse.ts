#!/usr/bin/env -S node --import tsx
// The skylapse command line: serve, sim, report. Flags win over environment variables, which win over defaults.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startSimulator } from '../adapters/camera-sim/index.ts';
import { openStore } from '../store/db.ts';
import { getReport, listReports } from '../store/reports.ts';
import { formatReport, formatReportList } from './report-format.ts';
import { serve } from './serve.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'skylapse' } });

const usage = `skylapse ${version}
  skylapse serve [--port 3000] [--host 0.0.0.0] [--data ./data] [--camera sim|auto|<CCAPI base URL>]
  skylapse sim [--port 8080] [--host 127.0.0.1]
  skylapse report list [--data ./data] [--json]
  skylapse report show <id> [--data ./data] [--json]
Environment: PORT, HOST, SKYLAPSE_DATA, SKYLAPSE_CAMERA, LOG_LEVEL.`;

function fail(message: string): never {
  process.stderr.write(`skylapse: ${message}\n\n${usage}\n`);
  process.exit(2);
}

function port(value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`not a port: ${value}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      camera: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, id] = positionals;
  const dataDir = values.data ?? process.env.SKYLAPSE_DATA ?? './data';
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  switch (command) {
    case 'serve': {
      const server = await serve({
        port: port(values.port ?? process.env.PORT, 3000),
        host: values.host ?? process.env.HOST ?? '0.0.0.0',
        dataDir,
        camera: values.camera ?? process.env.SKYLAPSE_CAMERA ?? 'sim',
        version,
        logger,
      });
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'sim': {
      const sim = await startSimulator({ port: port(values.port ?? process.env.PORT, 8080), host: values.host ?? '127.0.0.1', logger });
      logger.info({ url: sim.url }, 'camera simulator listening; use skylapse serve --camera ' + sim.url);
      const stop = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    case 'report': {
      const file = join(dataDir, 'skylapse.db');
      if (!existsSync(file)) {
        if (sub === 'list') process.stdout.write(values.json ? '[]\n' : `No reports yet (no database at ${file}).\n`);
        else fail(`no database at ${file}`);
        return;
      }
      const store = openStore(file, { readonly: true });
      try {
        if (sub === 'list') {
          const reports = listReports(store);
          process.stdout.write(values.json ? `${JSON.stringify(reports, null, 2)}\n` : formatReportList(reports));
        } else if (sub === 'show' && id) {
          const report = getReport(store, id);
          if (!report) fail(`no report ${id}`);
          process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        } else {
          fail('report needs list or show <id>');
        }
      } finally {
        store.close();
      }
      return;
    }
    default:
      fail(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  logger.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exit(1);
});
