// The UPnP device description a Canon body serves at http://<ip>:49152/upnp/CameraDevDesc.xml
// (docs/camera-notes.md §14). X_accessURL is matched by namespace (urn:schemas-canon-com:schema-upnp, whatever the
// prefix), never by a fixed `ns:` string; the CCAPI root is taken whole from it — scheme, host and port — not rebuilt
// from the SSDP sender (docs/decisions.md §4).

import { CameraError } from '../../machines/camera-port.ts';
import { scanXml, XmlSyntaxError, type XmlElement } from './xml.ts';

export const UPNP_DEVICE_NS = 'urn:schemas-upnp-org:device-1-0';
export const CANON_UPNP_NS = 'urn:schemas-canon-com:schema-upnp';

export interface CameraDescription {
  /** UDN without the `uuid:` prefix. */
  uuid: string;
  /** CCAPI root from X_accessURL, e.g. `http://192.168.4.2:8080/ccapi`. */
  accessUrl: string;
  modelName: string | null;
  friendlyName: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  deviceType: string | null;
  nickname: string | null;
  /** X_onService: true while another client holds the camera; null when absent or unreadable. */
  onService: boolean | null;
}

const invalid = (message: string) => new CameraError('PROTOCOL', `device description: ${message}`, false);

/** Parses the description XML; throws CameraError PROTOCOL when it is malformed or lacks UDN or X_accessURL. */
export function parseDescription(xml: string): CameraDescription {
  let elements: XmlElement[];
  try {
    elements = scanXml(xml);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw invalid(`not well-formed XML (${err.message})`);
    throw err;
  }
  // UPnP fields: the device namespace, or none for bodies that forget to declare it. First in document order is the
  // root device's (embedded devices come later, inside deviceList).
  const upnp = (local: string) => {
    const e = elements.find((el) => el.local === local && (el.ns === UPNP_DEVICE_NS || el.ns === null));
    const value = e?.text.trim();
    return value ? value : null;
  };
  const canon = (local: string) => {
    const value = elements.find((el) => el.local === local && el.ns === CANON_UPNP_NS)?.text.trim();
    return value ? value : null;
  };

  const udn = upnp('UDN');
  if (!udn) throw invalid('no UDN');
  const uuid = /^uuid:(.+)$/i.exec(udn)?.[1]?.trim();
  if (!uuid) throw invalid(`UDN "${udn}" is not a uuid: URN`);

  const access = canon('X_accessURL');
  if (!access) throw invalid(`no X_accessURL in ${CANON_UPNP_NS}`);
  let url: URL;
  try {
    url = new URL(access);
  } catch {
    throw invalid(`X_accessURL "${access}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`X_accessURL "${access}" is not http(s)`);
  if (url.search || url.hash || url.username || url.password) throw invalid(`X_accessURL "${access}" is not a plain CCAPI root`);

  const onService = canon('X_onService');
  return {
    uuid,
    // Normalised by `new URL`, with the port always spelt out (it drops :443 on https) and no trailing slash, so the
    // result reads like `http://192.168.1.2:8080/ccapi` (docs/camera-notes.md §14) and the URLs CcapiCamera is
    // configured with.
    accessUrl: `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}${url.pathname.replace(/\/+$/, '')}`,
    modelName: upnp('modelName'),
    friendlyName: upnp('friendlyName'),
    manufacturer: upnp('manufacturer'),
    serialNumber: upnp('serialNumber'),
    deviceType: upnp('deviceType'),
    nickname: canon('X_deviceNickname'),
    onService: onService === '1' ? true : onService === '0' ? false : null,
  };
}
