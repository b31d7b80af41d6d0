import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySigner, signCades } from '../src/index.js';
import { TrustStore, validateCades } from '../src/index.js';
import { readTlv } from '../src/der/reader.js';
import { startLivePki, type LivePki } from './validate-support.js';

const CONTENT = new TextEncoder().encode('fuzz: İmzalanacak Metin 1, 311827272188648');
const ROUNDS = 10_500;
/** Generous for a loaded CI machine; a typical input takes well under a millisecond. */
const MAX_MS_PER_INPUT = 1_000;

let live: LivePki;
let trust: TrustStore;
const seeds: Uint8Array[] = [];

/** Deterministic PRNG (mulberry32) so that a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of every length byte in a DER tree (the byte right after each tag). */
function lengthOffsets(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (buf: Uint8Array, base: number): void => {
    for (let p = 0; p < buf.length;) {
      const t = readTlv(buf, p);
      out.push(base + p + 1);
      if (t.tag & 0x20) walk(t.value, base + p + (t.der.length - t.value.length));
      p += t.der.length;
    }
  };
  walk(der, 0);
  return out;
}

type Mutator = (s: Uint8Array, r: () => number) => Uint8Array;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

const MUTATORS: Record<string, Mutator> = {
  bitFlips: (s, r) => {
    const m = new Uint8Array(s);
    const flips = 1 + int(r, 3);
    for (let i = 0; i < flips; i++) {
      const p = int(r, m.length);
      m[p] = m[p]! ^ (1 << int(r, 8));
    }
    return m;
  },
  truncate: (s, r) => s.slice(0, int(r, s.length)),
  lengthEdit: (s, r) => {
    const offs = lengthOffsets(s);
    const m = new Uint8Array(s);
    const p = offs[int(r, offs.length)]!;
    const choices = [0x80, 0x81, 0x84, 0xff, 0x00, m[p]! + 1, m[p]! - 1, int(r, 256)];
    m[p] = choices[int(r, choices.length)]! & 0xff;
    return m;
  },
  splice: (s, r) => {
    const other = seeds[int(r, seeds.length)]!;
    const from = int(r, other.length);
    const len = 1 + int(r, 200);
    const at = int(r, s.length);
    const piece = other.subarray(from, from + len);
    const out = new Uint8Array(s.length - Math.min(piece.length, s.length - at) + piece.length);
    out.set(s.subarray(0, at), 0);
    out.set(piece, at);
    out.set(s.subarray(at + piece.length), at + piece.length);
    return out.subarray(0, Math.max(out.length, 0));
  },
  insertDelete: (s, r) => {
    const at = int(r, s.length);
    if (r() < 0.5) return new Uint8Array([...s.subarray(0, at), int(r, 256), ...s.subarray(at)]);
    return new Uint8Array([...s.subarray(0, at), ...s.subarray(at + 1 + int(r, 4))]);
  },
  random: (_s, r) => {
    const out = new Uint8Array(int(r, 3000));
    for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
    if (r() < 0.5 && out.length > 4) {
      out[0] = 0x30;
      out[1] = 0x82;
      out[2] = (out.length - 4) >> 8;
      out[3] = (out.length - 4) & 0xff;
    }
    return out;
  },
};

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(b);
}

beforeAll(async () => {
  live = await startLivePki();
  trust = TrustStore.fromPem(live.pki.anchors().map((a) => a.pem));
  for (const keyAlgorithm of ['rsa2048', 'ec-p256'] as const) {
    const s = await live.pki.issueSignerWithKey({
      ca: keyAlgorithm === 'rsa2048' ? 'rsa' : 'ec',
      keyAlgorithm,
      tckn: '10000000146',
      name: 'FUZZ TEST',
    });
    for (const detached of [true, false]) {
      seeds.push(
        await signCades({
          content: CONTENT,
          certificate: s.certificate.der,
          chain: [s.certificate.chain[0]!.der],
          sign: keySigner(s.privateKey),
          detached,
        }),
      );
    }
  }
});

afterAll(async () => {
  await live?.close();
});

const run = (cms: Uint8Array) =>
  validateCades({ cms, content: CONTENT, trust, revocation: { mode: 'off' } });

describe('validateCades fuzzing', () => {
  it('passes every unmutated seed (so the fuzz assertions can fail)', async () => {
    for (const s of seeds) expect((await run(s)).indication).toBe('TOTAL_PASSED');
  });

  it(`never throws and never passes on ${ROUNDS} mutated and random inputs, each in bounded time`, async () => {
    const r = prng(0x5eed);
    const names = Object.keys(MUTATORS);
    const bySub = new Map<string, number>();
    let slowest: { ms: number; mutator: string; size: number; input: Uint8Array } = {
      ms: 0,
      mutator: '',
      size: 0,
      input: new Uint8Array(0),
    };
    let tested = 0;
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const seed = seeds[i % seeds.length]!;
      const name = names[i % names.length]!;
      const input = MUTATORS[name]!(seed, r);
      if (seeds.some((s) => equal(s, input))) continue;
      const t0 = performance.now();
      const report = await run(input);
      const ms = performance.now() - t0;
      tested++;
      times.push(ms);
      if (ms > slowest.ms) slowest = { ms, mutator: name, size: input.length, input };
      expect(
        report.indication,
        `${name} #${i} passed: ${Buffer.from(input).toString('base64')}`,
      ).not.toBe('TOTAL_PASSED');
      expect(report.subIndication).toBeTypeOf('string');
      expect(report.checks.some((c) => !c.passed)).toBe(true);
      bySub.set(report.subIndication!, (bySub.get(report.subIndication!) ?? 0) + 1);
    }
    // Timing the slowest input again tells a costly input from a pause (GC, other jobs).
    const again = performance.now();
    await run(slowest.input);
    const againMs = performance.now() - again;
    const sorted = times.sort((a, b) => a - b);
    console.log(
      `fuzz: ${tested} inputs`,
      Object.fromEntries(bySub),
      `median ${sorted[sorted.length >> 1]!.toFixed(3)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(3)} ms,`,
      `slowest ${slowest.ms.toFixed(2)} ms (${slowest.mutator}, ${slowest.size} bytes; ${againMs.toFixed(2)} ms when run again)`,
    );
    expect(tested).toBeGreaterThanOrEqual(10_000);
    expect(slowest.ms).toBeLessThan(MAX_MS_PER_INPUT);
  });

  it('refuses inputs above the size limit without parsing them', async () => {
    const huge = new Uint8Array(64 * 1024 * 1024);
    huge[0] = 0x30;
    const t0 = performance.now();
    const report = await validateCades({ cms: huge, trust, maxSize: 1024 * 1024 });
    expect(report.subIndication).toBe('FORMAT_FAILURE');
    expect(performance.now() - t0).toBeLessThan(100);
  });
});
