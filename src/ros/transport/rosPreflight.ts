import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** ROS 2 distributions rclnodejs 2.2 builds against. */
export const SUPPORTED_ROS_DISTROS: readonly string[] = Object.freeze(['humble', 'jazzy', 'kilted', 'rolling']);

/** What the preflight reads from the filesystem, so tests can craft it. */
export interface PreflightProbe {
  exists(path: string): boolean;
  /** Directory of an installed npm package, or undefined when it is not installed. */
  packageDir(name: string): string | undefined;
  /** VERSION_CODENAME of /etc/os-release (e.g. jammy), or undefined. */
  osCodename(): string | undefined;
  readonly arch: string;
  readonly platform: string;
}

export interface PreflightResult {
  readonly ok: boolean;
  /** One line per missing piece, each saying what to do. */
  readonly problems: readonly string[];
  /** The rclnodejs native binary that will load (only when ok). */
  readonly binary?: string;
  readonly distro?: string;
  /** Where librcl.so was found. */
  readonly librcl?: string;
}

/**
 * Checks that ROS 2 is sourced and rclnodejs is built, without importing rclnodejs: when its
 * native binary does not load, importing it starts a blocking `npm run rebuild` (up to 5
 * minutes) that first deletes any working build. A pure function of `env` and `probe`.
 */
export function rosPreflight(env: Readonly<Record<string, string | undefined>>, probe: PreflightProbe = nodeProbe()): PreflightResult {
  const problems: string[] = [];
  const distro = env.ROS_DISTRO;
  const sourceHint = `source /opt/ros/${distro !== undefined && SUPPORTED_ROS_DISTROS.includes(distro) ? distro : 'humble'}/setup.bash`;
  if (distro === undefined || distro === '') {
    problems.push(`ROS_DISTRO is not set: ROS 2 is not sourced (run \`${sourceHint}\`, or the setup.bash of your ROS 2 install or workspace)`);
  } else if (!SUPPORTED_ROS_DISTROS.includes(distro)) {
    problems.push(`ROS_DISTRO is '${distro}', expected one of ${SUPPORTED_ROS_DISTROS.join(', ')} (the distributions rclnodejs 2.2 supports)`);
  }
  const prefixes = splitPath(env.AMENT_PREFIX_PATH);
  if (prefixes.length === 0) {
    problems.push(`AMENT_PREFIX_PATH is not set: ROS 2 is not sourced (run \`${sourceHint}\`)`);
  }
  const libDirs = [...splitPath(env.LD_LIBRARY_PATH), ...prefixes.map((p) => join(p, 'lib'))];
  const librcl = libDirs.map((d) => join(d, 'librcl.so')).find((p) => probe.exists(p));
  if (librcl === undefined) {
    const where = libDirs.length === 0 ? 'LD_LIBRARY_PATH and AMENT_PREFIX_PATH are empty' : `searched ${libDirs.join(', ')}`;
    problems.push(`librcl.so not found (${where}): install ROS 2 and run \`${sourceHint}\``);
  }

  let binary: string | undefined;
  const pkg = probe.packageDir('rclnodejs');
  if (pkg === undefined) {
    problems.push(
      'the rclnodejs package is not installed: it is an optional dependency that only installs with ROS 2 sourced; after sourcing ROS 2, run `npm install rclnodejs@2.2.0` in the jepa-agent folder',
    );
  } else {
    // The same order as rclnodejs's own loader: an exact prebuilt match first, then a local build.
    const codename = probe.osCodename();
    const prebuilt =
      distro !== undefined && codename !== undefined
        ? join(pkg, 'prebuilds', `${probe.platform}-${probe.arch}`, `${distro}-${codename}-${probe.arch}-node-rclnodejs.node`)
        : undefined;
    const built = join(pkg, 'build', 'Release', 'rclnodejs.node');
    binary = [prebuilt, built].find((p): p is string => p !== undefined && probe.exists(p));
    if (binary === undefined) {
      problems.push(
        `rclnodejs has no native binary (looked for ${[prebuilt, built].filter(Boolean).join(' and ')}): with ROS 2 sourced, run \`npm rebuild rclnodejs\` in the jepa-agent folder`,
      );
    }
  }
  const ok = problems.length === 0;
  return {
    ok,
    problems,
    ...(ok ? { binary } : {}),
    ...(distro === undefined ? {} : { distro }),
    ...(librcl === undefined ? {} : { librcl }),
  };
}

/** The one-paragraph message a command prints when the preflight fails. */
export function preflightMessage(result: PreflightResult, what = 'this command'): string {
  return `${what} needs ROS 2, which is not ready:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`;
}

/** The real filesystem. */
export function nodeProbe(): PreflightProbe {
  const require = createRequire(import.meta.url);
  return {
    exists: (path) => existsSync(path),
    packageDir: (name) => {
      try {
        return dirname(require.resolve(`${name}/package.json`));
      } catch {
        return undefined;
      }
    },
    osCodename: () => {
      try {
        return /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1].trim() || undefined;
      } catch {
        return undefined;
      }
    },
    arch: process.arch,
    platform: process.platform,
  };
}

function splitPath(value: string | undefined): string[] {
  return (value ?? '').split(delimiter).filter((p) => p !== '');
}
