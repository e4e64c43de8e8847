// The simulated memory card: files in writing order with the time each was closed, and the camera's numbering
// counter. With a card file it is kept as JSON and reloaded at start, so a simulator run as its own process keeps
// its card (and numbering) across skylapse restarts, as a real card does.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as z from 'zod';

export interface CardEntry {
  /** `100CANON/IMG_0001.JPG` (folder/name, as under the storage's contents path). */
  name: string;
  /** When the file was closed, epoch ms on the camera's clock. */
  writtenAt: number;
}

const CardFileSchema = z.object({
  version: z.literal(1),
  counter: z.number().int().min(0),
  files: z.array(z.object({ name: z.string().regex(/^\d{3}[A-Z0-9_]{5}\/[A-Z0-9_]{4}\d{4}\.[A-Z0-9]+$/), writtenAt: z.number() })),
});

/** Canon numbering: `100CANON/IMG_0001.JPG` … `IMG_9999`, then the next folder starts again at 0001. */
export function fileNameFor(seq: number, ext = 'JPG'): string {
  const folder = 100 + Math.floor((seq - 1) / 9999);
  const number = ((seq - 1) % 9999) + 1;
  return `${folder}CANON/IMG_${String(number).padStart(4, '0')}.${ext}`;
}

export class SimCard {
  private files: CardEntry[] = [];
  private counter = 0;

  /** Loads `path` when it exists; a file that is not a card is an error, never silently replaced. */
  constructor(private readonly path?: string) {
    if (!path || !existsSync(path)) return;
    const parsed = CardFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path}: not a simulator card file (${z.prettifyError(parsed.error)})`);
    this.files = parsed.data.files;
    this.counter = parsed.data.counter;
  }

  /** The number of the next release: its files share it (RAW+JPEG: `IMG_0042.CR3` and `IMG_0042.JPG`). */
  takeNumber(): number {
    return ++this.counter;
  }

  add(name: string, writtenAt: number): void {
    this.files.push({ name, writtenAt });
    this.save();
  }

  get size(): number {
    return this.files.length;
  }

  /** The folder new files go to. */
  currentFolder(): string {
    return fileNameFor(this.counter + 1).split('/')[0]!;
  }

  entries(): readonly CardEntry[] {
    return this.files;
  }

  folders(): string[] {
    return [...new Set(this.files.map((f) => f.name.split('/')[0]!))].sort();
  }

  inFolder(folder: string): CardEntry[] {
    return this.files.filter((f) => f.name.startsWith(`${folder}/`));
  }

  find(name: string): CardEntry | undefined {
    return this.files.find((f) => f.name === name);
  }

  private save(): void {
    if (!this.path) return;
    // Write then rename: a simulator killed mid-write leaves the previous card, not half a file.
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, counter: this.counter, files: this.files }));
    renameSync(tmp, this.path);
  }
}
