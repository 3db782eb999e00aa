/**
 * The workbench's local server (node:http, localhost only): serves the page bundled from the
 * engine's sources, the shipped scenarios (resolved, with their comparators), resolves scenario
 * files opened in the page, and imports statutory returns and calibrates from them by running
 * the command line's own `import` and `calibrate` in child processes. Nothing is fetched from or
 * sent to any other host.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadComparators } from '../node/comparators.ts';
import type { Comparator } from '../projections/types.ts';
import { mergeExtended, validateScenario, ScenarioError } from '../scenarios/index.ts';
import { resolveScenarioFile } from '../node/scenarioLoader.ts';
import { VERSION } from '../version.ts';
import { InputError } from '../errors.ts';
import { buildWorkbench, type BuiltFile } from './build.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/caseflow.js', import.meta.url));

/** The comparison the first view runs (the one `npm start` runs). */
export const DEFAULT_COMPARISON = { baseline: 'southampton-baseline.json', scenario: 'family-safeguarding.json', months: 60, runs: 20 } as const;

/** A scenario as the page receives it: the file's own JSON, the resolved (unvalidated) JSON and its comparators. */
export interface LibraryEntry {
  readonly file: string;
  readonly own: Record<string, unknown>;
  readonly resolved: Record<string, unknown>;
  readonly comparators: readonly Comparator[];
}

export interface Library {
  readonly version: string;
  readonly defaults: typeof DEFAULT_COMPARISON;
  readonly scenarios: readonly LibraryEntry[];
}

function comparatorsOf(resolved: Record<string, unknown>): Comparator[] {
  return typeof resolved.comparators === 'string' ? loadComparators(resolved.comparators) : [];
}

/** Every scenario file in `dir` (not its sub-folders), resolved, validated, with comparators. */
export function readLibrary(dir = SCENARIOS_DIR): Library {
  const scenarios: LibraryEntry[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json').sort()) {
    const path = join(dir, file);
    const own = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const resolved = resolveScenarioFile(path);
    validateScenario(resolved, path, file);
    scenarios.push({ file, own, resolved, comparators: comparatorsOf(resolved) });
  }
  return { version: VERSION, defaults: DEFAULT_COMPARISON, scenarios };
}

/** A scenario file opened in the page: `extends` and `comparators` resolve against the scenarios folder. */
export function resolveOpened(file: string, text: string, dir = SCENARIOS_DIR): LibraryEntry {
  const shown = basename(file);
  let own: unknown;
  try {
    own = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${shown}: not valid JSON: ${(err as Error).message}`, shown, '');
  }
  if (typeof own !== 'object' || own === null || Array.isArray(own)) throw new ScenarioError(`${shown}: a scenario must be a JSON object`, shown, '');
  const o = { ...(own as Record<string, unknown>) };
  if (typeof o.comparators === 'string') o.comparators = resolve(dir, o.comparators);
  let resolved = o;
  if (typeof o.extends === 'string') {
    const parentPath = resolve(dir, o.extends);
    let parent: Record<string, unknown>;
    try {
      parent = resolveScenarioFile(parentPath);
    } catch (err) {
      throw new ScenarioError(`${shown}: extends: ${(err as Error).message} (files opened in the workbench extend scenarios in ${dir})`, shown, 'extends');
    }
    resolved = mergeExtended(parent, o, shown);
  }
  validateScenario(resolved, shown);
  return { file: shown, own: own as Record<string, unknown>, resolved, comparators: comparatorsOf(resolved) };
}

interface Upload {
  readonly role: 'episodes' | 'header' | 'uasc' | 'xml903' | 'cin';
  readonly name: string;
  readonly text: string;
}

function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/**
 * Imports uploaded returns with `caseflow import` and calibrates `baseline` from the event
 * history with `caseflow calibrate --events`, in a temporary folder removed afterwards.
 */
export async function importAndCalibrate(uploads: readonly Upload[], baseline: string, name: string, dir = SCENARIOS_DIR): Promise<{ entry: LibraryEntry; log: string }> {
  const tmp = mkdtempSync(join(tmpdir(), 'caseflow-workbench-'));
  try {
    const args: string[] = [];
    uploads.forEach((u, i) => {
      const path = join(tmp, `${i}-${basename(u.name).replace(/[^\w.-]/g, '_')}`);
      writeFileSync(path, u.text);
      const flag = { episodes: '--episodes', header: '--header', uasc: '--uasc', xml903: '--xml', cin: '--cin' }[u.role];
      args.push(flag, path);
    });
    const has903 = uploads.some((u) => u.role !== 'cin');
    const events = join(tmp, 'events.ndjson');
    const importArgs = has903 ? ['import', 'ssda903', ...args, '--out', events] : ['import', 'cin', ...uploads.map((_, i) => args[2 * i + 1]), '--out', events];
    const imported = await runCli(importArgs, tmp);
    if (imported.code !== 0) throw new ScenarioError(lastLine(imported.stderr) || `import failed (exit ${imported.code})`, '', '');
    const out = join(tmp, `${name}.json`);
    const calibrated = await runCli(['calibrate', '--base', resolve(dir, baseline), '--events', events, '--out', out, '--name', name, '--quiet'], tmp);
    if (calibrated.code !== 0) throw new ScenarioError(lastLine(calibrated.stderr) || `calibrate failed (exit ${calibrated.code})`, '', '');
    const resolved = resolveScenarioFile(out);
    validateScenario(resolved, out, `${name}.json`);
    const own = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    return { entry: { file: `${name}.json`, own, resolved, comparators: comparatorsOf(resolved) }, log: [imported.stdout, calibrated.stdout].join('\n').trim() };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const MAX_BODY = 512 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(new ScenarioError('upload too large', '', ''));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The page may talk to this server only; workers come from it too.
    'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export interface WorkbenchServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the page and listens on 127.0.0.1:`port` (0: any free port). */
export async function startWorkbench(opts: { port?: number; scenariosDir?: string } = {}): Promise<WorkbenchServer> {
  const files: Map<string, BuiltFile> = await buildWorkbench();
  const dir = opts.scenariosDir ?? SCENARIOS_DIR;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (req.method === 'GET' && url.pathname === '/api/library') return sendJson(res, 200, readLibrary(dir));
        if (req.method === 'POST' && url.pathname === '/api/resolve') {
          const body = JSON.parse(await readBody(req)) as { file: string; text: string };
          return sendJson(res, 200, resolveOpened(body.file, body.text, dir));
        }
        if (req.method === 'POST' && url.pathname === '/api/import') {
          const body = JSON.parse(await readBody(req)) as { uploads: Upload[]; baseline: string; name: string };
          if (!Array.isArray(body.uploads) || body.uploads.length === 0) throw new ScenarioError('choose at least one return file to import', '', '');
          if (!/^[\w.-]+$/.test(body.name ?? '')) throw new ScenarioError('name: use letters, digits, dots, dashes or underscores', '', 'name');
          return sendJson(res, 200, await importAndCalibrate(body.uploads, body.baseline, body.name, dir));
        }
        if (req.method === 'GET') {
          const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
          const f = files.get(name);
          if (f) return send(res, 200, f.type, f.body);
        }
        sendJson(res, 404, { error: `not found: ${url.pathname}` });
      } catch (err) {
        const known = err instanceof InputError || err instanceof SyntaxError;
        sendJson(res, known ? 400 : 500, { error: (err as Error).message });
      }
    })();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => done());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
