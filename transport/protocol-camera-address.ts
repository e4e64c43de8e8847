// Commands that choose where the camera is (docs/protocol.md, "Camera address"). `connect_to_ip` takes an address
// and optional port (port 443 means HTTPS, as a Canon body serves it; default 8080, plain HTTP) or a whole CCAPI
// root, and resolves to that root.
import { isIP } from 'node:net';
import * as z from 'zod';

/** A CCAPI root as `--camera` takes it: http(s)://host[:port]/ccapi */
export const CCAPI_ROOT = /^https?:\/\/[^/\s]+\/ccapi\/?$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const port = z.union([z.number().int().min(1).max(65_535), z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(1).max(65_535))]);

const connectToIp = z
  .object({
    /** IPv4 address or host name, or a whole CCAPI root such as `https://192.168.4.2:443/ccapi`. */
    ip: z.string().trim().min(1).max(300),
    /** 443: HTTPS; anything else plain HTTP. Default 8080. Not with a whole URL. */
    port: port.optional(),
  })
  .strict()
  .transform((d, ctx) => {
    if (/^https?:\/\//i.test(d.ip)) {
      if (!CCAPI_ROOT.test(d.ip)) {
        ctx.addIssue({ code: 'custom', path: ['ip'], message: 'a URL must be a CCAPI root like http://192.168.4.2:8080/ccapi' });
        return z.NEVER;
      }
      if (d.port !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['port'], message: 'give the port inside the URL' });
        return z.NEVER;
      }
      return { baseUrl: d.ip.replace(/\/$/, '') };
    }
    if (isIP(d.ip) !== 4 && !HOSTNAME.test(d.ip)) {
      ctx.addIssue({ code: 'custom', path: ['ip'], message: 'not an IPv4 address, host name or CCAPI URL' });
      return z.NEVER;
    }
    const p = d.port ?? 8080;
    return { baseUrl: `${p === 443 ? 'https' : 'http'}://${d.ip}:${p}/ccapi` };
  });

export const cameraAddressCommandSchemas = {
  connect_to_ip: connectToIp,
} as const;
