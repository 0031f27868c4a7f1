import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';

/** `jepa-agent eval ...`: the research experiments, each writing a run folder (JSON, markdown, PNG plots). */
export function registerEvalCommands(program: Command, info: ProgramInfo): void {
  void program;
  void info;
}
