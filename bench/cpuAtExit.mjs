// Loaded with `node --import` by bench/processes.ts: writes the process's CPU seconds (user +
// system, every thread) to the file named by BENCH_CPU_FILE when the process exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const u = process.cpuUsage();
  if (process.env.BENCH_CPU_FILE) writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1e6));
});
