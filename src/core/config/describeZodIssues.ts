import type { z } from 'zod';

/** How a schema's user names the keys in its messages. */
export interface IssueWording {
  /** An unrecognised key, from its dotted path, e.g. `unknown key 'sim.tsak'`. */
  unknown(path: string): string;
  /** The key of any other issue, from its dotted path ('' at the root), e.g. `'sim.controlHz'`. */
  key(path: string): string;
}

/**
 * One line for all of a failed parse's issues, each naming its key and, where `raw` has one,
 * the value it got: the config, the planner's config section and the ROS parameters all
 * report bad input this way.
 */
export function describeZodIssues(issues: z.ZodError['issues'], raw: unknown, wording: IssueWording): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => wording.unknown([...issue.path, k].join('.'))).join('; ');
      const got = valueAt(raw, issue.path);
      return `${wording.key(issue.path.join('.'))}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
    })
    .join('; ');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
