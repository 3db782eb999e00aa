#!/usr/bin/env node
/**
 * caseflow command line. Exit codes: 0 success; 1 a check failed; 2 bad input or usage, with a
 * one-line reason on stderr.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { paint } from './terminal.ts';
import { EXIT } from '../errors.ts';
import { VERSION } from '../version.ts';

export function buildProgram(): Command {
  const program = new Command('caseflow')
    .description("Event-sourced case-flow simulation for children's social care in England")
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(paint('red', str.trimEnd(), 'err') + '\n') });
  for (const register of COMMANDS) register(program);
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
  const program = buildProgram();
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
