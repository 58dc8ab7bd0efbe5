import { Logger } from '@nestjs/common';

export type CliCommands = Record<string, (args: string[]) => Promise<unknown>>;

/**
 * `node main.js [command] [args]`: one entry per app, so the image runs the
 * app, its migrations and its operator commands the same way. A command other
 * than `serve` exits when it is done; a failure exits non-zero with the reason.
 */
export function runCli(commands: CliCommands, argv: string[] = process.argv.slice(2)): void {
  const [name = 'serve', ...args] = argv;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}\n`);
    process.exit(2);
  }
  command(args).then(
    () => {
      if (name !== 'serve') process.exit(0);
    },
    (error: unknown) => {
      new Logger('Cli').error({ command: name, err: { message: (error as Error).message, stack: (error as Error).stack } }, `${name} failed`);
      process.stderr.write(`${name} failed: ${(error as Error).message}\n`);
      setTimeout(() => process.exit(1), 50);
    },
  );
}
