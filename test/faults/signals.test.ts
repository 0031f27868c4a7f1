// SIGINT and SIGTERM at every phase of `sim`, `record` and `run`, sent to the real CLI with
// tiny configs: the checkpoint is written, the bag is closed and readable, and the exit code
// says which signal ended the job. `run` needs ROS 2; without it those tests skip, saying why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BagReader, readBagEpisodes } from '../../src/bag/index.js';
import { loadCheckpoint, MANIFEST_FILE } from '../../src/model/index.js';
import { QUICK_OVERRIDES } from '../../src/eval/ablate/index.js';
import { rosPreflight } from '../../src/ros/index.js';
import { TEST_ENGINE_OVERRIDE, useTestBackend } from '../backend.js';

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const PHASE_MS = 120_000;

type Signal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly Signal[] = ['SIGINT', 'SIGTERM'];

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(args: readonly string[]): Child {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => chunks.join(''), exited };
}

/** Resolves once the child's output matches `marker`; rejects if it exits first or the wait runs out. */
function waitForOutput(child: Child, marker: RegExp, timeoutMs = PHASE_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      child.process.stdout!.off('data', check);
      child.process.stderr!.off('data', check);
      if (error) reject(error);
      else resolve();
    };
    const check = (): void => {
      if (marker.test(child.output())) done();
    };
    const timer = setTimeout(() => done(new Error(`no ${marker} within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    child.process.stdout!.on('data', check);
    child.process.stderr!.on('data', check);
    void child.exited.then((code) => {
      // Output that came with the exit is checked once more.
      setImmediate(() => (marker.test(child.output()) ? done() : done(new Error(`exited (${code}) before ${marker}:\n${child.output()}`))));
    });
    check();
  });
}

/** Starts the CLI, sends `signal` once `marker` shows, and returns its exit code and output. */
async function signalAt(args: readonly string[], marker: RegExp, signal: Signal): Promise<{ code: number | null; output: string }> {
  const child = start(args);
  try {
    await waitForOutput(child, marker);
    child.process.kill(signal);
    const code = await Promise.race([child.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${PHASE_MS} ms of ${signal}:\n${child.output()}`)), PHASE_MS))]);
    return { code, output: child.output() };
  } finally {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
}

const exitCodeOf = (signal: Signal): number => 128 + constants.signals[signal];
const SETS = (overrides: readonly string[]): string[] => overrides.flatMap((o) => ['--set', o]);

/** Every file of the bag has its summary (it was closed) and every message reads back. */
async function assertClosedAndReadable(bag: string): Promise<number> {
  assert.ok(existsSync(join(bag, 'metadata.yaml')), 'metadata.yaml written');
  const reader = await BagReader.open(bag);
  assert.ok(reader.files.length > 0, 'files in the bag');
  for (const f of reader.files) assert.ok(f.summary !== undefined, `${f.path} closed: ${f.indexError ?? ''}`);
  let n = 0;
  for await (const _ of reader.messages()) n++;
  assert.deepEqual(reader.problems, []);
  return n;
}

describe('sim: SIGINT and SIGTERM at every phase', () => {
  const root = mkdtempSync(join(tmpdir(), 'jepa-signals-sim-'));
  before(() => useTestBackend());
  after(() => rmSync(root, { recursive: true, force: true }));
  const args = (runsDir: string): string[] => [
    'sim',
    '--tasks', 'reach,push',
    '--splits', 'train',
    '--steps', '48',
    '--eval-every', '2',
    '--eval-episodes', '1',
    '--final-eval-episodes', '1',
    '--runs-dir', runsDir,
    ...SETS([...QUICK_OVERRIDES, TEST_ENGINE_OVERRIDE, 'plan.samples=16', 'plan.elites=4', 'plan.horizon=2', 'plan.iterations=1']),
  ];
  // Each phase by the log line that opens it; the final baselines run to their end before a signal is taken.
  const phases: ReadonlyArray<{ phase: string; marker: RegExp; interrupted: boolean }> = [
    { phase: 'start-up', marker: /starting: tensor backend, simulation, learner/, interrupted: true },
    { phase: 'random baseline', marker: /measuring the random-action baseline/, interrupted: true },
    { phase: 'practice', marker: /^learning +\d+%/m, interrupted: true },
    { phase: 'evaluation round', marker: /evaluation round/, interrupted: true },
    { phase: 'final evaluation', marker: /final evaluation/, interrupted: true },
    { phase: 'final baselines', marker: /final baselines on the final round's seeds/, interrupted: false },
  ];
  for (const { phase, marker, interrupted } of phases) {
    for (const signal of SIGNALS) {
      test(`${signal} during ${phase}: checkpoint and report written, exit ${exitCodeOf(signal)}`, async () => {
        const runsDir = join(root, `${phase.replace(/ /g, '-')}-${signal}`);
        const { code, output } = await signalAt(args(runsDir), marker, signal);
        assert.equal(code, exitCodeOf(signal), output);
        assert.match(output, new RegExp(`${signal}: stopping the run in order`));
        const [runDir] = readdirSync(runsDir);
        const checkpoint = join(runsDir, runDir, 'checkpoint');
        assert.ok(existsSync(join(checkpoint, MANIFEST_FILE)), `checkpoint written:\n${output}`);
        const model = await loadCheckpoint(checkpoint);
        model.dispose();
        const report = JSON.parse(readFileSync(join(runsDir, runDir, 'report.json'), 'utf8')) as { interrupted?: string; learnerRestarts: number };
        if (interrupted) assert.equal(report.interrupted, signal, output);
        else assert.equal(report.interrupted, undefined, 'the run had finished its work');
        assert.equal(report.learnerRestarts, 0);
        assert.ok(existsSync(join(runsDir, runDir, 'report.md')));
      });
    }
  }
});

describe('record: SIGINT and SIGTERM at every phase', () => {
  const root = mkdtempSync(join(tmpdir(), 'jepa-signals-record-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const args = (out: string): string[] => ['record', '--episodes', '4', '--tasks', 'reach,push', '--out', out, ...SETS(['sim.episodeSteps=30', 'sim.camera.width=32', 'sim.camera.height=32'])];
  for (const signal of SIGNALS) {
    test(`${signal} during start-up: the bag is closed, exit ${exitCodeOf(signal)}`, async () => {
      const out = join(root, `startup-${signal}`);
      const { code, output } = await signalAt(args(out), /starting: simulation and recorder/, signal);
      assert.equal(code, exitCodeOf(signal), output);
      assert.match(output, /recorded \d+ episodes \(stopped by SIG(INT|TERM)/);
      assert.ok(existsSync(join(out, 'metadata.yaml')), 'metadata.yaml written');
      // Files are created with their first message: a recording stopped before it has none, else they are closed.
      if (readdirSync(out).some((f) => f.endsWith('.mcap'))) await assertClosedAndReadable(out);
    });

    test(`${signal} while recording: the episode under way ends, the bag is closed and readable, exit ${exitCodeOf(signal)}`, async () => {
      const out = join(root, `recording-${signal}`);
      const { code, output } = await signalAt(args(out), /^record +\d+%/m, signal);
      assert.equal(code, exitCodeOf(signal), output);
      assert.match(output, new RegExp(`recorded [1-4] episodes \\(stopped by ${signal}`));
      assert.ok((await assertClosedAndReadable(out)) > 0);
      // Every episode that started has its end marker and its transitions.
      const episodes = await readBagEpisodes(out, { convert: () => 0 });
      assert.ok(episodes.length >= 1);
      for (const e of episodes) assert.ok(e.actions.length >= 1);
    });
  }
});

const preflight = rosPreflight(process.env);
const skip = preflight.ok ? false : `ROS 2 is not available: ${preflight.problems.join('; ')}`;
if (skip !== false) process.stdout.write(`# signals (run) skipped: ${skip}\n`);

describe('run: SIGINT and SIGTERM at every phase (ROS 2)', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'jepa-signals-run-'));
  const SIM = SETS(['sim.camera.width=64', 'sim.camera.height=64', 'sim.episodeSteps=100000', 'sim.controlHz=20']);
  let robot: Child | undefined;
  before(async () => {
    robot = start(['sim-robot', ...SIM]);
    await waitForOutput(robot, /./);
  });
  after(async () => {
    if (robot !== undefined && robot.process.exitCode === null) {
      robot.process.kill('SIGINT');
      await robot.exited;
    }
    rmSync(root, { recursive: true, force: true });
  });
  const args = (dir: string): string[] => [
    'run', '-p', 'action_interface=twist', '-p', 'topics.command=/servo_node/delta_twist_cmds', '-p', 'topics.ee_pose=/jepa_sim/ee_pose',
    '-p', 'topics.goal_image=/jepa_sim/goal_image', '-p', 'learn=true', '-p', 'without_goal=explore', '-p', `checkpoint_out=${join(dir, 'checkpoint')}`,
    '-p', 'watchdog.plan_timeout_ms=5000', '--record', join(dir, 'bag'),
    ...SETS([TEST_ENGINE_OVERRIDE, 'model.points.count=64', 'plan.samples=16', 'plan.elites=4', 'plan.iterations=1']),
  ];
  const phases: ReadonlyArray<{ phase: string; marker: RegExp; bag: boolean }> = [
    { phase: 'start-up', marker: /starting: ROS 2, tensor backend, model, learner, node/, bag: false },
    { phase: 'running', marker: /info running /, bag: true },
  ];
  for (const { phase, marker, bag } of phases) {
    for (const signal of SIGNALS) {
      test(`${signal} during ${phase}: checkpoint written, bag closed and readable, exit 0`, async () => {
        const dir = join(root, `${phase}-${signal}`);
        const { code, output } = await signalAt(args(dir), marker, signal);
        assert.equal(code, 0, output);
        assert.ok(existsSync(join(dir, 'checkpoint', MANIFEST_FILE)), `checkpoint written:\n${output}`);
        if (bag || existsSync(join(dir, 'bag'))) await assertClosedAndReadable(join(dir, 'bag'));
      });
    }
  }
});
