// A small namespace-aware XML scanner: enough for a UPnP device description (elements, attributes, xmlns scopes,
// comments, CDATA, the five entities and character references), without an XML dependency. No DTDs, no entity
// expansion beyond those: a camera's description never needs them and a hostile one gets nothing from them.

export interface XmlElement {
  /** Namespace URI, or null when the element's prefix (or the default namespace) is unbound. */
  ns: string | null;
  local: string;
  /** The element's own text (child elements' text excluded), entity-decoded, untrimmed. */
  text: string;
  depth: number;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref === 'lt') return '<';
    if (ref === 'gt') return '>';
    if (ref === 'amp') return '&';
    if (ref === 'quot') return '"';
    if (ref === 'apos') return "'";
    const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

interface Open {
  name: string;
  scope: Map<string, string>;
  element: XmlElement;
}

/** Every element in document order. Throws XmlSyntaxError on mismatched or unterminated markup. */
export function scanXml(xml: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: Open[] = [];
  let i = 0;
  const text = (s: string) => {
    const top = stack[stack.length - 1];
    if (top) top.element.text += s;
    else if (s.trim() !== '') throw new XmlSyntaxError('text outside the root element', i);
  };
  const skipTo = (end: string, what: string) => {
    const at = xml.indexOf(end, i);
    if (at < 0) throw new XmlSyntaxError(`unterminated ${what}`, i);
    const body = xml.slice(i, at);
    i = at + end.length;
    return body;
  };

  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(decodeEntities(xml.slice(i)));
      break;
    }
    if (lt > i) text(decodeEntities(xml.slice(i, lt)));
    i = lt;
    if (xml.startsWith('<!--', i)) {
      i += 4;
      skipTo('-->', 'comment');
    } else if (xml.startsWith('<![CDATA[', i)) {
      i += 9;
      text(skipTo(']]>', 'CDATA section'));
    } else if (xml.startsWith('<?', i)) {
      i += 2;
      skipTo('?>', 'processing instruction');
    } else if (xml.startsWith('<!', i)) {
      // A DOCTYPE: skipped (no internal subsets with '>' inside — a camera description has none).
      i += 2;
      skipTo('>', 'declaration');
    } else if (xml.startsWith('</', i)) {
      i += 2;
      const name = skipTo('>', 'end tag').trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new XmlSyntaxError(`</${name}> does not close <${top?.name ?? '(nothing)'}>`, i);
    } else {
      i += 1;
      const tagStart = i;
      const m = /^[^\s/>]+/.exec(xml.slice(i, i + 256));
      const name = m?.[0] ?? '';
      if (!NAME.test(name)) throw new XmlSyntaxError(`bad element name "${name}"`, tagStart);
      i += name.length;
      const attrs = new Map<string, string>();
      for (;;) {
        while (i < xml.length && /\s/.test(xml[i] ?? '')) i++;
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        ATTR.lastIndex = i;
        const a = ATTR.exec(xml);
        if (!a || a[1] === undefined) throw new XmlSyntaxError(`bad attribute in <${name}>`, i);
        attrs.set(a[1], decodeEntities(a[2] ?? a[3] ?? ''));
        i = ATTR.lastIndex;
      }
      if (i >= xml.length) throw new XmlSyntaxError(`unterminated <${name}>`, tagStart);
      const selfClosing = xml.startsWith('/>', i);
      i += selfClosing ? 2 : 1;

      const parent = stack[stack.length - 1]?.scope;
      let scope = parent ?? new Map<string, string>();
      for (const [attr, value] of attrs) {
        if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) continue;
        if (scope === parent) scope = new Map(parent); // copy on first declaration only
        scope.set(attr === 'xmlns' ? '' : attr.slice(6), value);
      }
      const colon = name.indexOf(':');
      const prefix = colon < 0 ? '' : name.slice(0, colon);
      const element: XmlElement = {
        ns: scope.get(prefix) || null, // xmlns="" undeclares the default namespace
        local: colon < 0 ? name : name.slice(colon + 1),
        text: '',
        depth: stack.length,
      };
      if (stack.length === 0 && out.length > 0) throw new XmlSyntaxError('more than one root element', tagStart);
      out.push(element);
      if (!selfClosing) stack.push({ name, scope, element });
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${stack[stack.length - 1]?.name}> is never closed`, xml.length);
  if (out.length === 0) throw new XmlSyntaxError('no root element', 0);
  return out;
}
