import type { Store } from '@switchyard/core';
import type { ChatRequest, EmbeddingResponse, ProviderV1 } from '@switchyard/spec';
import { conversationText } from './conversation-text.js';
import type { OutageGuard } from './outage-guard.js';
import { normalise, SemanticIndex, type SemanticMatch } from './semantic-index.js';

export interface SemanticCacheOptions {
  store: Store;
  /** The provider that embeds, and its upstream model id. */
  provider: ProviderV1;
  model: string;
  /** Asked of the embedding model when set (`text-embedding-3-*` accept it); smaller is faster to search. */
  dimensions?: number;
  /** Lowest cosine similarity served. Default 0.95. */
  threshold?: number;
  /** Vectors kept in process. Default 10,000. */
  maxEntries?: number;
  /** Serve requests that carry tools semantically. Default false. */
  allowTools?: boolean;
  /** Serve requests with `n > 1` semantically. Default false. */
  allowMultipleChoices?: boolean;
  /** Requests with a higher temperature are not served semantically. Default 1. */
  maxTemperature?: number;
  /** Conversations longer than this (characters) are not embedded. Default 16,000. */
  maxInputChars?: number;
  /** How often a process reads vectors other processes added. Default 1,000 ms. */
  syncIntervalMs?: number;
  storeGuard: OutageGuard;
  embeddingGuard: OutageGuard;
  now?: () => number;
}

const sequenceKey = 'cache:sem:seq';
const itemKey = (sequence: number) => `cache:sem:item:${sequence}`;
const syncBatch = 64;

interface SharedItem {
  /** Partition. */
  p: string;
  /** Exact-cache key of the body. */
  k: string;
  /** Expiry, epoch ms. */
  e: number;
  /** Little-endian float32, base64. */
  v: string;
}

/**
 * The semantic layer: it embeds the conversation, searches the in-process index within the request's
 * partition, and shares vectors with other processes through the Store (an increasing sequence number
 * plus one item per vector, read by each process at most once per `syncIntervalMs`). Bodies are not
 * here: a match names an exact-cache key, whose body is read like any exact hit.
 */
export class SemanticCache {
  readonly index: SemanticIndex;
  readonly threshold: number;
  readonly #options: SemanticCacheOptions;
  readonly #now: () => number;
  readonly #ownSequences = new Set<number>();
  #seen = 0;
  #syncedAt = Number.NEGATIVE_INFINITY;
  #syncing: Promise<void> | undefined;

  constructor(options: SemanticCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.threshold = options.threshold ?? 0.95;
    this.index = new SemanticIndex(options.maxEntries ?? 10_000, this.#now);
  }

  /** Why a request is not served semantically, or `undefined` when it may be. */
  refusal(request: ChatRequest): string | undefined {
    const options = this.#options;
    if (!options.allowTools && ((request.tools?.length ?? 0) > 0 || (request as { functions?: unknown[] }).functions?.length))
      return 'tools';
    if (!options.allowMultipleChoices && (request.n ?? 1) > 1) return 'n';
    if ((request.temperature ?? 0) > (options.maxTemperature ?? 1)) return 'temperature';
    return undefined;
  }

  /** The normalised embedding of the conversation; `undefined` when it cannot be embedded. */
  async embed(request: ChatRequest, signal: AbortSignal, requestId: string): Promise<Float32Array | undefined> {
    const options = this.#options;
    const text = conversationText(request, options.maxInputChars ?? 16_000);
    if (text === undefined) return undefined;
    return options.embeddingGuard.run(async () => {
      const result = await options.provider.embed?.({
        model: options.model,
        request: { model: options.model, input: text, ...(options.dimensions ? { dimensions: options.dimensions } : {}) },
        signal,
        requestId,
      });
      const vector = result ? readVector(result.body.value) : undefined;
      return vector && normalise(vector) ? vector : undefined;
    }, undefined);
  }

  async search(partition: string, vector: Float32Array): Promise<SemanticMatch | undefined> {
    await this.sync();
    return this.index.search(partition, vector, this.threshold);
  }

  /** Adds a vector here and shares it with other processes. */
  async add(partition: string, key: string, vector: Float32Array, expiresAt: number): Promise<void> {
    this.index.add(partition, key, vector, expiresAt);
    const { store, storeGuard } = this.#options;
    await storeGuard.run(async () => {
      const sequence = await store.increment(sequenceKey);
      this.#ownSequences.add(sequence);
      const item: SharedItem = { p: partition, k: key, e: expiresAt, v: encodeVector(vector) };
      await store.set(itemKey(sequence), JSON.stringify(item), { ttlMs: Math.max(1, expiresAt - this.#now()) });
    }, undefined);
  }

  /** Reads vectors added by other processes; waits when there are few, else reads them in the background. */
  async sync(): Promise<void> {
    if (this.#syncing) return;
    if (this.#now() - this.#syncedAt < (this.#options.syncIntervalMs ?? 1_000)) return;
    this.#syncedAt = this.#now();
    const { store, storeGuard } = this.#options;
    const latest = await storeGuard.run(() => store.get(sequenceKey), undefined);
    const sequence = Number.parseInt(latest ?? '0', 10) || 0;
    if (sequence <= this.#seen) return;
    const from = Math.max(this.#seen + 1, sequence - this.index.capacity + 1);
    this.#seen = sequence;
    const work = this.#fetch(from, sequence).finally(() => {
      this.#syncing = undefined;
    });
    this.#syncing = work;
    if (sequence - from < syncBatch) await work;
  }

  async #fetch(from: number, to: number): Promise<void> {
    const { store, storeGuard } = this.#options;
    for (let start = from; start <= to; start += syncBatch) {
      const sequences: number[] = [];
      for (let sequence = start; sequence <= Math.min(to, start + syncBatch - 1); sequence++) {
        if (this.#ownSequences.delete(sequence)) continue;
        sequences.push(sequence);
      }
      const texts = await storeGuard.run(() => Promise.all(sequences.map((sequence) => store.get(itemKey(sequence)))), undefined);
      if (texts === undefined) return;
      for (const text of texts) {
        if (text === undefined) continue;
        try {
          const item = JSON.parse(text) as SharedItem;
          if (item.e > this.#now() && !this.index.has(item.k)) this.index.add(item.p, item.k, decodeVector(item.v), item.e);
        } catch {
          // A malformed item is skipped: the semantic cache is an optimisation.
        }
      }
    }
    if (this.#ownSequences.size > 100_000) this.#ownSequences.clear();
  }
}

function readVector(response: EmbeddingResponse): Float32Array | undefined {
  const embedding = response.data?.[0]?.embedding;
  if (typeof embedding === 'string') return decodeVector(embedding);
  if (!Array.isArray(embedding) || embedding.length === 0) return undefined;
  return Float32Array.from(embedding);
}

function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const vector = new Float32Array(Math.floor(bytes.length / 4));
  for (let index = 0; index < vector.length; index++) vector[index] = bytes.readFloatLE(index * 4);
  return vector;
}
