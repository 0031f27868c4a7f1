#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addGlobalOptions, createRuntime } from './runtime.js';
import type { GlobalOptions, Runtime } from './runtime.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** runs/<ISO time>/, unique per start. */
function newRunDir(runsDir: string): string {
  return resolve(runsDir, new Date().toISOString().replace(/[:.]/g, '-'));
}

/** Runs a command body with a runtime, turning errors into one clear line and exit code 1. */
async function withRuntime(
  options: GlobalOptions,
  extra: string[],
  body: (runtime: Runtime) => Promise<unknown>,
  loggerOptions: { console?: boolean } = {},
): Promise<void> {
  let runtime: Runtime | undefined;
  try {
    runtime = createRuntime(options, extra, loggerOptions);
    await body(runtime);
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`jepa-agent: ${e.message}\n`);
    if (e.cause instanceof Error && !e.message.includes(e.cause.message)) process.stderr.write(`  caused by: ${e.cause.message}\n`);
    if (runtime?.config.log.level === 'debug' && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  } finally {
    await runtime?.close();
  }
}

const program = new Command('jepa-agent')
  .description('A robot-arm runtime that learns a JEPA world model from its own interactions and plans in latent space.')
  .version(pkg.version)
  .enablePositionalOptions()
  .showHelpAfterError();

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
    .option('--resume <checkpoint>', 'continue from a checkpoint folder of an earlier run')
    .option('--runs-dir <dir>', 'parent folder of run folders', 'runs')
    // Options after a subcommand's name belong to that subcommand (e.g. `sim snapshot --seed 3`).
    .enablePositionalOptions(),
).action(async (opts: GlobalOptions & { tasks: string; splits: string; minutes: string; steps?: string; evalEvery: string; evalEpisodes: string; resume?: string; runsDir: string }) => {
  const { simExperiment } = await import('./commands/simExperiment.js');
  const runDir = newRunDir(opts.runsDir);
  // The run's log goes into its folder unless a log file was asked for.
  const extra = opts.logFile === undefined ? [`log.file=${JSON.stringify(join(runDir, 'run.log'))}`] : [];
  await withRuntime(opts, extra, (rt) =>
    simExperiment(rt, { ...opts, runDir, version: pkg.version, command: ['jepa-agent', ...process.argv.slice(2)].join(' ') }),
  );
});

addGlobalOptions(
  sim
    .command('baselines')
    .description('random and scripted (true-state) controllers in closed loop: the floor and ceiling of a learning run')
    .option('--tasks <list>', 'comma-separated tasks: reach, push, pick', 'reach,push')
    .option('--splits <list>', 'comma-separated splits', 'train,unseen_all')
    .option('--episodes <n>', 'episodes per task, split and controller', '10')
    .option('--runs-dir <dir>', 'parent folder of run folders', 'runs'),
).action(async (opts: GlobalOptions & { tasks: string; splits: string; episodes: string; runsDir: string }) => {
  const { simBaselines } = await import('./commands/simBaselines.js');
  await withRuntime(opts, [], (rt) => simBaselines(rt, opts));
});

addGlobalOptions(
  sim
    .command('snapshot')
    .description('write PNGs of a scene (RGB, colour-mapped depth, point cloud from above, wrist camera) and of its goal')
    .option('--task <task>', 'reach | push | pick')
    .option('--split <split>', 'randomisation split, e.g. train or unseen_colors')
    .option('--size <px>', 'image width and height', '256')
    .requiredOption('--out <dir>', 'output folder'),
).action(async (opts: GlobalOptions & { task?: string; split?: string; size: string; out: string }) => {
  const { simSnapshot } = await import('./commands/simSnapshot.js');
  const extra = ['sim.pointCount=16384', `sim.camera.width=${opts.size}`, `sim.camera.height=${opts.size}`, `sim.wristCamera.width=${opts.size}`, `sim.wristCamera.height=${opts.size}`];
  if (opts.task) extra.push(`sim.task=${JSON.stringify(opts.task)}`);
  if (opts.split) extra.push(`sim.split=${JSON.stringify(opts.split)}`);
  await withRuntime(opts, extra, (rt) => simSnapshot(rt, { out: opts.out }));
});

const bench = program.command('bench').description('measure throughput; prints one JSON object with --json');
addGlobalOptions(
  bench
    .command('sim')
    .description('physics steps/s, control rate with observations, camera frames/s')
    .option('--json', 'print only the JSON result on stdout')
    .option('--seconds <s>', 'measuring time per figure', '3'),
).action(async (opts: GlobalOptions & { json?: boolean; seconds: string }) => {
  const { benchSim } = await import('../../bench/sim.js');
  await withRuntime(
    opts,
    [],
    async (rt) => {
      const result = await benchSim(rt.config.sim, Number(opts.seconds));
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    },
    { console: !opts.json },
  );
});

addGlobalOptions(
  bench
    .command('model')
    .description('world model train step, CEM plan and encoding times (medians), beside the same model in PyTorch when it imports')
    .option('--json', 'print only the JSON result on stdout')
    .option('--iterations <n>', 'timed runs per figure', '10')
    .option('--warmup <n>', 'untimed runs before timing', '3')
    .option('--batch <n>', 'sequences per training batch', '32')
    .option('--no-peer', 'skip the PyTorch peer (bench/model_peer.py)')
    .option('--python <path>', 'interpreter of the PyTorch peer', '/usr/bin/python3')
    .option('--torch-threads <n>', 'torch.set_num_threads of the peer', '2')
    .option('--peer-blas <dir>', "folder with an optimised libblas.so.3 for the peer (Debian's torch uses the system's)")
    .option('--no-kernel-fixes', "the shipped wasm kernels instead of the engine's fixes")
    .option('--all', 'also: train steps per modality, transformer predictor, EMA; MPPI and gradient plans'),
).action(
  async (
    opts: GlobalOptions & {
      json?: boolean;
      iterations: string;
      warmup: string;
      batch: string;
      peer: boolean;
      python: string;
      torchThreads: string;
      peerBlas?: string;
      kernelFixes: boolean;
      all?: boolean;
    },
  ) => {
    const { benchModel } = await import('../../bench/model.js');
    await withRuntime(opts, [], async (rt) => {
      const result = await benchModel(rt.config, {
        iterations: Number(opts.iterations),
        warmup: Number(opts.warmup),
        batchSize: Number(opts.batch),
        peer: opts.peer,
        python: opts.python,
        torchThreads: Number(opts.torchThreads),
        peerBlas: opts.peerBlas,
        kernelFixes: opts.kernelFixes,
        all: opts.all === true,
        logger: rt.logger,
      });
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
      if (result.peer_error !== undefined) throw new Error(`PyTorch peer: ${result.peer_error}`);
    });
  },
);

addGlobalOptions(
  bench
    .command('loop')
    .description('control rate and latency of the perception-action loop with the learner training in its worker')
    .option('--json', 'print only the JSON result on stdout')
    .option('--seconds <s>', 'measuring time after warm-up', '20'),
).action(async (opts: GlobalOptions & { json?: boolean; seconds: string }) => {
  const { benchLoop } = await import('../../bench/loop.js');
  await withRuntime(
    opts,
    [],
    async (rt) => {
      const result = await benchLoop(rt.config, Number(opts.seconds), rt.logger);
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
    },
    { console: !opts.json },
  );
});

await program.parseAsync(process.argv);
