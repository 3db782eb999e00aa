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
