import { loadRosParams, SimRobot, simRobotParamsSchema } from '../../ros/node/index.js';
import { loadRclnodejs, RclnodejsTransport } from '../../ros/transport/index.js';
import { SimEnv } from '../../sim/SimEnv.js';
import type { Runtime } from '../runtime.js';
import { untilSignal } from './untilSignal.js';

export interface SimRobotCommandOptions {
  readonly params?: string;
  readonly param: readonly string[];
  readonly nodeName: string;
}

/**
 * `jepa-agent sim-robot`: the embedded simulation as a ROS 2 robot (node `jepa_sim_robot`),
 * publishing camera, depth, points, camera_info, joint states and tool pose at sim.controlHz
 * and accepting the agent's commands, until SIGINT/SIGTERM.
 */
export async function simRobotCommand(runtime: Runtime, options: SimRobotCommandOptions): Promise<void> {
  const { config, logger } = runtime;
  const params = loadRosParams(simRobotParamsSchema, options.nodeName, options.params, options.param);
  const rcl = await loadRclnodejs('`sim-robot`');
  const env = await SimEnv.create(config.sim, { logger });
  const transport = await RclnodejsTransport.create(rcl, { nodeName: options.nodeName });
  const robot = new SimRobot(transport, env, { params, logger });
  try {
    robot.start();
    logger.info('sim-robot running', { node: transport.nodeName, hz: config.sim.controlHz, actionSpace: config.sim.actionSpace, task: config.sim.task });
    const signal = await untilSignal();
    logger.info(`${signal}: stopping`, { ...robot.stats });
  } finally {
    robot.stop();
    transport.close();
    env.close();
  }
}
