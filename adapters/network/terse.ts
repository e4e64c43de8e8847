// nmcli's terse output (`-t`): one record per line, fields split by `:`; inside a value `:` is written `\:` and `\`
// is written `\\` (nmcli(1), "--terse"). An SSID may hold either, so fields are split on unescaped colons only.

/** Splits one terse line into its unescaped fields. */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
    } else if (ch === ':') {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

/** Every non-empty line of terse output, split. */
export function parseTerse(stdout: string): string[][] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0)
    .map(splitTerse);
}

/** `-t -f A,B dev show X` style output (`NAME:value` per line; `IP4.ADDRESS[1]:…`) as a map of name → values. */
export function parseTerseFields(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, ...rest] of parseTerse(stdout)) {
    const key = name!.replace(/\[\d+\]$/, '');
    // The value itself was split on its unescaped colons: IPv6 addresses come escaped, so rejoin what is left.
    const list = out.get(key) ?? [];
    list.push(rest.join(':'));
    out.set(key, list);
  }
  return out;
}
