// Reads the card through the contents tree (docs/camera-notes.md): storages → folders → `kind=number` → 100-entry
// pages. Used for shot evidence after a lost press answer and for reconciling the log with the card.

import type { CardFile } from '../../machines/camera-port.ts';
import type { CcapiClient } from './client.ts';
import type { Priority } from './command-lane.ts';
import { parseLastModified } from './datetime.ts';
import { protocolError } from './errors.ts';
import { compareFiles, folderNumber, parseFileName } from './file-names.ts';

/** Every file in folders numbered `fromFolder` or above (all with null), in the camera's numbering order. */
export async function listFiles(client: CcapiClient, priority: Priority, fromFolder: number | null): Promise<string[]> {
  const out: string[] = [];
  for (const storage of await client.contentsList(null, priority)) {
    for (const folder of await client.contentsList(storage, priority)) {
      const n = folderNumber(folder);
      if (fromFolder !== null && n !== null && n < fromFolder) continue;
      const { pages } = await client.contentsNumber(folder, priority);
      for (let page = 1; page <= pages; page++) {
        out.push(...(await client.contentsList(folder, priority, `?type=all&kind=list&page=${page}`)));
      }
    }
  }
  return out.sort(compareFiles);
}

/** Files numbered after `path` (exclusive), oldest first. */
export async function listFilesAfter(client: CcapiClient, priority: Priority, path: string | null): Promise<string[]> {
  if (path === null) return listFiles(client, priority, null);
  const number = parseFileName(path).number;
  if (number === null) throw protocolError('contents', `"${path}" is not a Canon file name; cannot order files after it`);
  const files = await listFiles(client, priority, Math.floor(number / 10_000));
  return files.filter((f) => compareFiles(f, path) > 0);
}

/**
 * CameraPort.filesSince: after a path, every later file with its date; with a null path, the newest files back to
 * the first one dated before `wall` (one `kind=info` request per file, so this walks only as far as it must).
 * Dates are when the camera closed the file (second resolution); a file without a date ends a walk by date.
 */
export async function filesSince(client: CcapiClient, after: { path: string | null; wall: number }): Promise<CardFile[]> {
  const clock = await client.datetime();
  const offsetMin = clock.stdOffsetMin ?? 0;
  const dated = async (path: string): Promise<CardFile> => ({
    path,
    capturedAt: parseLastModified(await client.contentsModified(path, 'other'), offsetMin, clock.dst),
  });
  if (after.path !== null) {
    const out: CardFile[] = [];
    for (const path of await listFilesAfter(client, 'other', after.path)) out.push(await dated(path));
    return out;
  }
  const floor = Math.floor(after.wall / 1000) * 1000; // the camera's dates have whole seconds
  const files = await listFiles(client, 'other', null);
  const out: CardFile[] = [];
  for (let i = files.length - 1; i >= 0; i--) {
    const file = await dated(files[i]!);
    if (file.capturedAt === null || file.capturedAt < floor) break;
    out.unshift(file);
  }
  return out;
}

/** The newest file on the card (null when it is empty): the last page of the highest non-empty folder. */
export async function newestFile(client: CcapiClient, priority: Priority): Promise<string | null> {
  let newest: string | null = null;
  for (const storage of await client.contentsList(null, priority)) {
    const folders = (await client.contentsList(storage, priority)).sort(
      (a, b) => (folderNumber(b) ?? 0) - (folderNumber(a) ?? 0),
    );
    for (const folder of folders) {
      const { pages } = await client.contentsNumber(folder, priority);
      if (pages === 0) continue;
      const last = (await client.contentsList(folder, priority, `?type=all&kind=list&page=${pages}`)).sort(compareFiles).at(-1);
      if (last !== undefined && (newest === null || compareFiles(last, newest) > 0)) newest = last;
      break;
    }
  }
  return newest;
}
