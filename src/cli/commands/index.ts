/** Every subcommand registers itself here; the order is the order in `caseflow --help`. */
import type { Command } from 'commander';
import { register as simulate } from './simulate.ts';
import { register as replay } from './replay.ts';
import { register as compare } from './compare.ts';
import { register as target } from './target.ts';
import { register as importCmd } from './import.ts';
import { register as exportCmd } from './export.ts';
import { register as calibrate } from './calibrate.ts';
import { register as backtest } from './backtest.ts';
import { register as check } from './check.ts';
import { register as sweep } from './sweep.ts';
import { register as worker } from './worker.ts';
import { register as serve } from './serve.ts';

export const COMMANDS: ((program: Command) => void)[] = [simulate, replay, compare, target, importCmd, exportCmd, calibrate, backtest, check, sweep, worker, serve];
