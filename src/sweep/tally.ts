/**
 * A job's result: per replication, the monthly values of the sweep's KPIs (no events), as one
 * Float64 array [replication][kpi][month], sent as deflated little-endian bytes in base64 so that
 * it travels through Redis and sits in the out folder as a small JSON document.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export interface JobResult {
  readonly sweep: string;
  readonly job: number;
  readonly point: number;
  readonly firstReplication: number;
  readonly replications: number;
  readonly months: number;
  readonly kpis: readonly string[];
  /** Events simulated, per replication. */
  readonly events: readonly number[];
  /** values[(r * kpis + k) * months + m]. */
  readonly values: Float64Array;
}

export interface EncodedJobResult extends Omit<JobResult, 'values'> {
  readonly format: 'caseflow-sweep-job';
  readonly data: string;
}

export function encodeJobResult(r: JobResult): EncodedJobResult {
  const bytes = new Uint8Array(r.values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < r.values.length; i++) view.setFloat64(i * 8, r.values[i], true);
  const { values: _values, ...rest } = r;
  return { format: 'caseflow-sweep-job', ...rest, data: deflateRawSync(bytes).toString('base64') };
}

export function decodeJobResult(e: EncodedJobResult): JobResult {
  if (e?.format !== 'caseflow-sweep-job' || typeof e.data !== 'string') throw new Error('not a sweep job result');
  const bytes = inflateRawSync(Buffer.from(e.data, 'base64'));
  const n = e.replications * e.kpis.length * e.months;
  if (bytes.length !== n * 8) throw new Error(`job ${e.job}: ${bytes.length} bytes of values, expected ${n * 8}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = view.getFloat64(i * 8, true);
  const { format: _f, data: _d, ...rest } = e;
  return { ...rest, values };
}
