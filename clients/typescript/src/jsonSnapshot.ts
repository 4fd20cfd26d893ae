/** A value that JSON.stringify would silently change (or choke on), found before anything was sent. */
export class UnsupportedJsonError extends Error {
  constructor(
    /** Where the value is, e.g. `items[0].providerData.timestamp`. */
    readonly path: string,
    /** What is wrong with it, e.g. `a Date, which JSON turns into a string`. */
    readonly reason: string,
    context: string,
  ) {
    super(`${context}: ${path} is ${reason}. Turn it into plain JSON first.`);
    this.name = 'UnsupportedJsonError';
  }
}

/**
 * A copy of `value` made only of what JSON keeps exactly as it is (null, booleans, finite numbers, strings, arrays,
 * and objects whose prototype is Object.prototype or null), each property read once; so what is checked is what is
 * sent. An object property whose value is `undefined` is left out, as JSON leaves it out. Anything else (a Date, a
 * typed array, a Map, a class instance, a BigInt, a Symbol or a function, NaN or Infinity, a cycle, a hole or
 * `undefined` in an array, a Symbol-keyed, non-enumerable or getter property, a Proxy) throws an
 * {@link UnsupportedJsonError} naming its path; `context` begins the message.
 */
export function snapshotJson(value: unknown, path: string, context: string): unknown {
  const snapshot = copy(value, path, context, new Set());
  try {
    structuredClone(value); // the one check a Proxy cannot pass for a plain value
  } catch {
    throw new UnsupportedJsonError(path, 'a value that cannot be copied (a Proxy?)', context);
  }
  return snapshot;
}

/** {@link snapshotJson} of an array of items, each a JSON object. */
export function snapshotItems<TItem>(items: unknown, path: string, context: string): TItem[] {
  const snapshot = snapshotJson(items, path, context);
  if (!Array.isArray(snapshot)) throw new UnsupportedJsonError(path, `${describe(snapshot)}, not an array of items`, context);
  snapshot.forEach((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new UnsupportedJsonError(`${path}[${index}]`, `${describe(item)}, not an item (a JSON object)`, context);
    }
  });
  return snapshot as TItem[];
}

function copy(value: unknown, path: string, context: string, ancestors: Set<object>): unknown {
  const refuse = (reason: string): never => {
    throw new UnsupportedJsonError(path, reason, context);
  };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : refuse(`${value}, which JSON writes as null`);
    case 'bigint':
      return refuse('a BigInt, which JSON cannot write');
    case 'symbol':
      return refuse('a Symbol, which JSON leaves out');
    case 'function':
      return refuse('a function, which JSON leaves out');
    case 'undefined':
      return refuse('undefined, which JSON writes as null in an array');
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) refuse('a cycle (it contains itself), which JSON cannot write');
  ancestors.add(object);
  try {
    return Array.isArray(object) ? copyArray(object, path, context, ancestors) : copyObject(object, path, context, ancestors, refuse);
  } finally {
    ancestors.delete(object);
  }
}

function copyArray(array: unknown[], path: string, context: string, ancestors: Set<object>): unknown[] {
  const length = array.length;
  const result: unknown[] = [];
  for (const key of Reflect.ownKeys(array)) {
    if (key === 'length' || (typeof key === 'string' && isIndex(key, length))) continue;
    throw new UnsupportedJsonError(`${path}${member(key)}`, 'a property of an array, which JSON leaves out', context);
  }
  for (let index = 0; index < length; index++) {
    const descriptor = Object.getOwnPropertyDescriptor(array, String(index));
    const at = `${path}[${index}]`;
    if (!descriptor) throw new UnsupportedJsonError(at, 'a hole in a sparse array, which JSON writes as null', context);
    if (!('value' in descriptor)) throw new UnsupportedJsonError(at, 'a getter, which JSON would call', context);
    result.push(copy(descriptor.value, at, context, ancestors));
  }
  return result;
}

function copyObject(object: object, path: string, context: string, ancestors: Set<object>, refuse: (reason: string) => never): object {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) refuse(`${describe(object)}, which JSON does not keep as it is`);
  const result: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(object)) {
    const at = `${path}${member(key)}`;
    if (typeof key === 'symbol') throw new UnsupportedJsonError(at, 'a Symbol-keyed property, which JSON leaves out', context);
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (!descriptor?.enumerable) throw new UnsupportedJsonError(at, 'a non-enumerable property, which JSON leaves out', context);
    if (!('value' in descriptor)) throw new UnsupportedJsonError(at, 'a getter, which JSON would call', context);
    if (descriptor.value === undefined) continue;
    // defineProperty, not assignment: a key named "__proto__" stays a plain property.
    Object.defineProperty(result, key, { value: copy(descriptor.value, at, context, ancestors), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function isIndex(key: string, length: number): boolean {
  return /^(0|[1-9]\d*)$/.test(key) && Number(key) < length;
}

function member(key: string | symbol): string {
  if (typeof key === 'symbol') return '[a Symbol key]'; // not its description, which may hold anything
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name ? `a ${name}` : 'an object of a class';
}
