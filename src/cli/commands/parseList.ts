/** A comma-separated list of names, each checked against the allowed ones. */
export function parseList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new RangeError(`unknown ${what} '${item}' (expected one of: ${allowed.join(', ')})`);
    }
  }
  if (items.length === 0) throw new RangeError(`no ${what} given`);
  return items as T[];
}

/** A command-line value that must be a positive integer; `flag` names it in the error. */
export function positiveInt(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${flag} must be a positive integer, got '${text}'`);
  return v;
}

/** A command-line value that must be an integer >= 0; `flag` names it in the error. */
export function nonNegativeInt(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${flag} must be an integer >= 0, got '${text}'`);
  return v;
}
