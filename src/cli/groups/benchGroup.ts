import type { Command } from 'commander';
import { addGlobalOptions } from '../runtime.js';
import type { GlobalOptions } from '../runtime.js';
import { withRuntime } from '../withRuntime.js';

/** `jepa-agent bench ...`: throughput and latency figures as JSON. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('measure throughput; prints one JSON object with --json');
  addGlobalOptions(
    bench
      .command('sim')
      .description('physics steps/s, control rate with observations, camera frames/s')
      .option('--json', 'print only the JSON result on stdout')
      .option('--seconds <s>', 'measuring time per figure', '3'),
  ).action(async (opts: GlobalOptions & { json?: boolean; seconds: string }) => {
    const { benchSim } = await import('../../../bench/sim.js');
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
      .option('--python <path>', 'interpreter of the PyTorch peer (default: the venv ~/.cache/jepa-agent/torch-venv, created with pip install torch numpy on first use)')
      .option('--torch-threads <n>', 'torch.set_num_threads of the peer (default: the threads our backend uses, engine.threads)')
      .option('--peer-blas <dir>', "folder with an optimised libblas.so.3 for the peer (Debian's torch uses the system's)")
      .option('--no-kernel-fixes', "the shipped wasm kernels instead of the engine's fixes")
      .option('--no-native-kernels', 'keep the whole train step on wasm (no onnxruntime matMuls or PointNet forward pass)')
      .option('--all', 'also: train steps per modality, transformer predictor, EMA; MPPI and gradient plans')
      .option('--profile', 'also: where the train step spends its time, per tfjs kernel (train_step_profile)'),
  ).action(
    async (
      opts: GlobalOptions & {
        json?: boolean;
        iterations: string;
        warmup: string;
        batch: string;
        peer: boolean;
        python?: string;
        torchThreads?: string;
        peerBlas?: string;
        kernelFixes: boolean;
        nativeKernels: boolean;
        all?: boolean;
        profile?: boolean;
      },
    ) => {
      const { benchModel } = await import('../../../bench/model.js');
      await withRuntime(opts, [], async (rt) => {
        const result = await benchModel(rt.config, {
          iterations: Number(opts.iterations),
          warmup: Number(opts.warmup),
          batchSize: Number(opts.batch),
          peer: opts.peer,
          ...(opts.python === undefined ? {} : { python: opts.python }),
          ...(opts.torchThreads === undefined ? {} : { torchThreads: Number(opts.torchThreads) }),
          peerBlas: opts.peerBlas,
          kernelFixes: opts.kernelFixes,
          nativeKernels: opts.nativeKernels,
          all: opts.all === true,
          profile: opts.profile === true,
          logger: rt.logger,
        });
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
        if (result.peer_error !== undefined) throw new Error(`PyTorch peer: ${result.peer_error}`);
      });
    },
  );

  addGlobalOptions(
    bench
      .command('bag')
      .description('record 640x480 RGB + depth + a 100k-point cloud at 30 Hz into a bag (MB/s, drops), then replay it as fast as possible')
      .option('--json', 'print only the JSON result on stdout')
      .option('--seconds <s>', 'recording time', '20')
      .option('--hz <n>', 'publishing rate', '30')
      .option('--size <WxH>', 'image size', '640x480')
      .option('--points <n>', 'points per cloud', '100000')
      .option('--compression <c>', 'zstd | none', 'zstd')
      .option('--level <n>', 'zstd level (negative: faster)', '1')
      .option('--frames <n>', 'distinct frames rendered first and republished', '4')
      .option('--dir <dir>', 'where the bag is written (default a temporary folder)')
      .option('--keep', 'keep the bag'),
  ).action(async (opts: GlobalOptions & { json?: boolean; seconds: string; hz: string; size: string; points: string; compression: string; level: string; frames: string; dir?: string; keep?: boolean }) => {
    const { benchBag } = await import('../../../bench/bag.js');
    await withRuntime(
      opts,
      [],
      async (rt) => {
        const [width, height] = opts.size.split('x').map(Number);
        if (opts.compression !== 'zstd' && opts.compression !== 'none') throw new Error(`bench bag: --compression must be zstd or none, got ${opts.compression}`);
        const result = await benchBag(rt.config.sim, {
          seconds: Number(opts.seconds),
          hz: Number(opts.hz),
          width,
          height,
          points: Number(opts.points),
          compression: opts.compression,
          level: Number(opts.level),
          frames: Number(opts.frames),
          keep: opts.keep === true,
          logger: rt.logger,
          ...(opts.dir === undefined ? {} : { dir: opts.dir }),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
      },
      { console: !opts.json },
    );
  });

  addGlobalOptions(
    bench
      .command('perception')
      .description('milliseconds per cloud of each point-cloud perception stage (crop, plane, self-filter, FPS) on real sim clouds')
      .option('--json', 'print only the JSON result on stdout')
      .option('--repeats <n>', 'timed passes over the clouds', '30'),
  ).action(async (opts: GlobalOptions & { json?: boolean; repeats: string }) => {
    const { benchPerception } = await import('../../../bench/perception.js');
    const { perceptionConfigSchema } = await import('../../core/config/perceptionConfig.js');
    await withRuntime(
      opts,
      [],
      async (rt) => {
        // model.perception once the model config carries it (its defaults until then).
        const perception = perceptionConfigSchema.parse((rt.config.model as { perception?: unknown }).perception ?? {});
        const result = await benchPerception(rt.config.sim, perception, rt.config.model.points.count, Number(opts.repeats));
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
      },
      { console: !opts.json },
    );
  });

  addGlobalOptions(
    bench
      .command('soak')
      .description('the main job\'s loop with the learner and a recorder for a long time: slopes of RSS, wasm heap, tensors, replay buffer and open handles per 10 minutes after warm-up; control rate and latency per window')
      .option('--json', 'print only the JSON result on stdout')
      .option('--minutes <m>', 'how long to run', '60')
      .option('--window-minutes <m>', 'length of each window of control rate and latency', '10')
      .option('--warmup-minutes <m>', 'samples before this are left out of the slopes', '10')
      .option('--sample-seconds <s>', 'seconds between memory samples', '10')
      .option('--split-mb <mb>', 'start a new bag file every this many MiB', '64')
      .option('--bag-dir <dir>', 'where the bag goes (default a temporary folder, removed at the end)')
      .option('--keep-bag', 'keep the temporary bag'),
  ).action(
    async (opts: GlobalOptions & { json?: boolean; minutes: string; windowMinutes: string; warmupMinutes: string; sampleSeconds: string; splitMb: string; bagDir?: string; keepBag?: boolean }) => {
      const { benchSoak } = await import('../../../bench/soak.js');
      await withRuntime(
        opts,
        [],
        async (rt) => {
          const result = await benchSoak(rt.config, {
            minutes: Number(opts.minutes),
            windowMinutes: Number(opts.windowMinutes),
            warmupMinutes: Number(opts.warmupMinutes),
            sampleSeconds: Number(opts.sampleSeconds),
            splitMb: Number(opts.splitMb),
            keepBag: opts.keepBag === true,
            logger: rt.logger,
            ...(opts.bagDir === undefined ? {} : { bagDir: opts.bagDir }),
            ...(opts.json ? {} : { onSample: (s, m) => process.stderr.write(`soak ${m.toFixed(1)} min: rss ${(s.rss_bytes / 2 ** 20).toFixed(0)} MiB, wasm ${(s.wasm_heap_bytes / 2 ** 20).toFixed(0)} MiB, tensors ${s.tensors}, handles ${s.open_handles}\n`) }),
          });
          process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
        },
        { console: !opts.json },
      );
    },
  );

  addGlobalOptions(
    bench
      .command('loop')
      .description('control rate and latency of the perception-action loop with the learner training in its worker')
      .option('--json', 'print only the JSON result on stdout')
      .option('--seconds <s>', 'measuring time after warm-up', '20')
      .option('--viz <[host:]port>', 'with the live view on, and a Foxglove client (in a worker thread) subscribed to every channel'),
  ).action(async (opts: GlobalOptions & { json?: boolean; seconds: string; viz?: string }) => {
    const { benchLoop } = await import('../../../bench/loop.js');
    const { parseVizAddress } = await import('../../live/index.js');
    await withRuntime(
      opts,
      [],
      async (rt) => {
        const result = await benchLoop(rt.config, Number(opts.seconds), rt.logger, opts.viz === undefined ? {} : { viz: parseVizAddress(opts.viz) });
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
      },
      { console: !opts.json },
    );
  });

  bench
    .command('report-html <file>')
    .description("open a run's report.html in headless Chromium with no network: every chart drawn, every picture decoded, nothing fetched (exit 1 otherwise)")
    .option('--screenshot <png>', 'write a full-page screenshot here')
    .option('--chromium <path>', 'Chromium or Chrome binary (default $CHROMIUM_PATH, then /usr/bin/chromium ...)')
    .action(async (file: string, opts: { screenshot?: string; chromium?: string }) => {
      try {
        const { checkReportHtml, reportHtmlProblems } = await import('../../../bench/reportHtml.js');
        const check = await checkReportHtml(file, { ...(opts.screenshot === undefined ? {} : { screenshot: opts.screenshot }), ...(opts.chromium === undefined ? {} : { executablePath: opts.chromium }) });
        process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
        const problems = reportHtmlProblems(check);
        if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
      } catch (e) {
        process.stderr.write(`jepa-agent: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
