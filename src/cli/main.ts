#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { addGlobalOptions, createRuntime } from './runtime.js';
import type { GlobalOptions, Runtime } from './runtime.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

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
    .description('closed-loop episodes in the embedded MuJoCo simulation; writes runs/<time>/report.{json,md} and frames')
    .option('--tasks <list>', 'comma-separated tasks: reach, push, pick', 'reach,push')
    .option('--splits <list>', 'comma-separated splits: train, unseen_colors, unseen_lighting, unseen_objects, unseen_camera, unseen_all', 'train,unseen_all')
    .option('--episodes <n>', 'episodes per task, split and controller', '10')
    .option('--runs-dir <dir>', 'parent folder of run folders', 'runs')
    // Options after a subcommand's name belong to that subcommand (e.g. `sim snapshot --seed 3`).
    .enablePositionalOptions(),
).action(async (opts: GlobalOptions & { tasks: string; splits: string; episodes: string; runsDir: string }) => {
  const { simRun } = await import('./commands/simRun.js');
  await withRuntime(opts, [], (rt) => simRun(rt, opts));
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

await program.parseAsync(process.argv);
