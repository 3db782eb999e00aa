#!/usr/bin/env node
/**
 * caseflow command line. Exit codes: 0 success; 1 a check failed; 2 bad input or usage, with a
 * one-line reason on stderr.
 */
import { Command, CommanderError, Help } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { paint } from './terminal.ts';
import { EXIT } from '../errors.ts';
import { VERSION } from '../version.ts';

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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(paint('red', str.trimEnd(), 'err') + '\n') })
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
  return program;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput; // commander has already printed the reason
    }
    const e = err as Error & { exitCode?: number };
    const code = e.exitCode === 1 || e.exitCode === 2 ? e.exitCode : undefined;
    if (code !== undefined) {
      process.stderr.write(paint('red', `caseflow: ${oneLine(e.message)}`, 'err') + '\n');
      return code;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
      process.stderr.write(paint('red', `caseflow: ${oneLine(e.message)}`, 'err') + '\n');
      return EXIT.badInput;
    }
    process.stderr.write(`caseflow: internal error: ${e.stack ?? e.message}\n`);
    return 3;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
