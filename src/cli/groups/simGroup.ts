import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';
import { join } from 'node:path';
import { addGlobalOptions } from '../runtime.js';
import type { GlobalOptions } from '../runtime.js';
import { withRuntime, newRunDir } from '../withRuntime.js';

/** `jepa-agent sim`: the main job, its baselines and scene snapshots. */
export function registerSimCommands(program: Command, info: ProgramInfo): void {
  const sim = addGlobalOptions(
    program
      .command('sim')
      .description('the main job: the agent learns online, from scratch, in the embedded MuJoCo simulation; writes runs/<time>/')
      .option('--tasks <list>', 'comma-separated tasks: reach, push, pick', 'reach,push')
      .option('--splits <list>', 'evaluation splits: train, unseen_colors, unseen_lighting, unseen_objects, unseen_camera, unseen_all', 'train,unseen_all')
      .option('--minutes <m>', 'wall-clock budget of the whole run, evaluations included', '18')
      .option('--steps <n>', 'practice budget in environment steps instead (reproducible run length)')
      .option('--eval-every <n>', 'practice episodes between evaluations', '30')
      .option('--eval-episodes <n>', 'evaluation episodes per task and split', '6')
      .option('--final-eval-episodes <n>', 'evaluation episodes per task and split of the final round', '20')
      .option('--resume <checkpoint>', 'continue from a checkpoint folder of an earlier run')
      .option('--runs-dir <dir>', 'parent folder of run folders', 'runs')
      .option('--viz <[host:]port>', 'live view: a Foxglove WebSocket server (open ws://localhost:PORT in Foxglove or Lichtblick); loopback only unless a host is given')
      // Options after a subcommand's name belong to that subcommand (e.g. `sim snapshot --seed 3`).
      .enablePositionalOptions(),
  ).action(async (opts: GlobalOptions & { tasks: string; splits: string; minutes: string; steps?: string; evalEvery: string; evalEpisodes: string; finalEvalEpisodes: string; resume?: string; runsDir: string; viz?: string }) => {
    const { simExperiment } = await import('../commands/simExperiment.js');
    const runDir = newRunDir(opts.runsDir);
    // The run's log goes into its folder unless a log file was asked for.
    const extra = opts.logFile === undefined ? [`log.file=${JSON.stringify(join(runDir, 'run.log'))}`] : [];
    await withRuntime(opts, extra, (rt) =>
      simExperiment(rt, { ...opts, runDir, version: info.version, command: ['jepa-agent', ...process.argv.slice(2)].join(' ') }),
    );
  });

  addGlobalOptions(
    sim
      .command('baselines')
      .description('baseline controllers in closed loop: random (the floor), scripted (true state, the ceiling), scripted-subgoals (scripted push subgoals reached with a learned world model; needs --ckpt)')
      .option('--tasks <list>', 'comma-separated tasks: reach, push, pick', 'reach,push')
      .option('--splits <list>', 'comma-separated splits', 'train,unseen_all')
      .option('--episodes <n>', 'episodes per task, split and controller', '10')
      .option('--controllers <list>', 'random, scripted, scripted-subgoals (default: random,scripted, and scripted-subgoals with --ckpt)')
      .option('--ckpt <dir>', 'world-model checkpoint folder scripted-subgoals plans with (e.g. runs/<time>/checkpoint)')
      .option('--runs-dir <dir>', 'parent folder of run folders', 'runs'),
  ).action(async (opts: GlobalOptions & { tasks: string; splits: string; episodes: string; controllers?: string; ckpt?: string; runsDir: string }) => {
    const { simBaselines } = await import('../commands/simBaselines.js');
    await withRuntime(opts, [], (rt) => simBaselines(rt, opts));
  });

  addGlobalOptions(
    sim
      .command('snapshot')
      .description('write PNGs of a scene (RGB, colour-mapped depth, point cloud from above raw and perceived, wrist camera) and of its goal')
      .option('--task <task>', 'reach | push | pick')
      .option('--split <split>', 'randomisation split, e.g. train or unseen_colors')
      .option('--size <px>', 'image width and height', '256')
      .option('--points <n>', 'points in the cloud (the model sees 2048 of a 64x64 camera by default)', '16384')
      .requiredOption('--out <dir>', 'output folder'),
  ).action(async (opts: GlobalOptions & { task?: string; split?: string; size: string; points: string; out: string }) => {
    const { simSnapshot } = await import('../commands/simSnapshot.js');
    const extra = [`sim.pointCount=${opts.points}`, `sim.camera.width=${opts.size}`, `sim.camera.height=${opts.size}`, `sim.wristCamera.width=${opts.size}`, `sim.wristCamera.height=${opts.size}`];
    if (opts.task) extra.push(`sim.task=${JSON.stringify(opts.task)}`);
    if (opts.split) extra.push(`sim.split=${JSON.stringify(opts.split)}`);
    await withRuntime(opts, extra, (rt) => simSnapshot(rt, { out: opts.out }));
  });
}
