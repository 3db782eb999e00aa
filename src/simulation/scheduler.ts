/**
 * The discrete-event scheduler: a binary min-heap over typed arrays. Each entry is a day, an
 * integer payload (a child slot) and a small kind code. Entries on the same day come out in the
 * order they were pushed (a sequence number breaks ties), so a run is deterministic.
 */

/** 2^34: the sequence number lives below this, the day above it (exact in a double up to year ~2500). */
const SEQ_SPAN = 17179869184;

export class EventQueue {
  private keys: Float64Array;
  private payloads: Int32Array;
  private kinds: Uint8Array;
  private n = 0;
  private seq = 0;

  /** Filled by `pop()`. */
  day = 0;
  payload = 0;
  kind = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
    this.kinds = new Uint8Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Day of the earliest entry (Infinity when empty). */
  peekDay(): number {
    return this.n === 0 ? Infinity : Math.floor(this.keys[0] / SEQ_SPAN);
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    const k = new Float64Array(cap);
    k.set(this.keys);
    const p = new Int32Array(cap);
    p.set(this.payloads);
    const t = new Uint8Array(cap);
    t.set(this.kinds);
    this.keys = k;
    this.payloads = p;
    this.kinds = t;
  }

  push(day: number, payload: number, kind: number): void {
    if (this.n === this.keys.length) this.grow();
    if (this.seq >= SEQ_SPAN) throw new RangeError('scheduler sequence exhausted');
    const key = day * SEQ_SPAN + this.seq++;
    const keys = this.keys;
    const payloads = this.payloads;
    const kinds = this.kinds;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk <= key) break;
      keys[i] = pk;
      payloads[i] = payloads[parent];
      kinds[i] = kinds[parent];
      i = parent;
    }
    keys[i] = key;
    payloads[i] = payload;
    kinds[i] = kind;
  }

  /** Removes the earliest entry into `day`, `payload`, `kind`; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const keys = this.keys;
    const payloads = this.payloads;
    const kinds = this.kinds;
    this.day = Math.floor(keys[0] / SEQ_SPAN);
    this.payload = payloads[0];
    this.kind = kinds[0];
    const last = --this.n;
    if (last > 0) {
      const key = keys[last];
      const payload = payloads[last];
      const kind = kinds[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        const right = child + 1;
        if (right < last && keys[right] < keys[child]) child = right;
        if (keys[child] >= key) break;
        keys[i] = keys[child];
        payloads[i] = payloads[child];
        kinds[i] = kinds[child];
        i = child;
      }
      keys[i] = key;
      payloads[i] = payload;
      kinds[i] = kind;
    }
    return true;
  }
}

/**
 * A bucket queue over the days `firstDay`…`lastDay`: one first-in-first-out list per day, so
 * entries come out in the same order as from `EventQueue` (by day, then in push order) at O(1) a
 * push or pop, whatever the number of entries. Entries dated after `lastDay` are dropped (the
 * caller stops there; `dropped` counts them). Entries dated before the day last popped (or before
 * `firstDay`) go to a small `EventQueue` that is served first, as they would be by one heap.
 */
export class DayQueue {
  private readonly first: number;
  private readonly last: number;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private next = new Int32Array(0);
  private payloads = new Int32Array(0);
  private kinds = new Uint8Array(0);
  private free = -1;
  private used = 0;
  private n = 0;
  /** Day of the bucket being served (the day last popped from the buckets). */
  private cur: number;
  private readonly early = new EventQueue(16);
  /** Entries dated after `lastDay` (not kept). */
  dropped = 0;

  /** Filled by `pop()`. */
  day = 0;
  payload = 0;
  kind = 0;

  constructor(firstDay: number, lastDay: number, capacity = 1024) {
    if (!(lastDay >= firstDay)) throw new RangeError(`DayQueue: lastDay ${lastDay} is before firstDay ${firstDay}`);
    this.first = firstDay;
    this.last = lastDay;
    this.cur = firstDay;
    const days = lastDay - firstDay + 1;
    this.head = new Int32Array(days).fill(-1);
    this.tail = new Int32Array(days).fill(-1);
    this.grow(Math.max(16, capacity));
  }

  /** Entries held (dropped ones not counted). */
  get size(): number {
    return this.n + this.early.size;
  }

  private grow(cap: number): void {
    const next = new Int32Array(cap);
    next.set(this.next);
    const payloads = new Int32Array(cap);
    payloads.set(this.payloads);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.next = next;
    this.payloads = payloads;
    this.kinds = kinds;
  }

  push(day: number, payload: number, kind: number): void {
    if (day > this.last) {
      this.dropped++;
      return;
    }
    if (day < this.cur) {
      this.early.push(day, payload, kind);
      return;
    }
    let node = this.free;
    if (node >= 0) this.free = this.next[node];
    else {
      if (this.used === this.next.length) this.grow(this.next.length * 2);
      node = this.used++;
    }
    this.payloads[node] = payload;
    this.kinds[node] = kind;
    this.next[node] = -1;
    const b = day - this.first;
    const t = this.tail[b];
    if (t < 0) this.head[b] = node;
    else this.next[t] = node;
    this.tail[b] = node;
    this.n++;
  }

  /** Removes the earliest entry into `day`, `payload`, `kind`; false when empty. */
  pop(): boolean {
    if (this.early.size > 0) {
      this.early.pop();
      this.day = this.early.day;
      this.payload = this.early.payload;
      this.kind = this.early.kind;
      return true;
    }
    if (this.n === 0) return false;
    const head = this.head;
    let b = this.cur - this.first;
    while (head[b] < 0) b++;
    this.cur = this.first + b;
    const node = head[b];
    const nx = this.next[node];
    head[b] = nx;
    if (nx < 0) this.tail[b] = -1;
    this.day = this.cur;
    this.payload = this.payloads[node];
    this.kind = this.kinds[node];
    this.next[node] = this.free;
    this.free = node;
    this.n--;
    return true;
  }
}
