/**
 * An exact nearest-neighbour index over normalised embeddings, kept in process. Vectors are grouped by
 * partition (tenant + answer-relevant parameters), each group one contiguous Float32Array, so a search
 * is a dot product over that group only. Capacity is global: the oldest item goes first (FIFO).
 *
 * The scan stays exact but stops early on hopeless candidates: for unit vectors,
 * `v·q = v[:k]·q[:k] + v[k:]·q[k:] <= v[:k]·q[:k] + |v[k:]| |q[k:]|` (Cauchy-Schwarz). The suffix norms
 * `|v[k:]|` are stored at three checkpoints (1/8, 1/4, 1/2 of the dimensions); when the bound is below
 * the best score so far (at first, the threshold), the rest of the product is skipped. No vector that
 * could reach the threshold is ever skipped.
 */
const checkpointCount = 3;
interface Item {
  key: string;
  partition: Partition;
  slot: number;
  expiresAt: number;
}

interface Partition {
  id: string;
  vectors: Float32Array;
  /** Per slot, the vector's first eighth again, contiguous: the first stage of every scan reads only this. */
  heads: Float32Array;
  /** Per slot, the norms of the vector's tail from each checkpoint on. */
  tails: Float32Array;
  items: Item[];
}

export interface SemanticMatch {
  key: string;
  similarity: number;
}

export class SemanticIndex {
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #partitions = new Map<string, Partition>();
  /** Insertion order = eviction order. */
  readonly #items = new Map<string, Item>();
  #dimensions = 0;

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get size(): number {
    return this.#items.size;
  }

  get capacity(): number {
    return this.#maxEntries;
  }

  /** Adds (or replaces) the vector for an entry key. The vector is normalised in place. */
  add(partitionId: string, key: string, vector: Float32Array, expiresAt: number): void {
    if (!normalise(vector)) return;
    if (this.#dimensions === 0) this.#dimensions = vector.length;
    if (vector.length !== this.#dimensions) {
      // The embedding model changed: vectors of different models are not comparable.
      this.clear();
      this.#dimensions = vector.length;
    }
    this.remove(key);
    let partition = this.#partitions.get(partitionId);
    if (!partition) {
      partition = {
        id: partitionId,
        vectors: new Float32Array(this.#dimensions * 16),
        heads: new Float32Array(headLength(this.#dimensions) * 16),
        tails: new Float32Array(checkpointCount * 16),
        items: [],
      };
      this.#partitions.set(partitionId, partition);
    }
    const slot = partition.items.length;
    if ((slot + 1) * this.#dimensions > partition.vectors.length) {
      const grown = new Float32Array(partition.vectors.length * 2);
      grown.set(partition.vectors);
      partition.vectors = grown;
      const grownTails = new Float32Array(partition.tails.length * 2);
      grownTails.set(partition.tails);
      partition.tails = grownTails;
      const grownHeads = new Float32Array(partition.heads.length * 2);
      grownHeads.set(partition.heads);
      partition.heads = grownHeads;
    }
    const head = headLength(this.#dimensions);
    partition.heads.set(vector.subarray(0, head), slot * head);
    partition.vectors.set(vector, slot * this.#dimensions);
    partition.tails.set(tailNorms(vector, checkpoints(this.#dimensions)), slot * checkpointCount);
    const item: Item = { key, partition, slot, expiresAt };
    partition.items.push(item);
    this.#items.set(key, item);
    while (this.#items.size > this.#maxEntries) {
      const oldest = this.#items.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
  }

  /** The most similar live item of the partition at or above `threshold`. `query` must be normalised. */
  search(partitionId: string, query: Float32Array, threshold: number): SemanticMatch | undefined {
    const partition = this.#partitions.get(partitionId);
    if (!partition || query.length !== this.#dimensions) return undefined;
    const dimensions = this.#dimensions;
    const vectors = partition.vectors;
    const heads = partition.heads;
    const head = headLength(dimensions);
    const tails = partition.tails;
    const stops = checkpoints(dimensions);
    const queryTails = tailNorms(query, stops);
    const now = this.#now();
    let best: Item | undefined;
    let bestScore = threshold;
    for (let slot = 0; slot < partition.items.length; slot++) {
      const offset = slot * dimensions;
      let score = 0;
      let from = 0;
      let pruned = false;
      for (let stage = 0; stage <= checkpointCount; stage++) {
        const to = stage < checkpointCount ? (stops[stage] as number) : dimensions;
        score += stage === 0 ? dot(heads, slot * head - from, query, from, to) : dot(vectors, offset, query, from, to);
        from = to;
        if (stage < checkpointCount) {
          const bound = score + (tails[slot * checkpointCount + stage] as number) * (queryTails[stage] as number);
          if (bound < bestScore) {
            pruned = true;
            break;
          }
        }
      }
      if (!pruned && score >= bestScore) {
        const item = partition.items[slot] as Item;
        if (item.expiresAt > now) {
          best = item;
          bestScore = score;
        }
      }
    }
    return best ? { key: best.key, similarity: Math.min(1, bestScore) } : undefined;
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Removes an item: the partition's last vector moves into its slot. */
  remove(key: string): void {
    const item = this.#items.get(key);
    if (!item) return;
    this.#items.delete(key);
    const { partition, slot } = item;
    const last = partition.items.length - 1;
    if (slot !== last) {
      const moved = partition.items[last] as Item;
      partition.vectors.copyWithin(slot * this.#dimensions, last * this.#dimensions, (last + 1) * this.#dimensions);
      const head = headLength(this.#dimensions);
      partition.heads.copyWithin(slot * head, last * head, (last + 1) * head);
      partition.tails.copyWithin(slot * checkpointCount, last * checkpointCount, (last + 1) * checkpointCount);
      partition.items[slot] = moved;
      moved.slot = slot;
    }
    partition.items.pop();
    if (partition.items.length === 0) this.#partitions.delete(partition.id);
  }

  clear(): void {
    this.#partitions.clear();
    this.#items.clear();
  }
}

/** Scales to unit length; false for a zero (or non-finite) vector, which cannot be compared. */
export function normalise(vector: Float32Array): boolean {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += (vector[index] as number) * (vector[index] as number);
  const length = Math.sqrt(sum);
  if (!(length > 0) || !Number.isFinite(length)) return false;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / length;
  return true;
}

function headLength(dimensions: number): number {
  return Math.floor(dimensions / 8);
}

/** Where the bound is checked: 1/8, 1/4 and 1/2 of the way. */
function checkpoints(dimensions: number): number[] {
  return [Math.floor(dimensions / 8), Math.floor(dimensions / 4), Math.floor(dimensions / 2)];
}

/** The norm of the vector from each checkpoint to the end (slightly rounded up, so the bound stays safe). */
function tailNorms(vector: Float32Array, stops: readonly number[]): Float32Array {
  const norms = new Float32Array(stops.length);
  let sum = 0;
  let at = vector.length;
  for (let stage = stops.length - 1; stage >= 0; stage--) {
    const stop = stops[stage] as number;
    for (; at > stop; at--) sum += (vector[at - 1] as number) * (vector[at - 1] as number);
    norms[stage] = Math.sqrt(sum) * (1 + 1e-6) + 1e-7;
  }
  return norms;
}

/** `vectors[offset + from .. offset + to) · query[from .. to)`, four lanes at a time. */
function dot(vectors: Float32Array, offset: number, query: Float32Array, from: number, to: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = from;
  for (; index + 3 < to; index += 4) {
    sum0 += (vectors[offset + index] as number) * (query[index] as number);
    sum1 += (vectors[offset + index + 1] as number) * (query[index + 1] as number);
    sum2 += (vectors[offset + index + 2] as number) * (query[index + 2] as number);
    sum3 += (vectors[offset + index + 3] as number) * (query[index + 3] as number);
  }
  for (; index < to; index++) sum0 += (vectors[offset + index] as number) * (query[index] as number);
  return sum0 + sum1 + sum2 + sum3;
}
