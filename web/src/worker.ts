/** Web Worker entry: the engine, bundled from the command line's sources, answering the page. */
import { WorkerSide } from './workerSide.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const side = new WorkerSide();
const scope = self as unknown as {
  onmessage: ((ev: { data: ToWorker }) => void) | null;
  postMessage(msg: FromWorker, transfer: ArrayBuffer[]): void;
};
scope.onmessage = (ev) => {
  const out = side.handle(ev.data);
  if (out) scope.postMessage(out.reply, out.transfer);
};
