/** The `lumos-rules` program: rules as code (docs/rules-as-code.md). */
import type { ExitCode } from '../shared/exit-codes';
import type { Io } from '../shared/io';
import { type ProgramSpec, runProgram } from '../shared/program';
import { defineApply } from './commands/apply';
import { defineCheck } from './commands/check';
import { defineExplain } from './commands/explain';
import { defineExport } from './commands/export';
import { definePlan } from './commands/plan';
import { defineTest } from './commands/test';

export const LUMOS_RULES: ProgramSpec = {
  name: 'lumos-rules',
  description:
    'Rules as code for the Lumos webhook receiver: check and test rule files, explain a decision, plan (with a replay of past decisions) and apply them to the rules table, export the table.',
  commands: [defineCheck, defineTest, defineExplain, definePlan, defineApply, defineExport],
};

export const runLumosRules = (args: readonly string[], io: Io, version: string): Promise<ExitCode> => runProgram(LUMOS_RULES, args, io, version);
