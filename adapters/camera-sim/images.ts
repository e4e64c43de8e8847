// Small real JPEGs for the simulator's `kind=display`, `kind=thumbnail` and live-view answers, built in code: a
// baseline greyscale JPEG whose 8×8 blocks are flat (DC only), a night-sky gradient with a few bright blocks as
// stars, and an EXIF block with the shot's exposure, ISO, aperture, model and capture time, so a client reads them
// as it would from a camera (docs/camera-notes.md §15).

import { parseTv } from '../ccapi/tv.ts';
import type { SimBody } from './body.ts';
import type { CardEntry } from './card.ts';

/** The R50's sizes: `display` 1620×1080 with EXIF, `thumbnail` 160×120 without (as the real answers in test/). */
const SIZES = { display: [1620, 1080], thumbnail: [160, 120] } as const;

/**
 * The preview of a file on the card. Its EXIF tells the body's settings now (the simulator does not keep them per
 * file) and the file's time on the camera's clock.
 */
export function previewJpeg(body: SimBody, entry: CardEntry, kind: keyof typeof SIZES): Buffer {
  const [width, height] = SIZES[kind];
  const seed = Number(/(\d+)\./.exec(entry.name)?.[1] ?? 0);
  if (kind === 'thumbnail') return skyJpeg(width, height, null, seed);
  // lastModified is the camera's local wall time labelled GMT: read back as UTC it gives the local fields.
  const local = new Date(Date.parse(body.lastModified(entry.writtenAt))).toISOString();
  // The simulated body always has these three (profile-r50.ts).
  const value = (name: string) => String(body.setting(name)?.value ?? '');
  const iso = value('iso');
  const exif: SimExif = {
    model: body.deviceInformation().productname,
    exposureSeconds: parseTv(value('tv')) ?? 30,
    fNumber: Number(value('av').slice(1)),
    iso: iso === 'auto' ? 1600 : Number(iso),
    dateTime: `${local.slice(0, 10).replaceAll('-', ':')} ${local.slice(11, 19)}`,
  };
  return skyJpeg(width, height, exif, seed);
}

export interface SimExif {
  model: string;
  /** Seconds. */
  exposureSeconds: number;
  fNumber: number;
  iso: number;
  /** Capture time as the camera's local wall clock, `YYYY:MM:DD HH:MM:SS`. */
  dateTime: string;
}

/** Standard luminance DC Huffman code per category (ITU T.81 Table K.3). */
const DC_CODES: Array<[code: number, length: number]> = [
  [0b00, 2], [0b010, 3], [0b011, 3], [0b100, 3], [0b101, 3], [0b110, 3],
  [0b1110, 4], [0b11110, 5], [0b111110, 6], [0b1111110, 7], [0b11111110, 8], [0b111111110, 9],
];
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table holding only end-of-block (code `0`): every block is flat. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
  finish(): Buffer {
    while (this.n !== 0) this.write(1, 1); // pad with ones
    return Buffer.from(this.bytes);
  }
}

const segment = (marker: number, payload: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** Brightness 0–255 of block (bx, by): a sky darkening upwards, with stars placed by a fixed pattern. */
function skyLevel(bx: number, by: number, bw: number, bh: number, seed: number): number {
  const star = ((bx * 73 + by * 151 + seed * 17) % 97) === 0;
  if (star) return 235;
  return Math.round(12 + 40 * (by / Math.max(1, bh - 1)) + 6 * (bx / Math.max(1, bw - 1)));
}

/** A baseline greyscale JPEG of `width`×`height` (multiples of 8), with `exif` in APP1 when given. */
export function skyJpeg(width: number, height: number, exif: SimExif | null, seed = 0): Buffer {
  const bw = Math.ceil(width / 8);
  const bh = Math.ceil(height / 8);
  const sof = Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]); // all ones: DC coefficient = 8 × (mean − 128)
  const dht = Buffer.from([0x00, ...DC_BITS, ...DC_VALUES, 0x10, ...AC_BITS, ...AC_VALUES]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const dc = 8 * (skyLevel(bx, by, bw, bh, seed) - 128);
      const diff = dc - previous;
      previous = dc;
      const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      const [code, length] = DC_CODES[size]!;
      bits.write(code, length);
      if (size > 0) bits.write(diff > 0 ? diff : diff + (1 << size) - 1, size);
      bits.write(0, 1); // end of block
    }
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...(exif ? [segment(0xe1, exifPayload(exif))] : []),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, sos),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

type Entry = { tag: number; type: 2 | 3 | 4 | 5; values: string | number[] };

/** One little-endian TIFF IFD at `offset`, values that do not fit in 4 bytes placed right after it. */
function ifd(entries: Entry[], offset: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const head = Buffer.alloc(2 + sorted.length * 12 + 4);
  head.writeUInt16LE(sorted.length, 0);
  const extra: Buffer[] = [];
  let extraOffset = offset + head.length;
  sorted.forEach((e, i) => {
    const at = 2 + i * 12;
    let data: Buffer;
    let count: number;
    if (e.type === 2) {
      data = Buffer.from(`${e.values as string}\0`, 'latin1');
      count = data.length;
    } else if (e.type === 5) {
      const v = e.values as number[];
      data = Buffer.alloc(8 * v.length / 2);
      for (let k = 0; k < v.length; k++) data.writeUInt32LE(v[k]!, k * 4);
      count = v.length / 2;
    } else {
      const v = e.values as number[];
      const width = e.type === 3 ? 2 : 4;
      data = Buffer.alloc(width * v.length);
      v.forEach((x, k) => (width === 2 ? data.writeUInt16LE(x, k * 2) : data.writeUInt32LE(x, k * 4)));
      count = v.length;
    }
    head.writeUInt16LE(e.tag, at);
    head.writeUInt16LE(e.type, at + 2);
    head.writeUInt32LE(count, at + 4);
    if (data.length <= 4) data.copy(head, at + 8);
    else {
      head.writeUInt32LE(extraOffset, at + 8);
      extra.push(data);
      extraOffset += data.length + (data.length % 2);
      if (data.length % 2) extra.push(Buffer.alloc(1));
    }
  });
  return Buffer.concat([head, ...extra]); // next-IFD offset stays 0
}

/** `Exif\0\0` + a TIFF with IFD0 (make, model, date) pointing to an Exif IFD (exposure, aperture, ISO, date). */
function exifPayload(x: SimExif): Buffer {
  const rational = (v: number): number[] => (v >= 1 ? [Math.round(v * 10), 10] : [1, Math.round(1 / v)]);
  const ifd0Entries = (exifOffset: number): Entry[] => [
    { tag: 0x010f, type: 2, values: 'Canon' },
    { tag: 0x0110, type: 2, values: x.model },
    { tag: 0x0132, type: 2, values: x.dateTime },
    { tag: 0x8769, type: 4, values: [exifOffset] },
  ];
  // IFD0's size does not depend on the pointer's value: lay it out once to learn where the Exif IFD goes.
  const ifd0Size = ifd(ifd0Entries(0), 8).length;
  const exifOffset = 8 + ifd0Size;
  const exifIfd = ifd(
    [
      { tag: 0x829a, type: 5, values: rational(x.exposureSeconds) },
      { tag: 0x829d, type: 5, values: [Math.round(x.fNumber * 10), 10] },
      { tag: 0x8827, type: 3, values: [Math.min(65535, x.iso)] },
      { tag: 0x9003, type: 2, values: x.dateTime },
    ],
    exifOffset,
  );
  const tiffHead = Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffHead, ifd(ifd0Entries(exifOffset), 8), exifIfd]);
}
