/** The test PNG decoder against PNGs assembled by hand (every filter type, RGB and RGBA). */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { colourStats, decodePng } from './png-decode.js';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encode rows with the given filter per row (the encoder applies the filter exactly as the spec says). */
function encode(width: number, rows: number[][], channels: 3 | 4, filters: number[]): Buffer {
  const stride = width * channels;
  const raw: number[] = [];
  rows.forEach((row, y) => {
    const f = filters[y]!;
    raw.push(f);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels]! : 0;
      const b = y > 0 ? rows[y - 1]![x]! : 0;
      const c = x >= channels && y > 0 ? rows[y - 1]![x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f]!;
      raw.push((row[x]! - pred + 256) & 255);
    }
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(raw))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePng', () => {
  it.each([3, 4] as const)('round-trips every filter type with %i channels', (channels) => {
    const width = 4;
    const rows = Array.from({ length: 5 }, (_, y) => Array.from({ length: width * channels }, (_, x) => (x * 37 + y * 91 + ((x * y) % 7) * 13) & 255));
    const png = decodePng(encode(width, rows, channels, [0, 1, 2, 3, 4]));
    expect(png).toMatchObject({ width, height: 5, channels });
    expect([...png.pixels]).toEqual(rows.flat());
  });

  it('counts colours', () => {
    const rows = [[255, 255, 255, 255, 255, 255, 0, 0, 0]];
    const stats = colourStats(decodePng(encode(3, rows, 3, [0])));
    expect(stats.distinct).toBe(2);
    expect(stats.dominantShare).toBeCloseTo(2 / 3, 12);
  });
});
