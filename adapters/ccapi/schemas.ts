// Shapes of the CCAPI answers skylapse reads (docs/camera-notes.md §8–§13). Lenient where bodies differ (AC power
// gives empty battery strings, keys may be missing); anything else unexpected becomes a PROTOCOL error.

import * as z from 'zod';
import { protocolError } from './errors.ts';

const str = z.string().default('');

export const DeviceInfoSchema = z.object({
  manufacturer: str,
  productname: str,
  serialnumber: str,
  firmwareversion: str,
  macaddress: z.string().optional(),
});

/** Some emulators give `level` as a number (percent); it is kept as its text. */
const level = z.union([z.string(), z.number()]).transform(String).default('');
export const BatterySchema = z.object({ kind: str, name: str, level, quality: str });

export const BatteryListSchema = z.object({
  batterylist: z.array(z.object({ position: str, kind: str, name: str, level, quality: str })),
});

export const StorageSchema = z.object({
  storagelist: z.array(
    z.object({
      name: z.string(),
      path: z.string().optional(),
      url: z.string().optional(), // ver100 bodies
      accesscapability: z.string().optional(),
      maxsize: z.number(),
      spacesize: z.number(),
      contentsnumber: z.number().optional(),
      remainingshots: z.number().optional(),
    }),
  ),
});

export const TemperatureSchema = z.object({ status: z.string() });

export const SettingsSchema = z.record(z.string(), z.unknown());

export const DatetimeSchema = z.object({ datetime: z.string(), dst: z.boolean() });

export const EventSchema = z.record(z.string(), z.unknown());

/** A contents level (storages, folders, one page of files): ver110+ bodies give `path`, ver100 bodies `url`. */
export const ContentsListSchema = z.object({ path: z.array(z.string()).optional(), url: z.array(z.string()).optional() });

export const ContentsNumberSchema = z.object({ contentsnumber: z.number().int().min(0), pagenumber: z.number().int().min(0) });

/** `?kind=info`: only the date is read; some firmware leaves it empty. */
export const ContentsInfoSchema = z.object({ lastmodifieddate: z.string().nullable().optional() });

/** Validates `json` against `schema`, or throws CameraError PROTOCOL naming the request and the first problem. */
export function parseAnswer<T extends z.ZodType>(schema: T, json: unknown, context: string): z.output<T> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : 'body';
  throw protocolError(context, `unexpected answer (${where}: ${issue?.message ?? 'invalid'})`);
}
