/**
 * Named options with defaults, validated at construction: unknown keys throw, so a typo in
 * an option name is an error instead of a silently ignored setting.
 */

/**
 * Merge `options` over `defaults`, rejecting keys the component does not know.
 * @param {string} owner  name used in error messages, e.g. "ByteTracker"
 * @param {Record<string, unknown>} defaults  every accepted key with its default value
 * @param {Record<string, unknown> | undefined} options
 * @returns {Record<string, unknown>} a new object
 */
export function resolveOptions(owner, defaults, options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object`);
  }
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(defaults, key));
  if (unknown.length > 0) {
    const known = Object.keys(defaults).join(', ');
    throw new TypeError(`${owner}: unknown option(s) ${unknown.join(', ')} (known: ${known})`);
  }
  const resolved = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/** Throw unless `value` is a finite number within [min, max]. */
export function requireNumber(owner, name, value, { min = -Infinity, max = Infinity, integer = false } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${owner}: ${name} must be a finite number, got ${String(value)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new RangeError(`${owner}: ${name} must be an integer, got ${value}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${owner}: ${name} must be within [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Throw unless `value` is a point [x, y] of finite numbers; returns a fresh [x, y]. */
export function requirePoint(owner, name, value) {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new TypeError(`${owner}: ${name} must be a point [x, y]`);
  }
  if (value.length !== 2 || !Number.isFinite(value[0]) || !Number.isFinite(value[1])) {
    throw new TypeError(`${owner}: ${name} must be a point [x, y] of two finite numbers`);
  }
  return [Number(value[0]), Number(value[1])];
}

/** Throw unless `value` is a boolean. */
export function requireBoolean(owner, name, value) {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${owner}: ${name} must be true or false, got ${String(value)}`);
  }
  return value;
}

/** Throw unless `value` is a non-empty string or a finite number (ids of lines and zones). */
export function requireId(owner, value) {
  const ok = (typeof value === 'string' && value.length > 0) || Number.isFinite(value);
  if (!ok) throw new TypeError(`${owner}: id must be a non-empty string or a number`);
  return value;
}
