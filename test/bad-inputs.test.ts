/**
 * The bad-input corpus (test/corpus/bad-inputs.tsv): every case runs through the CLI's main() in
 * this process and must end with its exit code and message, one line on stderr for bad input,
 * never an internal error or a stack trace, and never another file's contents. A new case is one
 * line of the TSV.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildProgram, main } from '../src/cli/main.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const corpus = join(root, 'test/corpus');

interface Case {
  line: number;
  command: string;
  args: string;
  exit: number;
  fragment: string;
  never?: string;
}

function readCorpus(): Case[] {
  const out: Case[] = [];
  readFileSync(join(corpus, 'bad-inputs.tsv'), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (text.trim() === '' || text.startsWith('#')) return;
      const [command, args, exit, fragment = '', never] = text.split('\t');
      out.push({ line: i + 1, command, args, exit: Number(exit), fragment, never: never || undefined });
    });
  return out;
}


/**
 * Hostile inputs shared by the cases, made once: a FIFO (a reader that opened it would wait for a
 * writer for ever), 600 MB of zeros (a sparse file), a symbolic-link loop, a 2 MB line without a line break, JSON nested 100,000
 * deep (a scenario object and a sweep spec), and an empty file.
 */
function hostileInputs(): Record<string, string> {
  const dir = tempDir('caseflow-hostile-');
  const p = (name: string): string => join(dir, name);
  execFileSync('mkfifo', [p('fifo')]);
  symlinkSync(p('loop-b'), p('loop'));
  symlinkSync(p('loop'), p('loop-b'));
  writeFileSync(p('huge-line'), 'a'.repeat(2 * 1024 * 1024));
  writeFileSync(p('empty'), '');
  // 600 MB of zeros that take no disk space: no line break, no end a reader could wait for in memory
  writeFileSync(p('sparse.csv'), '');
  truncateSync(p('sparse.csv'), 600 * 1024 * 1024);
  const deep = 100_000;
  writeFileSync(p('deep.json'), `{"name":"deep","parameters":${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}}`);
  writeFileSync(p('deep-spec.json'), `{"baseline":"x.json","factors":${'['.repeat(deep)}${']'.repeat(deep)}}`);
  return { dir, sparse: p('sparse.csv'), fifo: p('fifo'), loop: p('loop'), hugeline: p('huge-line'), empty: p('empty'), deep: p('deep.json'), deepspec: p('deep-spec.json') };
}

const hostile = hostileInputs();
/**
 * A writer that keeps answering the FIFO ("x", then end of file), so that a reader which opened it
 * after all (a regression of the guard) fails its case instead of blocking this thread for ever.
 */
const fifoWriter = spawn('sh', ['-c', 'while :; do printf x > "$0" 2>/dev/null; sleep 0.05; done', hostile.fifo], { stdio: 'ignore' });
afterAll(() => {
  fifoWriter.kill('SIGKILL');
  rmSync(hostile.dir, { recursive: true, force: true });
});

function expand(c: Case): string[] {
  const tmp = tempDir('caseflow-corpus-');
  writeFileSync(join(tmp, 'file'), 'a file where a folder is expected\n');
  const vars: Record<string, string> = {
    in: join(corpus, 'inputs'),
    tmp,
    file: join(tmp, 'file'),
    root,
    baseline: join(root, 'scenarios/southampton-baseline.json'),
    fs: join(root, 'scenarios/family-safeguarding.json'),
    ...hostile,
  };
  return c.args.split(' ').map((a) => a.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`));
}

const cases = readCorpus();

describe('bad-input corpus', () => {
  it('covers every command', async () => {
    const commands = (await buildProgram()).commands.map((c) => c.name());
    const covered = new Set(cases.map((c) => c.command));
    expect(commands.filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const c of cases) {
    it(`line ${c.line}: caseflow ${c.args} → ${c.exit}`, async () => {
      const r = await runCli(expand(c));
      const all = r.stdout + r.stderr;
      expect(all).not.toMatch(/internal error/);
      expect(all).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      if (c.never) expect(all).not.toContain(c.never);
      expect(all).toContain(c.fragment);
      expect(r.code, all).toBe(c.exit);
      if (c.exit === 2) {
        const lines = r.stderr.split('\n').filter((l) => l !== '' && !/^(warning|note):/.test(l));
        expect(lines.at(-1)).toMatch(/^caseflow: /);
        expect(lines.filter((l) => /^caseflow: /.test(l))).toHaveLength(1);
      }
    });
  }
});
