/** `lumos-state` (bin/lumos-state.cjs runs this under tsx): grants due, pending removals, closing one by hand. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processIo } from '../shared/io';
import { unexpectedErrorText } from '../shared/output';
import { runLumosState } from './program';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };

// A reader that stops early (`lumos-state grants | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(unexpectedErrorText(error, process.env));
  process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
});

runLumosState(process.argv.slice(2), processIo(), version).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(unexpectedErrorText(error, process.env));
    process.exitCode = 1;
  },
);
