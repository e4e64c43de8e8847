// The contents tree as an R50 serves it (docs/camera-notes.md, "Contents"): storage →
// folders → `kind=number` → 100-entry `kind=list` pages, and `kind=info` per file. Refused with 503 while the
// camera shoots, as real bodies do; `display` and `thumbnail` are small real JPEGs (images.ts), the original is not
// simulated (501).

import type { SimBody } from './body.ts';
import { previewJpeg } from './images.ts';
import type { Exchange } from './routes.ts';

const PAGE = 100;
const INVALID = { message: 'Invalid parameter' };
const NOT_FOUND = { message: 'URL not found' };
/** `type=` values the simulator can tell apart by extension. */
const TYPES: Record<string, (name: string) => boolean> = {
  all: () => true,
  jpeg: (n) => n.endsWith('.JPG'),
  cr3: (n) => n.endsWith('.CR3'),
};

/** A listing as the body answers it: relative `path`s, or absolute URLs under `url` on ver100 bodies. */
function listing(body: SimBody, paths: string[]) {
  return body.profile.absoluteUrls ? { url: paths.map((p) => body.ref(p)) } : { path: paths };
}

/** GET on the contents root (`/ccapi/ver130/contents` on the R50) or anything below it. */
export function getContents(body: SimBody, path: string, x: Exchange): void {
  const card = body.cardPath;
  const phase = body.phase;
  if (phase === 'exposing' || phase === 'processing') return x.reply(503, { message: 'During shooting or recording' });
  if (phase === 'writing') return x.reply(503, { message: 'Device busy' });
  if (path === body.profile.contentsRoot) return x.reply(200, listing(body, [card]));
  if (path === card) return x.reply(200, listing(body, body.card.folders().map((f) => `${card}/${f}`)));
  if (!path.startsWith(`${card}/`)) return x.reply(404, NOT_FOUND);
  const rest = path.slice(card.length + 1);
  const [folder, file, ...extra] = rest.split('/');
  if (!folder || extra.length > 0) return x.reply(404, NOT_FOUND);
  if (file === undefined) return listFolder(body, folder, x);
  const entry = body.card.find(`${folder}/${file}`);
  if (!entry) return x.reply(404, NOT_FOUND);
  const kind = x.query.get('kind') ?? 'main';
  if (kind === 'display' || kind === 'thumbnail') return x.replyBytes(200, 'image/jpeg', previewJpeg(body, entry, kind));
  if (kind !== 'info') return kind === 'main' ? x.reply(501, { message: 'Not implemented by the simulator' }) : x.reply(400, INVALID);
  x.reply(200, {
    filesize: file.endsWith('.CR3') ? 24_117_248 : 7_340_032,
    protect: 'disable',
    archive: 'disable',
    rotate: '0',
    rating: 'off',
    lastmodifieddate: body.lastModified(entry.writtenAt),
    playtime: null,
  });
}

function listFolder(body: SimBody, folder: string, x: Exchange): void {
  const names = body.card.inFolder(folder).map((f) => f.name);
  if (names.length === 0 && !body.card.folders().includes(folder)) return x.reply(404, NOT_FOUND);
  const filter = TYPES[x.query.get('type') ?? 'all'];
  if (!filter) return x.reply(400, INVALID);
  const selected = names.filter(filter);
  const kind = x.query.get('kind');
  if (kind === 'number') {
    return x.reply(200, { contentsnumber: selected.length, pagenumber: Math.ceil(selected.length / PAGE) });
  }
  if (kind !== 'list') return x.reply(400, INVALID);
  const page = Number(x.query.get('page') ?? '1');
  if (!Number.isInteger(page) || page < 1) return x.reply(400, INVALID);
  // Past the last page: an empty list (assumed for real bodies, docs/camera-notes.md §5).
  x.reply(200, listing(body, selected.slice((page - 1) * PAGE, page * PAGE).map((n) => `${body.cardPath}/${n}`)));
}
