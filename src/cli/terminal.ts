/** Terminal output: colour only on a TTY (and never with NO_COLOR), progress bars or plain lines. */
import { styleText } from 'node:util';
import cliProgress from 'cli-progress';

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const colourErr = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

type Style = Parameters<typeof styleText>[0];
export function paint(style: Style, text: string, stream: 'out' | 'err' = 'out'): string {
  return (stream === 'out' ? colour : colourErr) ? styleText(style, text) : text;
}

/** Writes a warning line on stderr (yellow on a terminal). */
export function warn(message: string): void {
  process.stderr.write(paint('yellow', `warning: ${message}`, 'err') + '\n');
}

export interface Progress {
  /** Moves the bar to `done` of the total. */
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise a plain line at every 10%, so logs
 * of CI runs stay readable. `quiet` silences both.
 */
export function progress(label: string, total: number, quiet = false): Progress {
  if (quiet || total <= 0) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (d) => bar.update(d), stop: () => bar.stop() };
  }
  let nextPct = 10;
  return {
    update(done) {
      const pct = Math.floor((done / total) * 100);
      if (pct >= nextPct) {
        process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
        nextPct = Math.floor(pct / 10) * 10 + 10;
      }
    },
    stop() {},
  };
}

/** A plain aligned text table (first column left-aligned, the rest right-aligned). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}
