/**
 * What a command gets from the program (src/cli/rules/main.ts): where to write, and how to hand
 * back its exit code. Commands register themselves on the program, so a new command is one file.
 */
import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';

export interface CommandContext {
  io: Io;
  finish(code: ExitCode): void;
}

export type DefineCommand = (program: Command, context: CommandContext) => void;
