/**
 * What a command gets from the program (./program.ts): where to write, and how to hand back its
 * exit code. `defineCommand` (./command.ts) registers a command on the program, so a new command
 * is one file and one line in its program's list.
 */
import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { Io } from './io';

export interface CommandContext {
  io: Io;
  finish(code: ExitCode): void;
}

export type DefineCommand = (program: Command, context: CommandContext) => void;
