import type { Action, ActionSpace } from '../core/Action.js';
import { clipAction, makeActionSpace } from '../core/Action.js';
import type { SimConfig, SplitName, TaskName } from '../core/config/simConfig.js';
import type { Logger } from '../core/Logger.js';
import { silentLogger } from '../core/Logger.js';
import type { CameraView, DepthImage, Observation, Proprioception, RgbImage } from '../core/Observation.js';
import type { Pose, Vec3 } from '../core/Pose.js';
import { composePoses, inversePose, matrixToQuat } from '../core/Pose.js';
import { Rng } from '../core/Rng.js';
import type { Timestamp } from '../core/Timestamp.js';
import { timestampFromSeconds } from '../core/Timestamp.js';
import { ArmKinematics } from './ArmKinematics.js';
import type { CameraFrame } from './camera/index.js';
import { RayCamera, applySensorNoise, depthToPointCloud, opticalPoseOfMujocoCamera } from './camera/index.js';
import type { MainModule, MjData, MjModel } from './mujoco.js';
import { compileMjcf, loadMujoco, requireId, SceneLoadError } from './mujoco.js';
import type { ObjectInstance } from './objectsXml.js';
import { objectsXml } from './objectsXml.js';
import type { SceneAppearance } from './randomization.js';
import { sampleAppearance, sampleObjectLook } from './randomization.js';
import type { SceneData } from './sceneData.js';
import { loadSceneData } from './sceneData.js';
import { armLinkFrames } from './linkFrames.js';
import type { LinkFrame } from './linkFrames.js';
import { robotShapesOf, subtreeGeomIds } from './robotShapes.js';
import type { Goal, TaskProgress } from './tasks.js';
import { isLiftedAndGrasped, isSuccess, placeObjects, sampleGoal } from './tasks.js';

export interface ResetOptions {
  task?: TaskName;
  split?: SplitName;
  /** Shape of every object of the scene (a catalogue name) instead of one drawn from the split: labelled scenes for probes. */
  shape?: string;
}

export interface StepResult {
  readonly observation: Observation;
  /** The action as applied, after validation and clipping to the action space. */
  readonly action: Action;
  /** The task's success test holds now. */
  readonly success: boolean;
  /** The episode reached its step limit. */
  readonly done: boolean;
  readonly step: number;
}

/** Everything the agent must never see: for success tests, reports and scripted controllers. */
export interface TrueState {
  readonly time: number;
  readonly step: number;
  readonly task: TaskName;
  readonly split: SplitName;
  readonly goal: Goal;
  readonly toolPosition: Vec3;
  readonly armPositions: Float64Array;
  readonly gripper: number;
  readonly objects: ReadonlyArray<{ name: string; shape: string; position: Vec3; quaternion: readonly [number, number, number, number] }>;
  readonly grasped: boolean;
  /** A geom of the arm (any body under sim.robot.baseBody, fingers included) touched a geom of any object during the last step (any physics substep): for interaction measurements. */
  readonly armTouchesObject: boolean;
  readonly success: boolean;
}

const SETTLE_STEPS = 60;
const GRIPPER_OPEN_AT_RESET = 1;

/**
 * The embedded MuJoCo world: a tabletop arm (any arm `sim.robot` describes) with RGB-D +
 * point-cloud cameras and tasks.
 * Each reset builds the episode's scene (objects generated from the catalogue and split),
 * so the same seed gives the same episode bit for bit. Call `close()` to free wasm memory.
 */
export class SimEnv {
  readonly config: Readonly<SimConfig>;
  readonly actionSpace: ActionSpace;
  readonly scene: SceneData;
  readonly #mj: MainModule;
  readonly #log: Logger;
  #episode: Episode | undefined;
  /** Sim time of the episodes before this one, so stamps keep increasing across resets. */
  #clockOffset = 0;
  #episodeCount = 0;

  private constructor(mj: MainModule, config: Readonly<SimConfig>, scene: SceneData, logger: Logger) {
    this.#mj = mj;
    this.config = config;
    this.scene = scene;
    this.#log = logger;
    this.actionSpace = buildActionSpace(config);
  }

  static async create(config: Readonly<SimConfig>, options: { logger?: Logger; dataDir?: string } = {}): Promise<SimEnv> {
    const mj = await loadMujoco();
    const scene = loadSceneData(config.scene, options.dataDir, config.robot);
    return new SimEnv(mj, config, scene, (options.logger ?? silentLogger).child({ component: 'sim' }));
  }

  get controlPeriod(): number {
    return 1 / this.config.controlHz;
  }

  /** Starts an episode: new scene, new goal. Returns the first observation. */
  reset(seed: number, options: ResetOptions = {}): Observation {
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`sim.reset: seed must be a non-negative integer, got ${seed}`);
    const task = options.task ?? this.config.task;
    const split = options.split ?? this.config.split;
    if (this.#episode) {
      this.#clockOffset += this.#episode.data.time;
      this.#episode.free();
      this.#episode = undefined;
    }
    this.#episode = Episode.build(this.#mj, this.config, this.scene, task, split, seed, this.#clockOffset, options.shape);
    if (this.#episodeCount++ === 0) this.#checkControlPeriod(this.#episode);
    this.#log.debug('reset', { seed, task, split, goal: this.#episode.goal.position, episode: this.#episodeCount });
    return this.#episode.observe();
  }

  /** Applies one action for one control period. */
  step(action: ArrayLike<number>): StepResult {
    const ep = this.#requireEpisode('step');
    const applied = clipAction(this.actionSpace, action);
    ep.apply(applied);
    return {
      observation: ep.observe(),
      action: applied,
      success: ep.success,
      done: ep.step >= this.config.episodeSteps,
      step: ep.step,
    };
  }

  observe(): Observation {
    return this.#requireEpisode('observe').observe();
  }

  /**
   * Puts the arm at joint positions `q` (sim.robot.joints order, clamped to the joint ranges)
   * at rest, without stepping the physics, and observes: arm-pose datasets (image + joint angles).
   */
  poseArm(q: ArrayLike<number>): Observation {
    const ep = this.#requireEpisode('poseArm');
    const joints = this.config.robot.joints;
    if (q.length !== joints.length) throw new RangeError(`sim.poseArm: expected ${joints.length} joint positions (${joints.join(', ')}), got ${q.length}`);
    const clamped = Array.from(joints, (_, i) => Math.min(ep.kin.jointHigh[i], Math.max(ep.kin.jointLow[i], q[i])));
    ep.kin.setArmPositions(ep.data, clamped);
    ep.mj.mj_forward(ep.model, ep.data);
    ep.poseSet();
    return ep.observe();
  }

  /** Joint ranges of the arm (sim.robot.joints order; radians or metres; ±Infinity for an unlimited joint). */
  armJointRanges(): { low: Float64Array; high: Float64Array } {
    const ep = this.#requireEpisode('armJointRanges');
    return { low: Float64Array.from(ep.kin.jointLow), high: Float64Array.from(ep.kin.jointHigh) };
  }

  /** What the scene looks like with the goal achieved: cameras only, no proprioception. */
  goalObservation(): Observation {
    return this.#requireEpisode('goalObservation').goalObservation;
  }

  /** Ground truth, for success tests and reports only: the agent never sees it. */
  trueState(): TrueState {
    return this.#requireEpisode('trueState').trueState();
  }

  /**
   * World pose of the robot base: the frame the clouds are in, with which a calibrated camera
   * (CameraFrame.pose) maps base-frame points to pixels. Calibration, not object state.
   */
  basePose(): Pose {
    return this.#requireEpisode('basePose').basePose();
  }

  /**
   * The arm's link frames (each body in its parent, the root as `base_link`) and the cameras'
   * optical frames in `base_link`, at the current state: a TF tree for a live view. For
   * display only: the agent never reads it.
   */
  linkFrames(): LinkFrame[] {
    return this.#requireEpisode('linkFrames').linkFrames();
  }

  /** Renders a named camera ('scene' or 'wrist') at the current state, without noise. */
  render(camera: 'scene' | 'wrist', size?: { width: number; height: number }): CameraFrame {
    return this.#requireEpisode('render').renderRaw(camera, size);
  }

  /** Renders a camera at the goal state (as goalObservation shows it), without noise: goal pictures for a person, at any size. */
  renderGoal(camera: 'scene' | 'wrist', size?: { width: number; height: number }): CameraFrame {
    return this.#requireEpisode('renderGoal').renderGoalRaw(camera, size);
  }

  /** Raw MuJoCo handles for benchmarks and advanced tools; do not keep them across resets. Stepping through them leaves trueState's contact flags stale until the next `step`. */
  get mujoco(): { mj: MainModule; model: MjModel; data: MjData } {
    const ep = this.#requireEpisode('mujoco');
    return { mj: this.#mj, model: ep.model, data: ep.data };
  }

  close(): void {
    this.#episode?.free();
    this.#episode = undefined;
  }

  /** The control period is a whole number of physics steps; say so when that rounds it. */
  #checkControlPeriod(ep: Episode): void {
    const timestep = ep.model.opt.timestep;
    const actual = ep.substeps * timestep;
    if (Math.abs(actual - 1 / this.config.controlHz) > 1e-9) {
      this.#log.warn(
        `sim.controlHz ${this.config.controlHz}: the control period is ${ep.substeps} physics steps of ${timestep} s = ${actual} s, not ${1 / this.config.controlHz} s`,
      );
    }
  }

  #requireEpisode(what: string): Episode {
    if (!this.#episode) throw new Error(`sim.${what}: no episode; call reset(seed) first`);
    return this.#episode;
  }
}

function buildActionSpace(config: Readonly<SimConfig>): ActionSpace {
  if (config.actionSpace === 'ee_delta') {
    const e = config.maxEeDelta;
    return makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-e, -e, -e, -1], [e, e, e, 1]);
  }
  // One delta per arm joint of the robot, then the gripper command (kept without a gripper, as
  // the ROS node's action spaces keep it, so every action ends with it; it is then ignored).
  const j = config.maxJointDelta;
  const joints = config.robot.joints;
  return makeActionSpace(
    'joint_delta',
    [...joints, 'gripper'],
    [...joints.map(() => -j), -1],
    [...joints.map(() => j), 1],
  );
}

/** One episode's compiled scene and state; freed as a whole at the next reset. */
class Episode {
  step = 0;
  success = false;
  heldSteps = 0;
  goalObservation!: Observation;
  readonly #cameras = new Map<string, RayCamera>();
  readonly #pointRng: Rng;
  readonly #noiseRng: Rng;
  readonly #baseId: number;
  readonly #objectBodies: Array<{ name: string; shape: string; bodyId: number; geomIds: Set<number> }>;
  /** Geoms of each finger (its body's subtree): an object touched by all of them is grasped. */
  readonly #fingerGeoms: ReadonlyArray<ReadonlySet<number>>;
  /** Every geom of the arm (under its root body, sim.robot.baseBody), fingers included: its self-filter shapes and its contacts. */
  readonly #armGeomList: Int32Array;
  readonly #armGeoms: Set<number>;
  readonly #objectGeomList: Int32Array;
  /** Bumped whenever the physics state changes, so the contacts are scanned at most once per state. */
  #stateVersion = 0;
  #contacts: { version: number; graspedGoalObject: boolean; armTouchesObject: boolean } | undefined;
  /** Arm-object contact at any substep of the last step (a push is often an impact between two ticks). */
  #touchedThisStep = false;
  readonly substeps: number;

  private constructor(
    readonly mj: MainModule,
    readonly config: Readonly<SimConfig>,
    readonly scene: SceneData,
    readonly model: MjModel,
    readonly data: MjData,
    readonly kin: ArmKinematics,
    readonly task: TaskName,
    readonly split: SplitName,
    readonly appearance: SceneAppearance,
    readonly objects: readonly ObjectInstance[],
    readonly goal: Goal,
    readonly clockOffset: number,
    rng: Rng,
  ) {
    this.#pointRng = rng.fork('points');
    this.#noiseRng = rng.fork('noise');
    this.#baseId = kin.baseBodyId;
    this.#objectBodies = objects.map((o) => {
      const bodyId = requireId(mj, model, 'body', o.name);
      const geomIds = new Set<number>();
      for (let g = 0; g < model.ngeom; g++) if (model.geom_bodyid[g] === bodyId) geomIds.add(g);
      return { name: o.name, shape: o.shape, bodyId, geomIds };
    });
    this.#fingerGeoms = Array.from(kin.fingerBodyIds, (b) => new Set(subtreeGeomIds(model, b)));
    this.#armGeomList = subtreeGeomIds(model, this.#baseId);
    this.#armGeoms = new Set(this.#armGeomList);
    this.#objectGeomList = Int32Array.from(this.#objectBodies.flatMap((o) => [...o.geomIds]));
    this.substeps = Math.max(1, Math.round(1 / config.controlHz / model.opt.timestep));
  }

  static build(
    mj: MainModule,
    config: Readonly<SimConfig>,
    scene: SceneData,
    task: TaskName,
    split: SplitName,
    seed: number,
    clockOffset: number,
    shape?: string,
  ): Episode {
    const rng = new Rng(seed);
    const sceneRng = rng.fork('scene');
    const appearance = sampleAppearance(scene.splits, split, sceneRng);
    const count = scene.tasks[task].objects;
    const spots = placeObjects(task, scene.tasks, count, sceneRng);
    const objects: ObjectInstance[] = spots.map(([x, y], i) => ({ name: `object_${i}`, x, y, ...sampleObjectLook(appearance, sceneRng, shape) }));
    const model = compileMjcf(mj, scene.sceneXml, scene.sceneSource, { ...scene.robotMjcf.assets, 'objects.xml': objectsXml(objects, scene.objects) });
    let data: MjData | undefined;
    let kin: ArmKinematics | undefined;
    try {
      if (!scene.robotIncluded) {
        throw new SceneLoadError(`scene ${scene.scenePath} has no <include file="robot.xml"/>: the robot (sim.robot.mjcf ${scene.robotMjcf.path}) goes where the scene includes it`);
      }
      paintScene(mj, model, appearance);
      data = new mj.MjData(model);
      kin = new ArmKinematics(mj, model, scene.robot, scene.robotMjcf.path);
      kin.setArmPositions(data, kin.home);
      kin.setGripper(data, GRIPPER_OPEN_AT_RESET, true);
      mj.mj_forward(model, data);
      for (let i = 0; i < SETTLE_STEPS; i++) mj.mj_step(model, data);
      data.time = 0;
      const armKin = kin;
      const tool = kin.toolPosition(data);
      const firstObject = objects[0] ? bodyPosition(mj, model, data, objects[0].name) : undefined;
      const goal = sampleGoal(task, scene.tasks, { tool, object: firstObject, objectName: objects[0]?.name }, rng.fork('goal'), (target) => {
        const { q, error } = armKin.solve(armKin.home, target, 60);
        if (error > 0.01) return undefined;
        return { position: target, q };
      });
      const episode = new Episode(mj, config, scene, model, data, kin, task, split, appearance, objects, goal, clockOffset, rng);
      episode.goalObservation = episode.#renderGoal();
      return episode;
    } catch (err) {
      kin?.delete();
      data?.delete();
      model.delete();
      throw err;
    }
  }

  apply(action: Action): void {
    const { mj, model, data, kin } = this;
    const v = action.values;
    const q = kin.armPositions(data);
    let target: Float64Array;
    if (action.space === 'ee_delta') {
      const tool = kin.toolPosition(data);
      const box = kin.robot.workspace;
      const goal: Vec3 = [0, 1, 2].map((i) =>
        Math.min(box.max[i], Math.max(box.min[i], tool[i] + v[i])),
      ) as unknown as Vec3;
      target = kin.solve(q, goal, 8).q;
    } else {
      // Deltas accumulate on the commanded target (so a slow joint still gets there), kept
      // within a few steps of the measured position so that a blocked joint cannot wind up.
      const windup = 3 * this.config.maxJointDelta;
      target = q.map((qi, i) => {
        const commanded = data.ctrl[kin.actuatorIds[i]] as number;
        const next = Math.min(qi + windup, Math.max(qi - windup, commanded + v[i]));
        return Math.min(kin.jointHigh[i], Math.max(kin.jointLow[i], next));
      });
    }
    for (let i = 0; i < kin.jointCount; i++) data.ctrl[kin.actuatorIds[i]] = target[i];
    kin.setGripper(data, (v[v.length - 1] + 1) / 2);
    this.#touchedThisStep = false;
    for (let s = 0; s < this.substeps; s++) {
      mj.mj_step(model, data);
      this.stateChanged();
      // Contacts are read only when bounding spheres overlap (MuJoCo's own necessary condition),
      // and no more once this step has touched: usually zero or one scan per step.
      if (!this.#touchedThisStep && this.#armNearObject()) this.#touchedThisStep = this.#scanContacts().armTouchesObject;
    }
    this.step++;
    const progress = this.progress();
    this.heldSteps = this.goal.task === 'pick' && isLiftedAndGrasped(this.goal, this.scene.tasks, progress) ? this.heldSteps + 1 : 0;
    this.success = isSuccess(this.goal, this.scene.tasks, progress, this.heldSteps);
  }

  /** Call after anything that changes the physics state (step, forward), so contacts are rescanned. */
  stateChanged(): void {
    this.#stateVersion++;
  }

  /** After the arm was placed without stepping: contact is read from that state alone. */
  poseSet(): void {
    this.stateChanged();
    this.#touchedThisStep = this.#armNearObject() && this.#scanContacts().armTouchesObject;
  }

  progress(): TaskProgress {
    const obj = this.goal.objectName ? this.#objectBodies.find((o) => o.name === this.goal.objectName) : undefined;
    return {
      toolPosition: this.kin.toolPosition(this.data),
      objectPosition: obj ? bodyPosition(this.mj, this.model, this.data, obj.name) : undefined,
      grasped: obj ? this.#scanContacts().graspedGoalObject : false,
    };
  }

  /** Whether the bounding spheres of an arm geom and an object geom overlap: cheap, no wasm allocation. */
  #armNearObject(): boolean {
    const xpos = this.data.geom_xpos as Float64Array;
    const rbound = this.model.geom_rbound as Float64Array;
    const margin = this.model.geom_margin as Float64Array;
    for (const a of this.#armGeomList) {
      for (const o of this.#objectGeomList) {
        const reach = rbound[a] + rbound[o] + margin[a] + margin[o];
        const dx = xpos[3 * a] - xpos[3 * o];
        const dy = xpos[3 * a + 1] - xpos[3 * o + 1];
        const dz = xpos[3 * a + 2] - xpos[3 * o + 2];
        if (dx * dx + dy * dy + dz * dz <= reach * reach) return true;
      }
    }
    return false;
  }

  /** Grasp and arm-object contact from one pass over the contacts, cached until the state changes. */
  #scanContacts(): { graspedGoalObject: boolean; armTouchesObject: boolean } {
    if (this.#contacts?.version === this.#stateVersion) return this.#contacts;
    const goalGeoms = this.#objectBodies.find((o) => o.name === this.goal.objectName)?.geomIds;
    const fingerTouches = this.#fingerGeoms.map(() => false);
    let touching = false;
    // mujoco-js's `contact` getter copies the contacts into a new wasm vector, and `get` copies
    // one contact into a new handle: both must be deleted, or every call leaks wasm memory
    // (measured: about 0.3 MiB per push episode, out of memory after about 1000 episodes).
    const contacts = this.data.contact;
    try {
      for (let i = 0; i < this.data.ncon; i++) {
        const c = contacts.get(i);
        if (!c) continue;
        const { geom1, geom2 } = c;
        c.delete();
        if (goalGeoms) {
          const other = goalGeoms.has(geom1) ? geom2 : goalGeoms.has(geom2) ? geom1 : -1;
          this.#fingerGeoms.forEach((finger, k) => {
            if (finger.has(other)) fingerTouches[k] = true;
          });
        }
        const touchedByArm = this.#armGeoms.has(geom1) ? geom2 : this.#armGeoms.has(geom2) ? geom1 : -1;
        if (touchedByArm >= 0 && this.#objectBodies.some((o) => o.geomIds.has(touchedByArm))) touching = true;
      }
    } finally {
      contacts.delete();
    }
    const grasped = fingerTouches.length > 0 && fingerTouches.every(Boolean);
    this.#contacts = { version: this.#stateVersion, graspedGoalObject: grasped, armTouchesObject: touching };
    return this.#contacts;
  }

  stamp(): Timestamp {
    return timestampFromSeconds(this.clockOffset + this.data.time);
  }

  observe(): Observation {
    return this.#observation(this.data, true, true);
  }

  #observation(data: MjData, withProprio: boolean, withNoise: boolean): Observation {
    const stamp = this.stamp();
    const cfg = this.config;
    const frame = this.#render(data, 'scene', cfg.camera);
    if (withNoise) applySensorNoise(frame, cfg.noise, this.#noiseRng);
    const basePose = this.#bodyPose(data, this.#baseId);
    const pointFrameId = cfg.pointFrame === 'base' ? 'base_link' : 'scene_camera_optical';
    const points = depthToPointCloud(frame, {
      target: cfg.pointFrame,
      basePose,
      count: cfg.pointCount,
      rng: this.#pointRng,
      frameId: pointFrameId,
      stamp,
    });
    // The arm's shapes come with its joint state: never on a goal observation, whose arm pose would leak the goal.
    const robotShapes = withProprio
      ? robotShapesOf(this.mj, this.model, data, this.#armGeomList, cfg.pointFrame === 'base' ? basePose : frame.pose, { frameId: pointFrameId, stamp })
      : undefined;
    const views: Record<string, CameraView> = {};
    if (cfg.wristCamera.enabled) {
      const wrist = this.#render(data, 'wrist', cfg.wristCamera);
      if (withNoise) applySensorNoise(wrist, cfg.noise, this.#noiseRng);
      views.wrist = toView(wrist, 'wrist_camera_optical', stamp);
    }
    const main = toView(frame, 'scene_camera_optical', stamp);
    return {
      stamp,
      rgb: main.rgb,
      depth: main.depth,
      segmentation: { stamp, frameId: 'scene_camera_optical', width: frame.width, height: frame.height, data: frame.segmentation },
      points,
      proprio: withProprio ? this.#proprio(data, stamp, basePose) : undefined,
      ...(robotShapes ? { robotShapes } : {}),
      ...(cfg.wristCamera.enabled ? { views } : {}),
    };
  }

  #proprio(data: MjData, stamp: Timestamp, basePose: Pose): Proprioception {
    const kin = this.kin;
    const toolWorld: Pose = { position: kin.toolPosition(data), quaternion: matrixToQuat(kin.toolMatrix(data)) };
    return {
      stamp,
      frameId: 'base_link',
      jointNames: this.config.robot.joints,
      positions: kin.armPositions(data),
      velocities: kin.armVelocities(data),
      endEffector: composePoses(inversePose(basePose), toolWorld),
      gripper: kin.gripperOpening(data),
    };
  }

  renderRaw(camera: 'scene' | 'wrist', size?: { width: number; height: number }): CameraFrame {
    return this.#renderSized(this.data, camera, size);
  }

  renderGoalRaw(camera: 'scene' | 'wrist', size?: { width: number; height: number }): CameraFrame {
    return this.#atGoal((copy) => this.#renderSized(copy, camera, size));
  }

  #renderSized(data: MjData, camera: 'scene' | 'wrist', size?: { width: number; height: number }): CameraFrame {
    const spec = camera === 'scene' ? this.config.camera : this.config.wristCamera;
    return this.#render(data, camera, { ...spec, ...(size ?? {}) });
  }

  #render(data: MjData, name: 'scene' | 'wrist', spec: { width: number; height: number; fovyDeg: number }): CameraFrame {
    const key = `${name}:${spec.width}x${spec.height}:${spec.fovyDeg}`;
    let cam = this.#cameras.get(key);
    if (!cam) {
      cam = new RayCamera(this.mj, this.model, { width: spec.width, height: spec.height, fovyDeg: spec.fovyDeg, maxRange: 5 });
      this.#cameras.set(key, cam);
    }
    const camId = requireId(this.mj, this.model, 'camera', this.#cameraName(name));
    const pose = opticalPoseOfMujocoCamera(data, camId, name === 'scene' ? this.appearance.cameraJitter : undefined);
    return cam.render(data, pose, this.appearance.lighting);
  }

  /** MuJoCo name of a camera role: the scene's own camera, or the one the robot carries. */
  #cameraName(role: 'scene' | 'wrist'): string {
    if (role === 'scene') return 'scene';
    const wrist = this.kin.robot.wristCamera;
    if (!wrist) throw new RangeError(`sim: no wrist camera to render: sim.robot.wristCamera is null`);
    return wrist.name;
  }

  basePose(): Pose {
    return this.#bodyPose(this.data, this.#baseId);
  }

  linkFrames(): LinkFrame[] {
    const { mj, model, data } = this;
    const frames = armLinkFrames(mj, model, data, this.#baseId, 'base_link');
    const fromBase = inversePose(this.#bodyPose(data, this.#baseId));
    const camera = (role: 'scene' | 'wrist', frame: string): LinkFrame => {
      const pose = opticalPoseOfMujocoCamera(data, requireId(mj, model, 'camera', this.#cameraName(role)), role === 'scene' ? this.appearance.cameraJitter : undefined);
      return { parent: 'base_link', child: frame, pose: composePoses(fromBase, pose) };
    };
    frames.push(camera('scene', 'scene_camera_optical'));
    if (this.config.wristCamera.enabled) frames.push(camera('wrist', 'wrist_camera_optical'));
    return frames;
  }

  #bodyPose(data: MjData, bodyId: number): Pose {
    const p = data.xpos as Float64Array;
    const q = data.xquat as Float64Array;
    return { position: [p[3 * bodyId], p[3 * bodyId + 1], p[3 * bodyId + 2]], quaternion: [q[4 * bodyId], q[4 * bodyId + 1], q[4 * bodyId + 2], q[4 * bodyId + 3]] };
  }

  /** The goal observation, rendered on a copy of the state. */
  #renderGoal(): Observation {
    return this.#atGoal((copy) => this.#observation(copy, false, false));
  }

  /** `fn` of the goal scene on a copy of the state: arm or object moved to the goal. */
  #atGoal<T>(fn: (copy: MjData) => T): T {
    const { mj, model, kin, goal } = this;
    const copy = new mj.MjData(model, this.data);
    try {
      if (goal.task === 'reach' && goal.armPositions) {
        kin.setArmPositions(copy, goal.armPositions);
      } else if (goal.objectName) {
        const body = requireId(mj, model, 'body', goal.objectName);
        const adr = model.jnt_qposadr[model.body_jntadr[body]];
        copy.qpos[adr] = goal.position[0];
        copy.qpos[adr + 1] = goal.position[1];
        copy.qpos[adr + 2] = goal.position[2];
        if (goal.task === 'push') {
          // As a person would take the goal picture: with the arm out of the way.
          const { q } = kin.solve(kin.home, this.scene.tasks.push.goalToolPosition, 60);
          kin.setArmPositions(copy, q);
        } else if (goal.task === 'pick') {
          // The arm holds the lifted object: tool at the object centre, fingers closed on it.
          const { q } = kin.solve(kin.home, goal.position, 60);
          kin.setArmPositions(copy, q);
          kin.setGripper(copy, 0.35, true);
        }
      }
      mj.mj_forward(model, copy);
      return fn(copy);
    } finally {
      copy.delete();
    }
  }

  trueState(): TrueState {
    const progress = this.progress();
    return {
      time: this.data.time,
      step: this.step,
      task: this.task,
      split: this.split,
      goal: this.goal,
      toolPosition: progress.toolPosition,
      armPositions: this.kin.armPositions(this.data),
      gripper: this.kin.gripperOpening(this.data),
      objects: this.#objectBodies.map((o) => {
        const pose = this.#bodyPose(this.data, o.bodyId);
        return { name: o.name, shape: o.shape, position: pose.position, quaternion: pose.quaternion };
      }),
      grasped: progress.grasped,
      armTouchesObject: this.#touchedThisStep,
      success: this.success,
    };
  }

  free(): void {
    for (const cam of this.#cameras.values()) cam.delete();
    this.#cameras.clear();
    this.kin.delete();
    this.data.delete();
    this.model.delete();
  }
}

function toView(frame: CameraFrame, frameId: string, stamp: Timestamp): { rgb: RgbImage; depth: DepthImage } {
  return {
    rgb: { stamp, frameId, width: frame.width, height: frame.height, data: frame.rgb },
    depth: { stamp, frameId, width: frame.width, height: frame.height, data: frame.depth, intrinsics: frame.intrinsics },
  };
}

function bodyPosition(mj: MainModule, model: MjModel, data: MjData, name: string): Vec3 {
  const id = requireId(mj, model, 'body', name);
  const p = data.xpos as Float64Array;
  return [p[3 * id], p[3 * id + 1], p[3 * id + 2]];
}

/** Writes the episode's colours into the compiled model (colours do not affect physics). */
function paintScene(mj: MainModule, model: MjModel, appearance: SceneAppearance): void {
  const rgba = model.geom_rgba as Float32Array;
  const paint = (geom: string, rgb: readonly number[]): void => {
    const id = requireId(mj, model, 'geom', geom);
    rgba.set([rgb[0], rgb[1], rgb[2], 1], 4 * id);
  };
  paint('table_top', appearance.table);
  paint('backdrop', appearance.backdrop);
  paint('floor', appearance.floor);
}
