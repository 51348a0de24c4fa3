#!/usr/bin/env node
import { runCli } from './cli.js';

const result = await runCli(process.argv.slice(2));
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal forces the exit
    stopping = true;
    process.stderr.write(`switchyard: ${signal} received, shutting down\n`);
    result.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
