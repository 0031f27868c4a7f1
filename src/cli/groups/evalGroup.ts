import type { Command } from 'commander';
import type { ProgramInfo } from './ProgramInfo.js';
import { addGlobalOptions } from '../runtime.js';
import type { GlobalOptions } from '../runtime.js';
import type { EvalAblateOptions } from '../commands/evalAblate.js';
import type { EvalCrossmodalOptions } from '../commands/evalCrossmodal.js';
import type { EvalPredictOptions } from '../commands/evalPredict.js';
import type { EvalProbeOptions } from '../commands/evalProbe.js';
import type { EvalPushOptions } from '../commands/evalPush.js';
import type { EvalTransferOptions } from '../commands/evalTransfer.js';
import { withRuntime } from '../withRuntime.js';
import { addTopicRoleOptions } from './topicRoleOptions.js';
import type { TopicRoleFlags } from './topicRoleOptions.js';

/** Options every experiment shares: mode, encoder source, where the run folder goes. */
function addExperimentOptions(cmd: Command): Command {
  return addGlobalOptions(
    cmd
      .option('--quick', 'small sizes that finish in a few minutes (what the tests run)')
      .option('--ckpt <dir>', 'encoder checkpoint (e.g. runs/<time>/checkpoint of `jepa-agent sim`); without it one is trained here on motor babbling first')
      .option('--train-steps <n>', 'learner steps when training here (default 600, quick 40)')
      .option('--babble-episodes <n>', 'babbling episodes to train on when training here (default 60, quick 6)')
      .option('--runs-dir <dir>', 'parent folder of run folders', 'runs'),
  );
}

type ExperimentFlags = GlobalOptions & { quick?: boolean; ckpt?: string; trainSteps?: string; babbleEpisodes?: string; runsDir: string };

const commandLine = (): string => ['jepa-agent', ...process.argv.slice(2)].join(' ');

/** `jepa-agent eval ...`: the research experiments, each writing a run folder (JSON, markdown, PNG plots). */
export function registerEvalCommands(program: Command, info: ProgramInfo): void {
  const evalCmd = program
    .command('eval')
    .description('research experiments on the learned representation; each writes runs/<time>-<name>/ (report.json, report.md, report.html, plots)')
    .enablePositionalOptions();
  // `eval --bags DIR --ckpt CKPT` (no experiment named): prediction error per horizon on recorded bags.
  addGlobalOptions(
    addTopicRoleOptions(evalCmd, '--topics <file>')
      .option('--bags <dir>', 'bags to evaluate a checkpoint on: multi-step latent prediction error vs copy-last per horizon')
      .option('--ckpt <dir>', 'world-model checkpoint (with --bags)')
      .option('--horizon <n>', 'prediction horizon (with --bags; default the checkpoint\'s model.horizon)')
      .option('--out <dir>', 'also write report.json, report.md and report.html here (with --bags)')
      .option('--strict', 'with --bags: stop at the first bag message that cannot be decoded (default: skip and count it, warning once per bag)'),
  ).action(async (opts: GlobalOptions & TopicRoleFlags & { bags?: string; ckpt?: string; horizon?: string; out?: string; topics?: string; strict?: boolean }) => {
    if (opts.bags === undefined || opts.ckpt === undefined) {
      evalCmd.help();
      return;
    }
    const { evalBags } = await import('../commands/evalBags.js');
    await withRuntime(opts, [], (rt) => evalBags(rt, { ...opts, bags: opts.bags!, ckpt: opts.ckpt!, ...(opts.topics === undefined ? {} : { topicsFile: opts.topics }) }));
  });

  // eval probe
  addExperimentOptions(
    evalCmd
      .command('probe')
      .description('few-label object (shape) recognition from frozen latents: linear probe and k-NN with 1/5/10 labels per class, on the training and unseen splits, vs a random encoder and raw pixels / points')
      .option('--shapes <list>', 'shape classes (default: every shape of sim/objects.json)')
      .option('--splits <list>', 'splits tested', 'train,unseen_colors,unseen_lighting,unseen_objects,unseen_camera,unseen_all')
      .option('--pool <n>', 'labelled training-split scenes per class (default 40, quick 10)')
      .option('--test <n>', 'test scenes per class and split (default 20, quick 4)')
      .option('--shots <list>', 'labelled examples per class', '1,5,10')
      .option('--repeats <n>', 'few-shot draws per label count (default 10, quick 3)')
      .option('--k <n>', 'neighbours of the k-NN classifier', '5')
      .option('--view <view>', "scene (the agent's observation) or glimpse (a crop centred on the object from a finer render)", 'scene')
      .option('--zoom <n>', 'render resolution factor of the glimpse view', '4')
      .option('--min-pixels <n>', 'redraw scenes whose object covers fewer camera pixels', '4')
      .option('--pixel-side <n>', 'side of the downsampled raw-pixel baseline', '16'),
  ).action(async (opts: EvalProbeOptions & ExperimentFlags) => {
    const { evalProbe } = await import('../commands/evalProbe.js');
    await withRuntime(opts, [], (rt) => evalProbe(rt, { ...opts, command: commandLine(), version: info.version }));
  });

  // eval predict
  addExperimentOptions(
    evalCmd
      .command('predict')
      .description('open-loop latent prediction error per horizon vs copy-last on seen and unseen splits, and ridge probes from latents to object and end-effector positions')
      .option('--horizon <n>', 'prediction steps (default 8, quick 3)')
      .option('--splits <list>', 'splits tested (default all, quick train,unseen_all)')
      .option('--tasks <list>', 'tasks of the babbling episodes', 'reach,push')
      .option('--fit-episodes <n>', 'training-split episodes the probes are fitted on (default 120, quick 8)')
      .option('--test-episodes <n>', 'held-out episodes per split (default 12, quick 2)')
      .option('--push-episodes <n>', 'true-state scripted push episodes per split, for how well the model foresees the object moving (default 12, quick 2; 0: none)')
      .option('--steps <n>', 'actions per episode (default 20, quick 12)'),
  ).action(async (opts: EvalPredictOptions & ExperimentFlags) => {
    const { evalPredict } = await import('../commands/evalPredict.js');
    await withRuntime(opts, [], (rt) => evalPredict(rt, { ...opts, command: commandLine(), version: info.version }));
  });

  // eval push
  addExperimentOptions(
    evalCmd
      .command('push')
      .description('the learned planner on push from home and from the pre-push pose the true-state scripted pusher reaches: success, closest approach, ticks moving the object, progress (which half of a push fails)')
      .option('--episodes <n>', 'episodes per split and start (default 20, quick 2)')
      .option('--splits <list>', 'splits tested', 'train,unseen_all')
      .option('--starts <list>', 'where the planner takes over: home, pre-push', 'home,pre-push')
      .option('--behind <m>', 'pre-push pose: tool this far behind the object on the line to the goal, metres (default 0.07)')
      .option('--max-height <m>', 'pre-push pose: tool below this height, metres (default 0.03)')
      .option('--practice <n>', 'object-play episodes first, the checkpoint unchanged, so the stance (agent.planning.objectFirst.stance) has practice moments (default 40, quick 2; 0: none)'),
  ).action(async (opts: EvalPushOptions & ExperimentFlags) => {
    const { evalPush } = await import('../commands/evalPush.js');
    await withRuntime(opts, [], (rt) => evalPush(rt, { ...opts, command: commandLine(), version: info.version }));
  });

  // eval crossmodal
  addExperimentOptions(
    evalCmd
      .command('crossmodal')
      .description('vision <-> joint-angle mapping with the multi-modal SOM of Jülg et al. (2023) on an autoencoder latent and on our encoder latent; the four mapping errors, time and memory')
      .option('--samples <n>', 'random arm poses (80% train, 20% test; default 3000, quick 200)')
      .option('--split <split>', 'split of the scene', 'train')
      .option('--image-side <n>', 'image side the autoencoder reconstructs (default 32, quick 16)')
      .option('--ae-latent <n>', 'autoencoder latent size', '8')
      .option('--ae-hidden <n>', 'autoencoder hidden width (default 256, quick 64)')
      .option('--ae-epochs <n>', 'autoencoder epochs (default 40, quick 3)')
      .option('--som-size <n>', 'SOM grid side (default 16, quick 6)')
      .option('--som-epochs <n>', 'SOM epochs (default 40, quick 5)')
      .option('--som-batch <n>', 'SOM mini-batch size', '10'),
  ).action(async (opts: EvalCrossmodalOptions & ExperimentFlags) => {
    const { evalCrossmodal } = await import('../commands/evalCrossmodal.js');
    await withRuntime(opts, [], (rt) => evalCrossmodal(rt, { ...opts, command: commandLine(), version: info.version }));
  });

  // eval ablate
  addGlobalOptions(
    evalCmd
      .command('ablate')
      .description('ablation arms (full, passive predictor, no point cloud, concatenation vs precision fusion under sensor noise and dropout, EMA vs VICReg), each learning online from scratch per seed: closed-loop success and a shape probe')
      .option('--quick', 'small sizes and budgets that finish in a few minutes (what the tests run)')
      .option('--seeds <list>', 'comma-separated seeds, every arm runs each (default 1,2,3, quick 1)')
      .option('--steps <n>', 'practice budget of every run in environment steps (default 1000, quick 48)')
      .option('--minutes <m>', 'practice budget of every run in minutes instead (not reproducible)')
      .option('--arms <list>', 'arms to run (default all): full, passive, no_points, no_object_view, concat, averaged, gated_noise, concat_noise, gated_dropout, concat_dropout, ema')
      .option('--tasks <list>', 'tasks evaluated in closed loop', 'reach')
      .option('--eval-episodes <n>', 'evaluation episodes per task (default 8, quick 2)')
      .option('--learner-steps <n>', 'learner steps after each practice episode (default 24, quick 3)')
      .option('--probe-per-class <n,m>', 'shape probe: labelled and test scenes per class (default 8,6, quick 4,2)')
      .option('--runs-dir <dir>', 'parent folder of run folders', 'runs'),
  ).action(async (opts: Omit<EvalAblateOptions, 'command'> & GlobalOptions) => {
    const { evalAblate } = await import('../commands/evalAblate.js');
    const { modeOverrides } = await import('../../eval/ablate/index.js');
    // The mode's sizes come first, so that the user's --set still wins.
    await withRuntime({ ...opts, set: [...modeOverrides(opts.quick), ...opts.set] }, [], (rt) => evalAblate(rt, { ...opts, command: commandLine() }));
  });

  // eval transfer
  addGlobalOptions(
    evalCmd
      .command('transfer')
      .description('closed-loop success on each split after learning online on the training split, and after a short online adaptation on that split, vs random actions')
      .option('--quick', 'small sizes and budgets that finish in a few minutes (what the tests run)')
      .option('--seeds <list>', 'comma-separated seeds (default 1,2,3, quick 1)')
      .option('--steps <n>', 'practice budget on the training split in environment steps (default 1000, quick 48)')
      .option('--minutes <m>', 'practice budget on the training split in minutes instead (not reproducible)')
      .option('--adapt-steps <n>', 'online adaptation budget on each split, environment steps (default 160, quick 24)')
      .option('--splits <list>', "splits measured; 'train' is the control", 'train,unseen_colors,unseen_lighting,unseen_objects,unseen_camera,unseen_all')
      .option('--tasks <list>', 'tasks evaluated in closed loop', 'reach')
      .option('--eval-episodes <n>', 'evaluation episodes per task and split (default 6, quick 2)')
      .option('--learner-steps <n>', 'learner steps after each practice episode (default 24, quick 3)')
      .option('--runs-dir <dir>', 'parent folder of run folders', 'runs'),
  ).action(async (opts: Omit<EvalTransferOptions, 'command'> & GlobalOptions) => {
    const { evalTransfer } = await import('../commands/evalTransfer.js');
    const { modeOverrides } = await import('../../eval/ablate/index.js');
    await withRuntime({ ...opts, set: [...modeOverrides(opts.quick), ...opts.set] }, [], (rt) => evalTransfer(rt, { ...opts, command: commandLine() }));
  });
}
