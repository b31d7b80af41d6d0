import { Cursor, Tag, bytesKey, children, decodeOid, readSingle, type Tlv } from '../der/reader.js';
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

export function decodeString(t: Tlv): string {
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

function escape(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1');
}

const formatted = new Map<string, string>();

/** RFC 4514 string: most specific attribute first. Issuer names repeat, so they are kept. */
export function formatName(nameDer: Uint8Array): string {
  const key = bytesKey(nameDer);
  const hit = formatted.get(key);
  if (hit !== undefined) return hit;
  const s = nameAttributes(nameDer)
    .reverse()
    .map((a) => `${SHORT[a.oid] ?? a.oid}=${escape(a.value)}`)
    .join(', ');
  if (formatted.size >= 10_000) formatted.clear();
  formatted.set(key, s);
  return s;
}
