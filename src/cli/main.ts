#!/usr/bin/env node
/**
 * caseflow command line. Exit codes: 0 success; 1 a check failed; 2 bad input or usage, with a
 * one-line reason on stderr; 3 an internal error (a bug), also one line.
 *
 * Every command runs inside the same guard: output folders and files named by its options are
 * created and checked before any work (see options.ts `outputFolder`/`outputFile`), every file it
 * writes is staged and moved into place only when it has finished (outputs.ts), and any
 * file-system error becomes exit 2 with the path and the reason.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, Help, type Option } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { paint } from './terminal.ts';
import { EXIT, InputError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { beginOutputs, endOutputs } from './outputs.ts';
import { collect, outputMark } from './options.ts';
import { setScenarioRoots } from '../scenarios/roots.ts';
import { fsReason, isFsError } from './paths.ts';
import { setAllowEmpty } from './inputs.ts';

/** The command `argv` names (`caseflow help <command>` included), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program with every command: the one `argv` names loaded in full, the others as names and
 * descriptions only (enough for `caseflow --help` and for suggesting a misspelt command). With
 * no `argv`, every command is loaded in full.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  /** Commands registered by name only, with their listed term. */
  const stubs = new Map<Command, string>();
  const plain = new Help();
  const program: Command = new Command('caseflow')
    .description("Event-sourced case-flow simulation for children's social care in England")
    .version(VERSION)
    .option('--allow-empty', 'accept an empty input (an event log without events, a return without records) instead of refusing it')
    .option('--scenario-root <dir>', 'a folder whose scenario files `extends` may name, besides the scenario’s own folder and the shipped scenarios (repeatable)', collect, [])
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(paint('red', `caseflow: ${oneLine(str.replace(/^error: /, ''))} (run with --help for usage)`, 'err') + '\n'),
    })
    .configureHelp({ subcommandTerm: (c: Command): string => stubs.get(c) ?? plain.subcommandTerm(c) });
  const wanted = argv === undefined ? undefined : commandOf(argv);
  for (const entry of COMMANDS) {
    if (argv === undefined || entry.name === wanted) (await entry.load()).register(program);
    else stubs.set(program.command(entry.name).description(entry.description), entry.term);
  }
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  const given = countOptions(program);
  program.hook('preAction', (_self, action) => {
    refuseRepeated(action, given);
    refuseEmpty(action);
    setAllowEmpty(Boolean(program.opts().allowEmpty));
    setScenarioRoots((program.opts().scenarioRoot as string[]).map((d) => resolve(d)));
    const set = beginOutputs();
    for (const opt of action.options) {
      const mark = outputMark(opt);
      const value = action.getOptionValue(opt.attributeName()) as unknown;
      if (!mark || typeof value !== 'string') continue;
      const name = opt.long ?? opt.flags;
      if (mark.kind === 'folder') set.folder(value, name, mark.family, mark.checkpoints);
      else set.file(value, name);
    }
  });
  return program;
}

/**
 * Counts every option as the command line gives it (`option:<name>` events), so that an option
 * given twice is noticed: commander keeps only the last value.
 */
function countOptions(program: Command): Map<Option, string[]> {
  const given = new Map<Option, string[]>();
  const walk = (c: Command): void => {
    for (const o of c.options) c.on(`option:${o.name()}`, (v: unknown) => given.set(o, [...(given.get(o) ?? []), String(v)]));
    c.commands.forEach(walk);
  };
  walk(program);
  return given;
}

/** An option that takes one value (not a repeatable or variadic one) given more than once is refused: which one was meant is not known. */
function refuseRepeated(action: Command, given: Map<Option, string[]>): void {
  for (let c: Command | null = action; c; c = c.parent) {
    for (const o of c.options) {
      const values = given.get(o) ?? [];
      if (values.length < 2 || !(o.required || o.optional) || Array.isArray(c.getOptionValue(o.attributeName()))) continue;
      throw new InputError(`${o.long ?? o.flags} given ${values.length} times (${values.map((v) => JSON.stringify(v)).join(', ')}); give it once`);
    }
  }
}

/**
 * An empty value (`--out ""`, an unset shell variable) is refused: as a path it would mean the
 * current folder, and nowhere is it what the user meant.
 */
function refuseEmpty(action: Command): void {
  const empty = (v: unknown): boolean => (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.some(empty));
  for (let c: Command | null = action; c; c = c.parent) {
    for (const o of c.options) {
      if (empty(c.getOptionValue(o.attributeName()))) throw new InputError(`${o.long ?? o.flags}: empty value; give ${o.flags.replace(/^.*?<([^>]+)>.*$/, '$1')}`);
    }
  }
  action.registeredArguments.forEach((a, i) => {
    if (empty(action.processedArgs[i])) throw new InputError(`<${a.name()}>: empty argument; give ${a.name()}`);
  });
}

/** One line, with any run of characters too long to read (a value copied from a huge input) shortened. */
function oneLine(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\S{240,}/g, (t) => `${t.slice(0, 100)}… (${t.length.toLocaleString('en-GB')} characters)`);
}

/** A path as the user named it: without the staging folder a failed write happened in. */
function userPath(p: string): string {
  return p.replace(/[\\/]\.caseflow-(staging|commit)-\d+-\d+(?=[\\/])/, '').replace(/[\\/]\.([^\\/]+)\.\d+\.\d+\.tmp$/, '/$1');
}

function fail(message: string): void {
  process.stderr.write(paint('red', `caseflow: ${oneLine(message)}`, 'err') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  let code: number;
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    code = process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (err) {
    code = failureCode(err);
  }
  try {
    endOutputs(code === EXIT.ok || code === EXIT.checkFailed);
  } catch (err) {
    endOutputs(false);
    code = failureCode(err);
  } finally {
    setAllowEmpty(false);
    setScenarioRoots([]);
  }
  return code;
}

function failureCode(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return EXIT.badInput; // commander has already printed the reason
  }
  const e = err as Error & { exitCode?: number };
  const code = e?.exitCode === 1 || e?.exitCode === 2 ? e.exitCode : undefined;
  if (code !== undefined) {
    fail(userPath(e.message));
    return code;
  }
  if (isFsError(err)) {
    const path = err.path ? userPath(err.path) : undefined;
    fail(`${path ? `${path}: ` : ''}${fsReason(err.code)}`);
    return EXIT.badInput;
  }
  if (e instanceof RangeError && /Invalid array length|Array buffer allocation failed|Invalid typed array length/.test(e.message)) {
    fail(`out of memory (${e.message}); use fewer --runs, --months or a smaller population`);
    return EXIT.badInput;
  }
  const detail = process.env.CASEFLOW_DEBUG ? `\n${e?.stack ?? String(err)}` : ' (set CASEFLOW_DEBUG=1 to see where)';
  process.stderr.write(`caseflow: internal error: ${oneLine(e?.message ?? String(err))}${detail}\n`);
  return EXIT.internal;
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
