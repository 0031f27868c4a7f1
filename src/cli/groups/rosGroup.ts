import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';

/** `jepa-agent run` and `jepa-agent sim-robot`: the ROS 2 node and the embedded simulator as a ROS 2 robot. */
export function registerRosCommands(program: Command, info: ProgramInfo): void {
  void program;
  void info;
}
