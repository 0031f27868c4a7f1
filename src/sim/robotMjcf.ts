import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import type { RobotConfig, RobotMount } from '../core/config/robotConfig.js';
import { SceneLoadError } from './mujoco.js';

/**
 * The robot's MJCF, ready to stand in a scene: its text with the description's mounts added
 * (a tool site, a wrist camera) and the files it references (meshes, textures, included
 * MJCF), which MuJoCo reads from its in-memory file system beside the scene.
 */
export interface RobotMjcf {
  /** Absolute path of the robot file, for messages. */
  readonly path: string;
  readonly xml: string;
  /** Referenced files by the relative name the composed scene looks them up under. */
  readonly assets: Readonly<Record<string, Uint8Array>>;
}

/** Where the scene says the robot goes: MuJoCo's own include of a file named robot.xml. */
const ROBOT_INCLUDE = /<include\s+file\s*=\s*["']robot\.xml["']\s*\/>/;

/** Reads the robot file named by `robot.mjcf` (a name under `<dataDir>/robots/` or a path) and adds its mounts. */
export function loadRobotMjcf(robot: RobotConfig, dataDir: string): RobotMjcf {
  const path = robot.mjcf.endsWith('.xml') || isAbsolute(robot.mjcf) ? resolve(robot.mjcf) : join(dataDir, 'robots', `${robot.mjcf}.xml`);
  let xml = stripComments(readRobotFile(path, 'sim.robot.mjcf: robot file'));
  if (!/<mujoco\b/.test(xml)) throw new SceneLoadError(`sim.robot.mjcf: ${path} is not an MJCF file (no <mujoco> element)`);
  if (robot.endEffector.mount) {
    xml = addToBody(xml, robot.endEffector.mount, 'sim.robot.endEffector.mount', path, `<site name="${attr(robot.endEffector.site)}"${pose(robot.endEffector.mount)} size="0.01" rgba="1 0 0 0" group="4"/>`);
  }
  if (robot.wristCamera?.mount) {
    xml = addToBody(xml, robot.wristCamera.mount, 'sim.robot.wristCamera.mount', path, `<camera name="${attr(robot.wristCamera.name)}"${pose(robot.wristCamera.mount)}/>`);
  }
  return { path, xml, assets: referencedFiles(xml, dirname(path), path) };
}

/**
 * The scene with the robot in it. The robot's text replaces the scene's
 * `<include file="robot.xml"/>`, which is exactly what MuJoCo's include does (the children of
 * the included <mujoco> element take its place), done here so that the composed scene is one
 * text: mounts are added to the robot before it is inlined, and the scene compiles with the
 * episode's objects as its only generated file. A scene without that include is returned as
 * it is (`included` false): the environment then says where the robot should go.
 */
export function composeScene(sceneXml: string, robot: RobotMjcf): { xml: string; included: boolean } {
  if (!ROBOT_INCLUDE.test(sceneXml)) return { xml: sceneXml, included: false };
  const body = /<mujoco\b[^>]*>([\s\S]*)<\/mujoco>/.exec(robot.xml);
  if (!body) throw new SceneLoadError(`sim.robot.mjcf: ${robot.path} has no complete <mujoco> ... </mujoco> element`);
  return { xml: sceneXml.replace(ROBOT_INCLUDE, () => body[1]), included: true };
}

function readRobotFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SceneLoadError(`${what} ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** Comments carry no meaning in MJCF; without them a commented-out body cannot be mistaken for a mount's body. */
function stripComments(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/, '');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function pose(mount: RobotMount): string {
  return ` pos="${mount.pos.join(' ')}"${mount.xyaxes ? ` xyaxes="${mount.xyaxes.join(' ')}"` : ''}`;
}

/**
 * Adds `element` as the first child of the body named `mount.body`. A text edit rather than
 * an XML library: MJCF start tags hold no '>' inside attribute values, so the start tag is
 * found reliably, and the rest of the file stays byte for byte as its author wrote it.
 */
function addToBody(xml: string, mount: RobotMount, key: string, path: string, element: string): string {
  const escaped = mount.body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = new RegExp(`<body\\b[^>]*?\\bname\\s*=\\s*["']${escaped}["'][^>]*?(/?)>`);
  const found = start.exec(xml);
  if (!found) {
    const bodies = [...xml.matchAll(/<body\b[^>]*?\bname\s*=\s*["']([^"']*)["']/g)].map((m) => m[1]);
    throw new SceneLoadError(`${key}.body: robot ${path} has no body named '${mount.body}' (its bodies: ${bodies.join(', ') || 'none'})`);
  }
  const end = found.index + found[0].length;
  if (found[1] === '/') {
    // <body .../> has no children yet: open it, add the element, close it.
    return `${xml.slice(0, end - 2)}>${element}</body>${xml.slice(end)}`;
  }
  return `${xml.slice(0, end)}${element}${xml.slice(end)}`;
}

/**
 * Every file the robot's MJCF names with `file="..."` (meshes, textures, height fields,
 * included MJCF, recursively), read from beside the robot file. MuJoCo looks a mesh up under
 * the compiler's meshdir, a texture under its texturedir (both default to assetdir), so each
 * file is offered under every directory it exists in.
 */
function referencedFiles(xml: string, robotDir: string, path: string): Record<string, Uint8Array> {
  const assets: Record<string, Uint8Array> = {};
  const dirs = assetDirs(xml);
  const pending = [xml];
  while (pending.length > 0) {
    const text = pending.pop()!;
    for (const m of text.matchAll(/<(\w+)\b[^>]*?\bfile\s*=\s*["']([^"']+)["']/g)) {
      const [, element, file] = m;
      if (isAbsolute(file)) throw new SceneLoadError(`sim.robot.mjcf: ${path} names the absolute path '${file}'; give it relative to the robot file`);
      let found = false;
      for (const dir of element === 'include' ? [''] : dirs) {
        const key = normalize(join(dir, file));
        if (key.startsWith('..')) continue;
        if (key in assets) {
          found = true;
          continue;
        }
        const onDisk = join(robotDir, key);
        if (!existsSync(onDisk)) continue;
        assets[key] = readFileSync(onDisk);
        found = true;
        if (element === 'include') pending.push(stripComments(readRobotFile(onDisk, `sim.robot.mjcf: ${path} includes`)));
      }
      if (!found) throw new SceneLoadError(`sim.robot.mjcf: ${path} names the file '${file}' (<${element}>), which is not under ${robotDir}${dirs.filter(Boolean).map((d) => ` or ${join(robotDir, d)}`).join('')}`);
    }
  }
  return assets;
}

function assetDirs(xml: string): string[] {
  const compilerDir = (name: string): string | undefined => {
    const m = new RegExp(`<compiler\\b[^>]*?\\b${name}\\s*=\\s*["']([^"']*)["']`).exec(xml);
    return m?.[1];
  };
  const assetdir = compilerDir('assetdir') ?? '';
  return [...new Set([compilerDir('meshdir') ?? assetdir, compilerDir('texturedir') ?? assetdir, assetdir, ''])];
}
