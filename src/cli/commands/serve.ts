import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { startWorkbench } from '../../web/server.ts';
import { paint } from '../terminal.ts';
import { nonNegativeInt } from '../options.ts';

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser (${cmd}); open ${url} yourself\n`));
  child.unref();
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the scenario workbench on localhost: build, run and compare scenarios in the browser')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', nonNegativeInt('--port', 65535), 5178)
    .option('--open', 'open the workbench in the default browser')
    .addHelpText(
      'after',
      `
The page runs the engine in Web Workers, bundled from the same source as this command line, and
talks to this server only (on 127.0.0.1): imported returns and scenarios never leave the machine.
Stop it with Ctrl+C.

Examples:
  $ caseflow serve
  $ caseflow serve --port 8080 --open`,
    )
    .action(async (opts: { port: number; open?: boolean }) => {
      const wb = await startWorkbench({ port: opts.port });
      process.stdout.write(`${paint('bold', 'caseflow workbench')} on ${paint('cyan', wb.url)} (Ctrl+C to stop)\n`);
      if (opts.open) openInBrowser(wb.url);
      await new Promise<void>((done) => {
        const stop = () => void wb.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
