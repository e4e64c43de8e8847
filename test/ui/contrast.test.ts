// Both night palettes of ui/style.css keep their text readable: 4.5:1 (WCAG AA) in the normal palette, 3:1 (the
// floor for large text) in the dim one, which trades contrast for less light.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const S = suite('palette contrast');
const css = readFileSync(new URL('../../ui/style.css', import.meta.url), 'utf8');

function vars(selector: string): Record<string, string> {
  const block = new RegExp(`${selector.replace('.', '\\.')}\\s*\\{([^}]*)\\}`).exec(css)?.[1] ?? '';
  const full = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex);
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6}|#[0-9a-f]{3})\b/gi)].map((m) => [m[1]!, full(m[2]!)]));
}
const channel = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => channel(Number.parseInt(hex.slice(i, i + 2), 16) / 255));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const ratio = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

const normal = vars(':root');
const dim = { ...normal, ...vars('html.dim') };

for (const [name, palette, floor] of [['normal', normal, 4.5], ['dim', dim, 3]] as const) {
  S(`${name} palette: every text colour on every background, and text on the alert fill, at ${floor}:1 or more`, () => {
    for (const text of ['fg', 'strong', 'muted']) {
      for (const bg of ['bg', 'panel', 'fill']) {
        const r = ratio(palette[text]!, palette[bg]!);
        assert.ok(r >= floor, `--${text} ${palette[text]} on --${bg} ${palette[bg]}: ${r.toFixed(2)}:1`);
      }
    }
    const onAlert = ratio(palette['on-alert']!, palette.alert!);
    assert.ok(onAlert >= floor, `--on-alert on --alert: ${onAlert.toFixed(2)}:1`);
  });
}

S.run();
