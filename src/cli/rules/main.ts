/** `lumos-rules` (bin/lumos-rules.cjs runs this under tsx): rules as code, docs/rules-as-code.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processIo } from '../shared/io';
import { unexpectedErrorText } from '../shared/output';
import { runLumosRules } from './program';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };

// A reader that stops early (`lumos-rules check | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(unexpectedErrorText(error, process.env));
  process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
});

runLumosRules(process.argv.slice(2), processIo(), version).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(unexpectedErrorText(error, process.env));
    process.exitCode = 1;
  },
);
