import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';
import { addGlobalOptions } from '../runtime.js';
import type { GlobalOptions } from '../runtime.js';
import { withRuntime } from '../withRuntime.js';
import { addTopicRoleOptions } from './topicRoleOptions.js';
import type { TopicRoleFlags } from './topicRoleOptions.js';

/** `jepa-agent bag info|repair`, `record`, `replay`, `train`: interaction bags (MCAP) and offline training. */
export function registerBagCommands(program: Command, info: ProgramInfo): void {
  void info;
  const bag = program.command('bag').description('interaction bags: MCAP folders that ros2 bag and Foxglove open');

  addGlobalOptions(
    bag
      .command('info')
      .description('topics, types, message counts, duration and sizes of a bag (a folder or one .mcap file); damage is listed')
      .argument('<bag>', 'bag folder or .mcap file')
      .option('--json', 'print JSON instead of text'),
  ).action(async (path: string, opts: GlobalOptions & { json?: boolean }) => {
    const { bagInfo, formatBagInfo } = await import('../../bag/index.js');
    await withRuntime(opts, [], async () => {
      const i = await bagInfo(path);
      process.stdout.write(opts.json ? `${JSON.stringify(i, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n` : formatBagInfo(i));
    }, { console: !opts.json });
  });

  addGlobalOptions(
    bag
      .command('repair')
      .description('rewrite truncated or corrupted MCAP files of a bag into valid ones (originals kept as .bak), reporting what was recovered and lost')
      .argument('<bag>', 'bag folder or .mcap file')
      .option('--no-backup', 'delete the damaged originals instead of keeping them as .bak'),
  ).action(async (path: string, opts: GlobalOptions & { backup: boolean }) => {
    const { formatRepairReport, repairBag } = await import('../../bag/index.js');
    await withRuntime(opts, [], async (rt) => {
      process.stdout.write(formatRepairReport(await repairBag(path, { backup: opts.backup, logger: rt.logger })));
    });
  });

  addGlobalOptions(
    program
      .command('record')
      .description('record exploration (motor babbling) episodes into a bag: ROS sensor and command topics (cdr) + the agent\'s records (protobuf)')
      .option('--source <source>', 'where observations come from: sim', 'sim')
      .option('--episodes <n>', 'episodes to record', '10')
      .requiredOption('--out <dir>', 'bag folder to create')
      .option('--tasks <list>', 'comma-separated tasks, cycled over episodes', 'reach,push')
      .option('--split <split>', 'randomisation split (default sim.split)')
      .option('--compression <c>', 'chunk compression: zstd | none', 'zstd')
      .option('--split-mb <mb>', 'start a new file every this many MiB')
      .option('--split-seconds <s>', 'start a new file every this many seconds of recording'),
  ).action(async (opts: GlobalOptions & { source: string; episodes: string; out: string; tasks: string; split?: string; compression: string; splitMb?: string; splitSeconds?: string }) => {
    const { recordCommandBody } = await import('../commands/record.js');
    // Joint-delta actions become ros2_control JointTrajectory commands; --set sim.actionSpace=ee_delta records twists instead.
    await withRuntime(opts, ['sim.actionSpace="joint_delta"', ...opts.set], (rt) => recordCommandBody(rt, opts));
  });

  addGlobalOptions(
    addTopicRoleOptions(program.command('replay'), '--topics-file <file>')
      .description('play a bag as the agent\'s sensor source; with --ckpt, open-loop prediction error per horizon against what happened; with --ros, onto the ROS 2 graph')
      .argument('<bag>', 'bag folder or .mcap file')
      .option('--ckpt <dir>', 'world-model checkpoint to evaluate open loop')
      .option('--rate <r>', 'playback rate: 1 = real time, N = N times faster, max = as fast as possible', '1')
      .option('--start <s>', 'start this many seconds after the bag\'s start')
      .option('--end <s>', 'end this many seconds after the bag\'s start')
      .option('--topics <list>', 'comma-separated topics to replay (default all)')
      .option('--loop', 'start again at the end, until interrupted')
      .option('--horizon <n>', 'prediction horizon (default model.horizon of the checkpoint)')
      .option('--ros', 'also publish every recorded CDR message unchanged on the ROS 2 graph (needs ROS 2 sourced), as ros2 bag play')
      .option('--clock <hz>', 'with --ros: publish rosgraph_msgs/Clock on /clock at this rate of bag time (for use_sim_time)')
      .option('--delay <s>', 'with --ros: seconds between creating the publishers and the first message, for discovery', '1')
      .option('--latched <list>', 'with --ros: comma-separated topics published transient-local (default: the bag\'s goal topics)')
      .option('--node-name <name>', 'with --ros: the replaying node\'s name', 'jepa_agent_replay')
      .option('--viz <[host:]port>', 'live view of the replay: a Foxglove WebSocket server (ws://localhost:PORT); loopback only unless a host is given'),
  ).action(async (path: string, opts: GlobalOptions & TopicRoleFlags & { ckpt?: string; rate: string; start?: string; end?: string; topics?: string; loop?: boolean; horizon?: string; ros?: boolean; clock?: string; delay?: string; latched?: string; nodeName?: string; viz?: string }) => {
    const { replayBag } = await import('../commands/replayBag.js');
    await withRuntime(opts, [], (rt) => replayBag(rt, { ...opts, bag: path }));
  });

  addGlobalOptions(
    addTopicRoleOptions(program.command('train'), '--topics <file>')
      .description('train the world model offline from bags, with progress and checkpoints (learn.checkpointEverySteps)')
      .requiredOption('--bags <dir>', 'a bag folder, or a folder of bag folders')
      .requiredOption('--out <dir>', 'checkpoint folder')
      .option('--steps <n>', 'training steps', '500')
      .option('--resume <ckpt>', 'continue from a checkpoint')
      .option('--strict', 'stop at the first bag message that cannot be decoded (default: skip and count it, warning once per bag)'),
  ).action(async (opts: GlobalOptions & TopicRoleFlags & { bags: string; out: string; steps: string; resume?: string; topics?: string; strict?: boolean }) => {
    const { trainFromBags } = await import('../commands/trainFromBags.js');
    await withRuntime(opts, [], (rt) => trainFromBags(rt, { ...opts, ...(opts.topics === undefined ? {} : { topicsFile: opts.topics }) }));
  });
}
