// Keys that, used as a property name on a plain object, reach Object.prototype (or a class's
// prototype) instead of a key of its own: `node['__proto__']` is Object.prototype, so writing
// through it changes every object in the process.
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` must not be used as a config or parameter key (it would write to a prototype). */
export function isUnsafeKey(key: string): boolean {
  return UNSAFE.has(key);
}
