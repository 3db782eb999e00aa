/**
 * Dense numbering of child ids for hot loops: each distinct id gets a number 1, 2, 3 … in order
 * of first sight, so per-child state can live in typed arrays instead of a Map of objects.
 *
 * Ids of the form `<prefix><decimal number>` with a short prefix (the engine's `N123`, `O45`)
 * are looked up in a flat table per prefix indexed by the number, without hashing the string
 * or keeping it alive. Any other id (and numbers too sparse for a flat table) goes to a Map.
 * Both paths give the same answer for the same id, whichever sees it first.
 */

/** Prefixes longer than this, or more distinct prefixes than `MAX_PREFIXES`, use the Map. */
const MAX_PREFIX_LENGTH = 8;
const MAX_PREFIXES = 16;
/**
 * Numbers below this always get a flat table (at most 16 MB a prefix); beyond it only while the
 * table stays dense (no larger than 8 entries per id seen).
 */
const DENSE_FLOOR = 1 << 22;

export class ChildIndex {
  /** Number of distinct ids seen. */
  count = 0;
  private lastId: string | undefined = undefined;
  private lastNo = 0;
  private readonly prefixes: string[] = [];
  private readonly tables: Int32Array[] = [];
  private readonly other = new Map<string, number>();

  /** The number of `id` (1-based), allocating the next one for a new id. */
  get(id: string): number {
    if (id === this.lastId) return this.lastNo;
    const n = this.find(id);
    this.lastId = id;
    this.lastNo = n;
    return n;
  }

  /** A new number for a child known by something other than an id. */
  fresh(): number {
    return ++this.count;
  }

  private find(id: string): number {
    const len = id.length;
    let i = len;
    while (i > 0) {
      const ch = id.charCodeAt(i - 1);
      if (ch < 48 || ch > 57) break;
      i--;
    }
    const digits = len - i;
    // no number, a leading zero (N01 is not N1) or too many digits: hash the id
    if (digits === 0 || digits > 9 || (digits > 1 && id.charCodeAt(i) === 48) || i > MAX_PREFIX_LENGTH) return this.hashed(id);
    let num = 0;
    for (let j = i; j < len; j++) num = num * 10 + (id.charCodeAt(j) - 48);
    const p = this.prefixOf(id, i);
    if (p < 0 || !this.tableHolds(p, num)) return this.hashed(id);
    const k = this.tables[p][num];
    if (k !== 0) return k;
    return (this.tables[p][num] = this.other.size > 0 ? this.settle(id) : ++this.count);
  }

  /** Whether prefix `p`'s table has (or has been grown to have) a slot for `num`; false when it would be too sparse. */
  private tableHolds(p: number, num: number): boolean {
    const table = this.tables[p];
    if (num < table.length) return true;
    if (num >= DENSE_FLOOR && num > 8 * (this.count + 1)) return false;
    const bigger = new Int32Array(Math.max(num + 1, table.length * 2));
    bigger.set(table);
    this.tables[p] = bigger;
    return true;
  }

  /** The number of an id with no table slot yet: the one it was given while beyond the table, or a new one. */
  private settle(id: string): number {
    return this.other.get(id) ?? ++this.count;
  }

  private prefixOf(id: string, n: number): number {
    const prefixes = this.prefixes;
    for (let p = 0; p < prefixes.length; p++) {
      const s = prefixes[p];
      if (s.length !== n) continue;
      let same = true;
      for (let j = 0; j < n; j++) {
        if (s.charCodeAt(j) !== id.charCodeAt(j)) {
          same = false;
          break;
        }
      }
      if (same) return p;
    }
    return this.addPrefix(id.slice(0, n));
  }

  private addPrefix(prefix: string): number {
    if (this.prefixes.length >= MAX_PREFIXES) return -1;
    this.prefixes.push(prefix);
    this.tables.push(new Int32Array(1024));
    return this.prefixes.length - 1;
  }

  private hashed(id: string): number {
    let k = this.other.get(id);
    if (k === undefined) {
      k = ++this.count;
      this.other.set(id, k);
    }
    return k;
  }
}
