// Real Canon responses live outside the repository (`../shared/fixtures/` beside the checkout, or an ancestor's):
// tests read them where they lie and skip, saying so, when they are absent. SKYLAPSE_FIXTURES overrides.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixtures directory, or null when this machine has none. */
export function fixturesDir(): string | null {
  if (process.env.SKYLAPSE_FIXTURES) return existsSync(process.env.SKYLAPSE_FIXTURES) ? process.env.SKYLAPSE_FIXTURES : null;
  for (let dir = resolve(dirname(fileURLToPath(import.meta.url)), '../..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Every captured camera directory (`ccapi-r50`, …) with its files. */
export function fixtureSets(): { name: string; dir: string; files: string[] }[] {
  const root = fixturesDir();
  if (!root) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('ccapi-'))
    .map((d) => ({ name: d.name, dir: join(root, d.name), files: readdirSync(join(root, d.name)).sort() }));
}
