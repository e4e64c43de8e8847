// A fake `nmcli` (and `iw`) executable for the NetworkManager adapter's tests: put its directory first on PATH. Each
// run appends its argv (as JSON) to `calls.jsonl` and answers from `script.json`: the first rule whose `argv`
// prefix matches, with its recorded terse stdout, stderr and exit code. No shell is involved anywhere: the script is
// node, started by its shebang.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Rule {
  tool?: 'nmcli' | 'iw';
  /** Matches when the call's argv starts with these elements. */
  argv: string[];
  stdout?: string;
  stderr?: string;
  code?: number;
}

const program = (tool: string) => `#!${process.execPath}
const { appendFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = __dirname;
const argv = process.argv.slice(2);
appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify({ tool: ${JSON.stringify(tool)}, argv }) + '\\n');
const rules = JSON.parse(readFileSync(join(dir, 'script.json'), 'utf8'));
const rule = rules.find((r) => (r.tool ?? 'nmcli') === ${JSON.stringify(tool)} && r.argv.every((a, i) => argv[i] === a));
if (!rule) { process.stderr.write('Error: fake ${tool} has no answer for ' + JSON.stringify(argv) + '\\n'); process.exit(2); }
if (rule.stdout) process.stdout.write(rule.stdout);
if (rule.stderr) process.stderr.write(rule.stderr);
process.exit(rule.code ?? 0);
`;

export class FakeNmcli {
  readonly dir = mkdtempSync(join(tmpdir(), 'i10-fake-nmcli-'));

  constructor(rules: Rule[]) {
    for (const tool of ['nmcli', 'iw']) {
      // .cjs beside a tiny wrapper would need a shell; a shebang file with `require` is run by node as CommonJS.
      const path = join(this.dir, tool);
      writeFileSync(path, program(tool));
      chmodSync(path, 0o755);
    }
    writeFileSync(join(this.dir, 'package.json'), '{"type":"commonjs"}');
    this.script(rules);
  }

  script(rules: Rule[]): void {
    writeFileSync(join(this.dir, 'script.json'), JSON.stringify(rules));
  }

  /** The environment that makes the adapter find this fake first. */
  env(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.dir}:${process.env.PATH ?? ''}` };
  }

  calls(): { tool: string; argv: string[] }[] {
    const file = join(this.dir, 'calls.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tool: string; argv: string[] });
  }
}
