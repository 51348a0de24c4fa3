import type { AppendLog } from './store.js';

/** The embedded append log: an in-process array capped at `maxLength` entries (oldest dropped first). */
export function createMemoryLog({ maxLength = 100_000 }: { maxLength?: number } = {}): AppendLog {
  let entries: string[] = [];
  return {
    async append(added) {
      entries.push(...added);
      if (entries.length > maxLength) entries = entries.slice(entries.length - maxLength);
    },
    async read(offset, limit) {
      return entries.slice(offset, offset + limit);
    },
    async length() {
      return entries.length;
    },
  };
}
