import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';
import { addGlobalOptions } from '../runtime.js';
import type { GlobalOptions } from '../runtime.js';
import { withRuntime } from '../withRuntime.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `jepa-agent run` and `jepa-agent sim-robot`: the ROS 2 node and the embedded simulator as a ROS 2 robot. */
export function registerRosCommands(program: Command, info: ProgramInfo): void {
  void info;
  addGlobalOptions(
    program
      .command('run')
      .description('run the agent as the ROS 2 node jepa_agent (needs ROS 2 sourced); Ctrl-C: safe stop, checkpoint, shutdown')
      .option('--params <file>', 'ROS 2 parameters YAML (jepa_agent: ros__parameters: ..., or /**:), e.g. launch/params/gz_sim.yaml')
      .option('-p, --param <name=value>', 'override a node parameter (repeatable), e.g. -p topics.rgb=/cam/image -p action_interface=twist', collect, [])
      .option('--node-name <name>', 'node name (and the params YAML section read)', 'jepa_agent')
      .option('--record <dir>', 'record every topic the node receives or publishes (raw CDR) and its own records into this bag folder (= -p record.dir=DIR)')
      .option('--viz <[host:]port>', 'live view: a Foxglove WebSocket server (= -p viz=[host:]port); loopback only unless a host is given'),
  ).action(async (opts: GlobalOptions & { params?: string; param: string[]; nodeName: string; record?: string; viz?: string }) => {
    const { rosRun } = await import('../commands/rosRun.js');
    await withRuntime(opts, [], (rt) => rosRun(rt, opts));
  });

  addGlobalOptions(
    program
      .command('sim-robot')
      .description('the embedded simulation as a ROS 2 robot: publishes cameras, points, joint states; accepts the commands of sim.actionSpace: twists (TwistStamped) at the default ee_delta, joint trajectories and position arrays with --set sim.actionSpace=joint_delta')
      .option('--params <file>', 'ROS 2 parameters YAML (section jepa_sim_robot or /**)')
      .option('-p, --param <name=value>', 'override a node parameter (repeatable), e.g. -p topics.rgb=/cam/image', collect, [])
      .option('--node-name <name>', 'node name (and the params YAML section read)', 'jepa_sim_robot'),
  ).action(async (opts: GlobalOptions & { params?: string; param: string[]; nodeName: string }) => {
    const { simRobotCommand } = await import('../commands/simRobot.js');
    await withRuntime(opts, [], (rt) => simRobotCommand(rt, opts));
  });
}
