// A strict, zero-copy DER reader: every node is a pair of subarray views into the input.
// Strictness is deliberate (indefinite lengths, non-minimal lengths, trailing bytes and
// high tag numbers are refused) because signed structures must have exactly one encoding.

export class DerError extends Error {
  override readonly name = 'DerError';
}

/**
 * One DER node: offsets into a shared buffer. The `der` and `value` views are made only when
 * asked for, because most nodes of a walk are skipped over (measured: eager views were the
 * largest cost of parsing).
 */
export class Tlv {
  constructor(
    readonly buf: Uint8Array,
    readonly tag: number,
    readonly start: number,
    readonly valueStart: number,
    readonly end: number,
  ) {}

  /** The whole encoding: tag, length and value. */
  get der(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  get value(): Uint8Array {
    return this.buf.subarray(this.valueStart, this.end);
  }

  get length(): number {
    return this.end - this.valueStart;
  }

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }
}

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag number n, constructed (EXPLICIT or constructed IMPLICIT). */
export const ctx = (n: number): number => 0xa0 | n;
/** Context-specific tag number n, primitive (IMPLICIT over a primitive type). */
export const ctxPrim = (n: number): number => 0x80 | n;

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated header');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number form');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const k = len & 0x7f;
    if (k === 0) throw new DerError('indefinite length');
    if (k > 4) throw new DerError('length too large');
    if (p + k > limit) throw new DerError('truncated length');
    if (buf[p] === 0) throw new DerError('non-minimal length');
    len = 0;
    for (let i = 0; i < k; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) throw new DerError('non-minimal length');
    p += k;
  }
  const end = p + len;
  if (end > limit) throw new DerError('truncated value');
  return new Tlv(buf, tag, offset, p, end);
}

/** Reads exactly one TLV that spans the whole buffer. */
export function readSingle(buf: Uint8Array, tag?: number): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError('trailing bytes');
  if (tag !== undefined) expectTag(t, tag);
  return t;
}

export function expectTag(t: Tlv, tag: number): Tlv {
  if (t.tag !== tag) {
    throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  }
  return t;
}

export function children(t: Tlv): Tlv[] {
  if (!t.constructed) throw new DerError('not a constructed value');
  const out: Tlv[] = [];
  for (let p = t.valueStart; p < t.end;) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Sequential reader over the children of a constructed value. */
export class Cursor {
  private pos: number;
  private readonly buf: Uint8Array;
  private readonly limit: number;

  constructor(parent: Tlv, tag?: number) {
    if (tag !== undefined) expectTag(parent, tag);
    if (!parent.constructed) throw new DerError('not a constructed value');
    this.buf = parent.buf;
    this.pos = parent.valueStart;
    this.limit = parent.end;
  }

  get done(): boolean {
    return this.pos >= this.limit;
  }

  peekTag(): number | undefined {
    return this.pos < this.limit ? this.buf[this.pos] : undefined;
  }

  next(tag?: number): Tlv {
    if (this.pos >= this.limit) throw new DerError('missing element');
    const t = readTlv(this.buf, this.pos, this.limit);
    if (tag !== undefined) expectTag(t, tag);
    this.pos = t.end;
    return t;
  }

  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.next() : undefined;
  }

  end(): void {
    if (this.pos !== this.limit) throw new DerError('unexpected trailing element');
  }
}

/** The single element inside an EXPLICIT tag. */
export function explicitInner(t: Tlv, tag?: number): Tlv {
  const inner = readTlv(t.buf, t.valueStart, t.end);
  if (inner.end !== t.end) throw new DerError('trailing bytes');
  if (tag !== undefined) expectTag(inner, tag);
  return inner;
}

/** A 32-bit FNV-1a hash of `buf[start, end)`: a Map key that costs no string. */
export function bytesHash(buf: Uint8Array, start = 0, end = buf.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function rangeEquals(a: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/** Decoded OIDs by the hash of their content octets; a hit must match every octet. */
const oidCache = new Map<number, { readonly bytes: Uint8Array; readonly oid: string }>();

export function decodeOid(t: Tlv): string {
  expectTag(t, Tag.OID);
  const n = t.length;
  if (n === 0 || n > 64) throw new DerError('bad OID length');
  const buf = t.buf;
  const key = bytesHash(buf, t.valueStart, t.end);
  const hit = oidCache.get(key);
  if (hit !== undefined && rangeEquals(hit.bytes, buf, t.valueStart, t.end)) return hit.oid;
  const arcs: number[] = [];
  let acc = 0;
  for (let i = t.valueStart; i < t.end; i++) {
    const b = buf[i]!;
    if (acc === 0 && b === 0x80) throw new DerError('non-minimal OID arc');
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0;
    } else if (i === t.end - 1) throw new DerError('truncated OID');
  }
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  const s = [...head, ...arcs.slice(1)].join('.');
  if (oidCache.size < 4096) oidCache.set(key, { bytes: t.value.slice(), oid: s });
  return s;
}

export function decodeInteger(t: Tlv): Uint8Array {
  expectTag(t, Tag.INTEGER);
  if (t.end === t.valueStart) throw new DerError('empty INTEGER');
  return t.value;
}

export function decodeSmallInt(t: Tlv): number {
  expectTag(t, Tag.INTEGER);
  const len = t.end - t.valueStart;
  if (len === 0) throw new DerError('empty INTEGER');
  const buf = t.buf;
  if (len > 4 || buf[t.valueStart]! & 0x80) throw new DerError('INTEGER out of range');
  let n = 0;
  for (let i = t.valueStart; i < t.end; i++) n = n * 256 + buf[i]!;
  return n;
}

export function toHex(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}

/** Serial numbers as unsigned hex without the sign-padding zero byte. */
export function serialHex(v: Uint8Array): string {
  const start = v.length > 1 && v[0] === 0 ? 1 : 0;
  return toHex(v.subarray(start));
}

export function decodeBitString(t: Tlv): { unused: number; bytes: Uint8Array } {
  expectTag(t, Tag.BIT_STRING);
  const len = t.end - t.valueStart;
  if (len === 0) throw new DerError('empty BIT STRING');
  const unused = t.buf[t.valueStart]!;
  if (unused > 7 || (unused > 0 && len === 1)) throw new DerError('bad BIT STRING');
  return { unused, bytes: t.buf.subarray(t.valueStart + 1, t.end) };
}

export function decodeBoolean(t: Tlv): boolean {
  expectTag(t, Tag.BOOLEAN);
  if (t.end - t.valueStart !== 1) throw new DerError('bad BOOLEAN');
  return t.buf[t.valueStart] !== 0;
}

function digits(buf: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) throw new DerError('bad time digit');
    n = n * 10 + d;
  }
  return n;
}

/** UTCTime or GeneralizedTime in their DER forms (Z suffix, seconds present). */
export function decodeTime(t: Tlv): Date {
  const v = t.buf;
  const last = t.end - 1;
  const len = t.end - t.valueStart;
  let year: number;
  let p = t.valueStart;
  if (t.tag === Tag.UTC_TIME) {
    if (len !== 13) throw new DerError('bad UTCTime');
    const yy = digits(v, p, 2);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    p += 2;
  } else if (t.tag === Tag.GENERALIZED_TIME) {
    if (len < 15) throw new DerError('bad GeneralizedTime');
    year = digits(v, p, 4);
    p += 4;
  } else throw new DerError('expected a time');
  const month = digits(v, p, 2);
  const day = digits(v, p + 2, 2);
  const hour = digits(v, p + 4, 2);
  const minute = digits(v, p + 6, 2);
  const second = digits(v, p + 8, 2);
  p += 10;
  let ms = 0;
  if (t.tag === Tag.GENERALIZED_TIME && p < t.end && v[p] === 0x2e) {
    const fracStart = p + 1;
    p = fracStart;
    while (p < t.end && v[p] !== 0x5a) p++;
    const fracLen = p - fracStart;
    if (fracLen === 0) throw new DerError('bad fraction');
    ms = Math.floor(digits(v, fracStart, Math.min(fracLen, 3)) * 10 ** (3 - Math.min(fracLen, 3)));
  }
  if (p !== last || v[p] !== 0x5a) throw new DerError('time not in UTC');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new DerError('time out of range');
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // Names, serials, hashes and keys are short: a loop beats making a Buffer view to call memcmp.
  if (a.length <= 512) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
