import {
  Cursor,
  Tag,
  bytesEqual,
  bytesHash,
  children,
  decodeOid,
  readSingle,
  type Tlv,
} from '../der/reader.js';
import { OID } from './oids.js';

const SHORT: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.title]: 'T',
  [OID.givenName]: 'G',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.emailAddress]: 'E',
};

/** Short ASCII values (most name attributes) as a string, without a Buffer; else undefined. */
function shortAscii(t: Tlv): string | undefined {
  if (t.end - t.valueStart > 64) return undefined;
  const buf = t.buf;
  let s = '';
  for (let i = t.valueStart; i < t.end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

export function decodeString(t: Tlv): string {
  // ASCII reads the same in UTF-8, Latin-1 and IA5; BMP and Universal strings are wider.
  if (t.tag !== Tag.BMP_STRING && t.tag !== Tag.UNIVERSAL_STRING) {
    const ascii = shortAscii(t);
    if (ascii !== undefined) return ascii;
  }
  const v = Buffer.from(t.value.buffer, t.value.byteOffset, t.value.byteLength);
  switch (t.tag) {
    case Tag.UTF8_STRING:
      return v.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.TELETEX_STRING:
      return v.toString('latin1');
    case Tag.BMP_STRING: {
      const swapped = Buffer.from(v);
      if (swapped.length % 2 === 0) swapped.swap16();
      return swapped.toString('utf16le');
    }
    default:
      return v.toString('latin1');
  }
}

export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** Name (RDNSequence) attributes in encoding order. */
export function nameAttributes(nameDer: Uint8Array): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(readSingle(nameDer, Tag.SEQUENCE))) {
    for (const atv of children(rdn)) {
      const c = new Cursor(atv, Tag.SEQUENCE);
      const oid = decodeOid(c.next(Tag.OID));
      out.push({ oid, value: decodeString(c.next()) });
    }
  }
  return out;
}

const NEEDS_ESCAPE = /[,+"\\<>;=]|^[ #]/;

function escape(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1');
}

/** RFC 4514 string of decoded attributes: most specific attribute first. */
export function formatAttributes(attrs: readonly NameAttribute[]): string {
  let s = '';
  for (let i = attrs.length - 1; i >= 0; i--) {
    const a = attrs[i]!;
    s += `${i === attrs.length - 1 ? '' : ', '}${SHORT[a.oid] ?? a.oid}=${escape(a.value)}`;
  }
  return s;
}

/** Formatted names by the hash of their DER; a hit must match every byte. */
const formatted = new Map<number, { readonly der: Uint8Array; readonly text: string }>();

/** RFC 4514 string: most specific attribute first. Issuer names repeat, so they are kept. */
export function formatName(nameDer: Uint8Array): string {
  const key = bytesHash(nameDer);
  const hit = formatted.get(key);
  if (hit !== undefined && bytesEqual(hit.der, nameDer)) return hit.text;
  const text = formatAttributes(nameAttributes(nameDer));
  if (formatted.size >= 10_000) formatted.clear();
  // A copy: the name is a view into the whole input, which the cache must not keep alive.
  formatted.set(key, { der: nameDer.slice(), text });
  return text;
}
