// The skylapse command line: serve, sim, report, doctor. Flags win over environment variables, which win over
// defaults. A person at a terminal gets one sentence for a mistake or a condition of the machine (exit 2 for a wrong
// command line or a data directory held by another server, 1 for the rest); a stack trace is printed for bugs only.
// Each command imports only what it uses: `report` and `doctor` never load the server, and the server loads the
// simulator only when it runs one.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { TOKEN_PATTERN } from '../transport/roles.ts';

const { version } = pkg;

const usage = `skylapse ${version}
  skylapse serve [--port 3000] [--host 0.0.0.0] [--data ./data] [--camera sim|auto|<CCAPI base URL>] [--resume auto|ask]
                 [--network auto|sim|nmcli] [--set-clock auto|system|dry-run]
                 [--token T] [--observer-token O] [--max-clients 32]
  skylapse sim [--port 8080] [--host 127.0.0.1] [--card FILE] [--profile r50|ver100-only] [--quirks a,b] [--https] [--write-ms 250]
  skylapse report list [--data ./data] [--json]
  skylapse report show <id> [--data ./data] [--json]
  skylapse report export <id> --format csv|json|md [--out FILE] [--data ./data]
  skylapse doctor [--data ./data] [--camera sim|auto|<CCAPI base URL>]
Environment: PORT, HOST, SKYLAPSE_DATA, SKYLAPSE_CAMERA, SKYLAPSE_RESUME, SKYLAPSE_TOKEN, SKYLAPSE_OBSERVER_TOKEN,
  SKYLAPSE_MAX_CLIENTS, SKYLAPSE_NETWORK, SKYLAPSE_SET_CLOCK, LOG_LEVEL.`;

/** A mistake on the command line: one line, the usage, exit 2. */
function usageError(message: string): never {
  process.stderr.write(`skylapse: ${message}\n\n${usage}\n`);
  process.exit(2);
}

/** A condition a person can fix (a held data directory, a busy port, a missing file): one line, no usage. */
function stop(message: string, code = 1): never {
  process.stderr.write(`skylapse: ${message}\n`);
  process.exit(code);
}

function port(value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (value === '' || !Number.isInteger(n) || n < 0 || n > 65535) usageError(`not a port: ${value}`);
  return n;
}

const cameraPattern = /^https?:\/\/[^/]+\/ccapi\/?$/;
function camera(value: string): string {
  if (value === 'sim' || value === 'auto' || cameraPattern.test(value)) return value;
  usageError(`--camera must be sim, auto or a CCAPI base URL like http://192.168.4.2:8080/ccapi (got ${value})`);
}

function network(value: string): 'auto' | 'sim' | 'nmcli' {
  if (value === 'auto' || value === 'sim' || value === 'nmcli') return value;
  usageError(`--network must be auto, sim or nmcli (got ${value})`);
}

function setClock(value: string): 'auto' | 'system' | 'dry-run' {
  if (value === 'auto' || value === 'system' || value === 'dry-run') return value;
  usageError(`--set-clock must be auto, system or dry-run (got ${value})`);
}

function resume(value: string): 'auto' | 'ask' {
  if (value === 'auto' || value === 'ask') return value;
  usageError(`--resume must be auto or ask (got ${value})`);
}

// The message never repeats a token's value.
function tokens(operator: string | undefined, observer: string | undefined): { operator?: string; observer?: string } {
  for (const [flag, t] of [['--token', operator], ['--observer-token', observer]] as const) {
    if (t !== undefined && !TOKEN_PATTERN.test(t)) usageError(`${flag} must be 8 to 128 characters of A-Z a-z 0-9 . _ ~ -`);
  }
  if (observer !== undefined && operator === undefined) usageError('--observer-token needs --token too');
  if (observer !== undefined && observer === operator) usageError('--observer-token must differ from --token');
  return { ...(operator ? { operator } : {}), ...(observer ? { observer } : {}) };
}

function count(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) usageError(`${flag} must be a whole number from 1 to 10000 (got ${value})`);
  return n;
}

const data = { type: 'string' } as const;
const commands = {
  serve: {
    port: { type: 'string' },
    host: { type: 'string' },
    data,
    camera: { type: 'string' },
    resume: { type: 'string' },
    token: { type: 'string' },
    'observer-token': { type: 'string' },
    'max-clients': { type: 'string' },
    network: { type: 'string' },
    'set-clock': { type: 'string' },
  },
  sim: { port: { type: 'string' }, host: { type: 'string' }, card: { type: 'string' }, profile: { type: 'string' }, quirks: { type: 'string' }, https: { type: 'boolean' }, 'write-ms': { type: 'string' } },
  report: { data, json: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' } },
  doctor: { data, camera: { type: 'string' } },
} satisfies Record<string, NonNullable<ParseArgsConfig['options']>>;

/** parseArgs for one command: an unknown flag, a missing value or a stray argument is a usage error, not a crash. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: O, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec((err as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usageError(`unknown option ${flag} for ${command}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') usageError(`${flag} needs a value`);
    if (code?.startsWith('ERR_PARSE_ARGS')) usageError((err as Error).message.split('\n')[0]!);
    throw err;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length > positionals) usageError(`unexpected argument ${parsed.positionals[positionals]}`);
  return parsed;
}

async function logger() {
  const { default: pino } = await import('pino');
  // JSON lines on stdout (journald on the Pi); no pretty-printing transport, which would cost a worker thread.
  return pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'skylapse' } });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version}\n`);
    return;
  }
  switch (command) {
    case 'serve': {
      const { values } = parse('serve', rest, commands.serve, 0);
      const options = {
        port: port(values.port ?? process.env.PORT, 3000),
        host: values.host ?? process.env.HOST ?? '0.0.0.0',
        dataDir: values.data ?? process.env.SKYLAPSE_DATA ?? './data',
        camera: camera(values.camera ?? process.env.SKYLAPSE_CAMERA ?? 'sim'),
        resume: resume(values.resume ?? process.env.SKYLAPSE_RESUME ?? 'auto'),
        network: network(values.network ?? process.env.SKYLAPSE_NETWORK ?? 'auto'),
        setClock: setClock(values['set-clock'] ?? process.env.SKYLAPSE_SET_CLOCK ?? 'auto'),
        tokens: tokens(values.token ?? (process.env.SKYLAPSE_TOKEN || undefined), values['observer-token'] ?? (process.env.SKYLAPSE_OBSERVER_TOKEN || undefined)),
        limits: { maxClients: count('--max-clients', values['max-clients'] ?? process.env.SKYLAPSE_MAX_CLIENTS ?? '32') },
        version,
        logger: await logger(),
      };
      const { serve } = await import('./serve.ts');
      let server: Awaited<ReturnType<typeof serve>>;
      try {
        server = await serve(options);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'DATA_DIR_LOCKED') stop((err as Error).message, 2);
        if (code === 'EADDRINUSE') stop(`port ${options.port} on ${options.host} is in use by another program; choose another with --port`);
        if (code === 'EACCES' && (err as { syscall?: string }).syscall === 'listen') stop(`not allowed to listen on port ${options.port}; ports below 1024 need privileges`);
        if (code === 'STORE_OPEN_FAILED') stop((err as Error).message);
        const path = (err as { path?: string }).path;
        if (path && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST'].includes(code!)) stop(`cannot use ${path} (${code}); check --data and its permissions`);
        throw err;
      }
      const { logger: log } = options;
      let stopping = false;
      const shutdown = (signal: string) => {
        // A second signal while the frame in flight finishes is not a reason to cut it short; systemd's
        // TimeoutStopSec (then SIGKILL) bounds the wait.
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      return;
    }
    case 'sim': {
      const { values } = parse('sim', rest, commands.sim, 0);
      const log = await logger();
      const { startSimulator, PROFILES, QUIRKS, parseQuirks } = await import('../adapters/camera-sim/index.ts');
      const profile = PROFILES.find((p) => p === (values.profile ?? 'r50'));
      if (!profile) usageError(`--profile must be one of ${PROFILES.join(', ')} (got ${values.profile})`);
      const quirks = parseQuirks(values.quirks ?? '');
      if ('unknown' in quirks) usageError(`unknown quirk ${quirks.unknown}; known: ${QUIRKS.join(', ')}`);
      // How long the simulated body writes each frame to its card (an R50's JPEG: about 250 ms).
      const writeMs = Number(values['write-ms'] ?? 250);
      if (!Number.isInteger(writeMs) || writeMs < 0 || writeMs > 60_000) usageError(`--write-ms must be whole milliseconds from 0 to 60000 (got ${values['write-ms']})`);
      const options = {
        port: port(values.port ?? process.env.PORT, 8080),
        timings: { writeMs },
        host: values.host ?? '127.0.0.1',
        cardFile: values.card,
        logger: log,
        profile,
        quirks: quirks.quirks,
        https: values.https === true,
      };
      let sim: Awaited<ReturnType<typeof startSimulator>>;
      try {
        sim = await startSimulator(options);
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE') stop(`port ${options.port} on ${options.host} is in use by another program; choose another with --port`);
        throw err;
      }
      log.info({ url: sim.url }, 'camera simulator listening; use skylapse serve --camera ' + sim.url);
      const close = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      return;
    }
    case 'report': {
      const { values, positionals } = parse('report', rest, commands.report, 2);
      const [sub, id] = positionals;
      if (sub !== 'list' && !((sub === 'show' || sub === 'export') && id)) usageError('report needs list, show <id> or export <id>');
      if (sub === 'list' && id) usageError(`unexpected argument ${id}`);
      if (sub === 'export' && !['csv', 'json', 'md'].includes(values.format ?? '')) usageError('report export needs --format csv, json or md');
      if (sub !== 'export' && (values.format !== undefined || values.out !== undefined)) usageError('--format and --out are for report export');
      const file = join(values.data ?? process.env.SKYLAPSE_DATA ?? './data', 'skylapse.db');
      if (!existsSync(file)) {
        if (sub === 'list') process.stdout.write(values.json ? '[]\n' : `No reports yet (no database at ${file}).\n`);
        else stop(`no database at ${file}`);
        return;
      }
      const [{ openStore }, { getReport, listReports }, { formatReport, formatReportList }, { exportReport, isExportFormat }] = await Promise.all([
        import('../store/db.ts'),
        import('../store/reports.ts'),
        import('./report-format.ts'),
        import('../app/report-export.ts'),
      ]);
      let store: ReturnType<typeof openStore>;
      try {
        store = openStore(file, { readonly: true });
      } catch (err) {
        if ((err as { code?: string }).code === 'STORE_OPEN_FAILED') stop((err as Error).message);
        throw err;
      }
      try {
        if (sub === 'list') {
          const reports = listReports(store);
          process.stdout.write(values.json ? `${JSON.stringify(reports, null, 2)}\n` : formatReportList(reports));
        } else if (sub === 'export') {
          const report = getReport(store, id!, { includeDeleted: true });
          if (!report) stop(`no report ${id}`);
          if (!isExportFormat(values.format)) usageError('report export needs --format csv, json or md');
          const file = exportReport(report, values.format);
          if (values.out === undefined) process.stdout.write(file.body);
          else {
            try {
              writeFileSync(values.out, file.body);
            } catch (err) {
              stop(`cannot write ${values.out} (${(err as { code?: string }).code ?? (err as Error).message})`);
            }
            process.stderr.write(`wrote ${values.out}\n`);
          }
        } else {
          const report = getReport(store, id!);
          if (!report) stop(`no report ${id}`);
          process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        }
      } finally {
        store.close();
      }
      return;
    }
    case 'doctor': {
      const { values } = parse('doctor', rest, commands.doctor, 0);
      const { doctor } = await import('./doctor.ts');
      process.exitCode = await doctor({
        dataDir: values.data ?? process.env.SKYLAPSE_DATA ?? './data',
        camera: camera(values.camera ?? process.env.SKYLAPSE_CAMERA ?? 'sim'),
        out: (line) => process.stdout.write(`${line}\n`),
      });
      return;
    }
    default:
      usageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Only bugs get here: print everything a developer needs.
  process.stderr.write(`skylapse: internal error (a bug; please report it with this output)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
