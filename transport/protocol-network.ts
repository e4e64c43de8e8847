// Wire schemas of the Pi's own state: WiFi link and AP (issue 10). Spread into commandSchemas in protocol.ts.
import * as z from 'zod';
import { ISO3166_ALPHA2 } from './countries.ts';

const empty = z.object({}).strict().optional();
/** Operations that can drop the camera's network are refused while a session shoots, unless forced. */
const force = z.boolean().optional();
/** 1–32 bytes, as 802.11 allows; any characters, none of them ever interpreted. */
const ssid = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= 32, 'an SSID is at most 32 bytes');
/** WPA2-PSK: 8–63 printable characters, or 64 hex digits. */
const passphrase = z.string().refine((p) => (p.length >= 8 && p.length <= 63) || /^[0-9a-fA-F]{64}$/.test(p), 'a WPA passphrase is 8–63 characters or 64 hex digits');
/** 2.4 GHz 1–13 and the common 5 GHz channels. */
const CHANNELS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 149, 153, 157, 161, 165]);

export const networkCommandSchemas = {
  network_scan: z.object({ refresh: z.boolean().optional() }).strict().optional(),
  network_connect: z.object({ ssid, password: passphrase.optional(), force }).strict(),
  network_disconnect: z.object({ force }).strict().optional(),
  wifi_enable: empty,
  wifi_disable: z.object({ force }).strict().optional(),
  get_network_status: empty,
  get_wifi_country: empty,
  set_wifi_country: z.object({ country: z.enum(ISO3166_ALPHA2) }).strict(),
  configure_access_point: z
    .object({
      ssid,
      passphrase,
      channel: z.number().int().refine((c) => CHANNELS.has(c), 'not a WiFi channel skylapse can use (1–13, 36–165)'),
      hidden: z.boolean().default(false),
      force,
    })
    .strict(),
} as const;
