import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';

/** `jepa-agent bag info|repair`, `record`, `replay`, `train`: interaction bags (MCAP) and offline training. */
export function registerBagCommands(program: Command, info: ProgramInfo): void {
  void program;
  void info;
}
