/**
 * UTF-8 checks for inputs: caseflow refuses bytes that are not UTF-8 (a Latin-1 "é" in a child
 * id) with the line they are on, instead of decoding them to U+FFFD, which would make distinct
 * ids equal.
 */

/** Offset of the first byte in `buf[start, end)` that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(buf: Uint8Array, start = 0, end = buf.length): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (n = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (n = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    if (i + n >= end) return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || i + k >= end || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** 1-based line of byte `offset` in `buf` (counting line feeds before it), plus `firstLine - 1`. */
export function lineOfOffset(buf: Uint8Array, offset: number, firstLine = 1, from = 0): number {
  let line = firstLine;
  for (let i = from; i < offset; i++) if (buf[i] === 10) line++;
  return line;
}

/** Describes the bad byte at `offset` for a message: `byte 0xE9`. */
export function badByte(buf: Uint8Array, offset: number): string {
  return `byte 0x${buf[offset].toString(16).toUpperCase().padStart(2, '0')}`;
}
