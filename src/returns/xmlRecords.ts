/**
 * Streaming XML reading for the returns: the file is read in chunks into a saxes parser, and only
 * the record being read (one child) is held as a small element tree, handed to a callback when
 * its end tag is read, then dropped. A malformed or truncated file is an `InputError` naming the
 * file, line and column.
 */
import { readSync, closeSync } from 'node:fs';
import { openInput } from '../node/atomicFile.ts';
import { SaxesParser } from 'saxes';
import { InputError } from '../errors.ts';
import { badByte, firstInvalidUtf8, lineOfOffset } from '../store/utf8.ts';

export interface XmlNode {
  readonly name: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  readonly children: XmlNode[];
  /** Text directly inside the element, trimmed. */
  text: string;
}

/** The trimmed text of the first child element named `name` ('' when absent). */
export function childText(node: XmlNode, name: string): string {
  for (const c of node.children) if (c.name === name) return c.text;
  return '';
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  for (const c of node.children) if (c.name === name) return c;
  return undefined;
}

export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

/** Whether any child element named `name` exists. */
export function has(node: XmlNode, name: string): boolean {
  return node.children.some((c) => c.name === name);
}

/** A compact one-line rendering of a record for reports (leaf elements as name=value). */
export function renderNode(node: XmlNode, limit = 400): string {
  const parts: string[] = [];
  const walk = (n: XmlNode): void => {
    if (n.children.length === 0) parts.push(`${n.name}=${n.text}`);
    else for (const c of n.children) walk(c);
  };
  walk(node);
  const s = parts.join(' ');
  return s.length > limit ? s.slice(0, limit - 1) + '…' : s;
}

export interface XmlReadOptions {
  /** Element names read as records (with their subtree), e.g. ['Header', 'Child']. */
  readonly records: readonly string[];
  /** Called with each record when its end tag is read. */
  readonly onRecord: (node: XmlNode, path: readonly string[]) => void;
  /** Called with the root element's name when it is read. */
  readonly onRoot?: (name: string, line: number) => void;
  /** Chunk size in bytes (default 64 KiB). */
  readonly chunkBytes?: number;
}

/** Reads `file` in chunks, calling `onRecord` for each record element. */
export function readXmlRecords(file: string, opts: XmlReadOptions): void {
  const parser = new SaxesParser({ position: true });
  const recordNames = new Set(opts.records);
  const path: string[] = [];
  const stack: XmlNode[] = [];
  let error: Error | undefined;
  let rootSeen = false;
  parser.on('error', (e) => {
    if (!error) error = e;
  });
  parser.on('opentag', (tag) => {
    const line = parser.line;
    if (!rootSeen) {
      rootSeen = true;
      opts.onRoot?.(tag.name, line);
    }
    if (stack.length > 0 || recordNames.has(tag.name)) {
      const node: XmlNode = { name: tag.name, line, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(node);
      stack.push(node);
    }
    path.push(tag.name);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack[stack.length - 1].text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length > 0) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    path.pop();
    if (stack.length > 0) {
      const node = stack.pop()!;
      node.text = node.text.trim();
      if (stack.length === 0) opts.onRecord(node, path);
    }
  });

  let fd: number;
  try {
    fd = openInput(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the XML file (${code === 'ENOENT' ? 'not found' : code ?? (err as Error).message})`);
  }
  const fail = (e: Error): InputError => {
    // saxes messages start with "file:line:column: "
    const msg = e.message.replace(/^(?:[^:]*:)?(\d+):(\d+):\s*/, 'line $1, column $2: ');
    return new InputError(`${file}: malformed XML: ${msg.replace(/\s+/g, ' ')}`);
  };
  try {
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 64 * 1024);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let text: string;
      try {
        text = decoder.decode(buf.subarray(0, n), { stream: true });
      } catch {
        const bad = Math.max(0, firstInvalidUtf8(buf, 0, n));
        throw new InputError(`${file}, line ${lineOfOffset(buf, bad, line)}: not valid UTF-8 (${badByte(buf, bad)}); save the file as UTF-8 (ids decoded any other way could collide)`);
      }
      for (let i = 0; i < n; i++) if (buf[i] === 10) line++;
      parser.write(text);
      if (error) throw fail(error);
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new InputError(`${file}, line ${line}: not valid UTF-8 at the end of the file (a character cut off)`);
    }
    parser.write(rest);
    parser.close();
    if (error) throw fail(error);
  } finally {
    closeSync(fd);
  }
  if (!rootSeen) throw new InputError(`${file}: not an XML document (no root element)`);
}
