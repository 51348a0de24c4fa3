import type { Store, StoreScript } from '@switchyard/core';
import type { KeyRecord } from './key-record.js';

/**
 * Keys issued through the admin API live in the Store, so every gateway instance sees them: one JSON
 * record per key under `auth:key:<id>`, and the list of ids under `auth:keys`. Records are cached in
 * process for `cacheTtlMs`, which bounds how long a revocation takes to reach every instance.
 */
export interface KeyRepository {
  find(id: string): Promise<KeyRecord | undefined>;
  save(record: KeyRecord): Promise<void>;
  remove(id: string): Promise<void>;
  list(): Promise<KeyRecord[]>;
}

const indexKey = 'auth:keys';
const recordKey = (id: string) => `auth:key:${id}`;

/** ARGV: id, "add" | "remove". Keeps the id list free of duplicates. Returns the list's length. */
const updateIndex: StoreScript<number> = {
  name: 'auth-key-index',
  lua: `
local raw = redis.call('GET', KEYS[1])
local ids = {}
if raw then ids = cjson.decode(raw) end
local out = {}
for _, id in ipairs(ids) do if id ~= ARGV[1] then out[#out + 1] = id end end
if ARGV[2] == 'add' then out[#out + 1] = ARGV[1] end
if #out == 0 then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], cjson.encode(out)) end
return #out
`,
  local(keys, args) {
    const raw = keys.get(0);
    const ids = (raw === undefined ? [] : (JSON.parse(raw) as string[])).filter((id) => id !== args[0]);
    if (args[1] === 'add') ids.push(args[0] ?? '');
    if (ids.length === 0) keys.delete(0);
    else keys.set(0, JSON.stringify(ids));
    return ids.length;
  },
};

export interface KeyRepositoryOptions {
  store: Store;
  /** How long a record read from the store is trusted in this process. Default 5 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

export function createKeyRepository({ store, cacheTtlMs = 5_000, now = Date.now }: KeyRepositoryOptions): KeyRepository {
  const cache = new Map<string, { record: KeyRecord | undefined; until: number }>();
  const maxCached = 10_000;

  return {
    async find(id) {
      const cached = cache.get(id);
      if (cached && cached.until > now()) return cached.record;
      const raw = await store.get(recordKey(id));
      const record = raw === undefined ? undefined : (JSON.parse(raw) as KeyRecord);
      if (cache.size >= maxCached) cache.clear();
      cache.set(id, { record, until: now() + cacheTtlMs });
      return record;
    },
    async save(record) {
      await store.set(recordKey(record.id), JSON.stringify(record));
      await store.run(updateIndex, [indexKey], [record.id, 'add']);
      cache.delete(record.id);
    },
    async remove(id) {
      await store.delete(recordKey(id));
      await store.run(updateIndex, [indexKey], [id, 'remove']);
      cache.delete(id);
    },
    async list() {
      const raw = await store.get(indexKey);
      const ids = raw === undefined ? [] : (JSON.parse(raw) as string[]);
      const records = await Promise.all(ids.map(async (id) => store.get(recordKey(id))));
      return records.flatMap((value) => (value === undefined ? [] : [JSON.parse(value) as KeyRecord]));
    },
  };
}
