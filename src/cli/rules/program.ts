/** The `lumos-rules` program: rules as code (docs/rules-as-code.md). */

import { defineCommand } from '../shared/command';
import type { ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { type ProgramSpec, runProgram } from '../shared/program';
import { applyCommand } from './commands/apply';
import { checkCommand } from './commands/check';
import { explainCommand } from './commands/explain';
import { exportCommand } from './commands/export';
import { planCommand } from './commands/plan';
import { testCommand } from './commands/test';

export const LUMOS_RULES: ProgramSpec = {
  name: 'lumos-rules',
  description:
    'Rules as code for the Lumos webhook receiver: check and test rule files, explain a decision, plan (with a replay of past decisions) and apply them to the rules table, export the table.',
  commands: [
    defineCommand(checkCommand),
    defineCommand(testCommand),
    defineCommand(explainCommand),
    defineCommand(planCommand),
    defineCommand(applyCommand),
    defineCommand(exportCommand),
  ],
};

export const runLumosRules = (args: readonly string[], io: Io, version: string): Promise<ExitCode> => runProgram(LUMOS_RULES, args, io, version);
