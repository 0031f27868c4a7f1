import loadMujocoModule from 'mujoco-js';
import type { MainModule, MjData, MjModel } from 'mujoco-js';

export type { MainModule, MjData, MjModel };

/**
 * One MuJoCo WebAssembly instance per thread, loaded lazily. Emscripten prints loader
 * messages (e.g. the XML parse error of a bad scene) instead of returning them, so its
 * output is captured here and attached to the errors we raise.
 */
let instance: Promise<MainModule> | undefined;
const recentOutput: string[] = [];
const MAX_OUTPUT_LINES = 50;

function capture(line: string): void {
  recentOutput.push(line);
  if (recentOutput.length > MAX_OUTPUT_LINES) recentOutput.shift();
}

export function loadMujoco(): Promise<MainModule> {
  instance ??= (loadMujocoModule as unknown as (options: object) => Promise<MainModule>)({
    print: capture,
    printErr: capture,
  }).then((mj) => {
    fs(mj).mkdirTree(WORK_DIR);
    return mj;
  });
  return instance;
}

const WORK_DIR = '/jepa-agent/models';
let fileCounter = 0;

interface EmscriptenFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: string | Uint8Array): void;
  unlink(path: string): void;
}

function fs(mj: MainModule): EmscriptenFs {
  return (mj as unknown as { FS: EmscriptenFs }).FS;
}

export class SceneLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SceneLoadError';
  }
}

/**
 * Compiles MJCF text into a model. `source` names the file the text came from, for errors.
 * Extra assets (meshes) are written beside the XML under their relative names.
 * The caller owns the returned model and must `.delete()` it.
 */
export function compileMjcf(
  mj: MainModule,
  xml: string,
  source: string,
  assets: Readonly<Record<string, Uint8Array | string>> = {},
): MjModel {
  const dir = `${WORK_DIR}/m${fileCounter++}`;
  const file = fs(mj);
  file.mkdirTree(dir);
  const written: string[] = [];
  try {
    for (const [name, data] of Object.entries(assets)) {
      const parts = name.split('/');
      if (parts.length > 1) file.mkdirTree(`${dir}/${parts.slice(0, -1).join('/')}`);
      file.writeFile(`${dir}/${name}`, data);
      written.push(`${dir}/${name}`);
    }
    const path = `${dir}/scene.xml`;
    file.writeFile(path, xml);
    written.push(path);
    recentOutput.length = 0;
    let model: MjModel | null;
    try {
      model = mj.MjModel.loadFromXML(path) as MjModel | null;
    } catch (err) {
      throw new SceneLoadError(`scene ${source}: MuJoCo rejected the MJCF (${String(err)}): ${loaderMessage()}`, {
        cause: err,
      });
    }
    if (!model) throw new SceneLoadError(`scene ${source}: MuJoCo could not load it: ${loaderMessage()}`);
    return model;
  } finally {
    // The model keeps no reference to its files; free the in-memory FS.
    for (const p of written) file.unlink(p);
  }
}

function loaderMessage(): string {
  const text = recentOutput
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ');
  recentOutput.length = 0;
  return text || 'no message from the loader (an unknown element, attribute or value is the usual cause)';
}

export type MjObjectKind = 'body' | 'geom' | 'joint' | 'site' | 'camera' | 'actuator' | 'light';

function objectType(mj: MainModule, kind: MjObjectKind): number {
  const objType = {
    body: mj.mjtObj.mjOBJ_BODY,
    geom: mj.mjtObj.mjOBJ_GEOM,
    joint: mj.mjtObj.mjOBJ_JOINT,
    site: mj.mjtObj.mjOBJ_SITE,
    camera: mj.mjtObj.mjOBJ_CAMERA,
    actuator: mj.mjtObj.mjOBJ_ACTUATOR,
    light: mj.mjtObj.mjOBJ_LIGHT,
  }[kind] as unknown as { value: number };
  return objType.value;
}

/** Id of a named model element, or a clear error. */
export function requireId(mj: MainModule, model: MjModel, kind: MjObjectKind, name: string): number {
  const id = mj.mj_name2id(model, objectType(mj, kind), name);
  if (id < 0) throw new SceneLoadError(`scene: no ${kind} named '${name}'`);
  return id;
}

/** Id of a named model element, or -1. */
export function findId(mj: MainModule, model: MjModel, kind: MjObjectKind, name: string): number {
  return mj.mj_name2id(model, objectType(mj, kind), name);
}

/** Names of every element of a kind (unnamed ones left out): for errors that say what there is. */
export function namesOf(mj: MainModule, model: MjModel, kind: MjObjectKind): string[] {
  const count = { body: model.nbody, geom: model.ngeom, joint: model.njnt, site: model.nsite, camera: model.ncam, actuator: model.nu, light: model.nlight }[kind];
  const type = objectType(mj, kind);
  const names: string[] = [];
  for (let id = 0; id < count; id++) {
    const name = mj.mj_id2name(model, type, id) as string | null | undefined;
    if (name) names.push(name);
  }
  return names;
}
