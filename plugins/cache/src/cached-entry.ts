/**
 * One cached answer as stored (JSON in the Store, parsed object in the in-process LRU). It keeps the
 * upstream's own text: the completion body, or every stream chunk as it went to the client, so a replay
 * is byte for byte what the first client received.
 */
export interface CachedEntry {
  v: 1;
  kind: 'completion' | 'stream';
  /** The `chat.completion` body text (kind `completion`). */
  body?: string;
  /** The `chat.completion.chunk` texts in order (kind `stream`). */
  chunks?: string[];
  /** Whether the recording carries the upstream's usage (a usage chunk, or `usage` in the body). */
  usage: boolean;
  providerId?: string;
  model?: string;
  /** Epoch milliseconds. */
  storedAt: number;
  expiresAt: number;
}

export function parseEntry(text: string): CachedEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<CachedEntry>;
    if (entry.v !== 1) return undefined;
    if (entry.kind === 'completion' && typeof entry.body === 'string') return entry as CachedEntry;
    if (entry.kind === 'stream' && Array.isArray(entry.chunks)) return entry as CachedEntry;
    return undefined;
  } catch {
    return undefined;
  }
}

/** The size an entry is charged in the LRU and checked against `maxEntryBytes` (UTF-16 code units). */
export function entrySize(entry: CachedEntry): number {
  if (entry.body !== undefined) return entry.body.length + 200;
  let size = 200;
  for (const chunk of entry.chunks ?? []) size += chunk.length + 8;
  return size;
}
