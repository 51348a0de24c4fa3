import type { Store, StoreScript } from '@switchyard/core';

/** ARGV: limit, amount, ttlMs. Adds `amount` unless that would pass `limit`; returns 1 when admitted. */
const admitScript: StoreScript<number> = {
  name: 'switchyard-window-admit',
  lua: `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
local amount = tonumber(ARGV[2])
if current + amount > limit then return 0 end
local value = redis.call('INCRBY', KEYS[1], amount)
if value == amount then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3])) end
return 1
`,
  local(keys, args) {
    const current = Number(keys.get(0) ?? '0');
    const [limit, amount, ttlMs] = args.map(Number) as [number, number, number];
    if (current + amount > limit) return 0;
    keys.set(0, String(current + amount), current === 0 ? ttlMs : undefined);
    return 1;
  },
};

const minuteMs = 60_000;

/**
 * What the router knows about each deployment: recent latency (an exponentially weighted average, per
 * process), requests in flight (per process), and the requests and tokens it was sent this minute (in
 * the Store, so shared across processes like the limits they enforce).
 */
export class DeploymentStats {
  readonly #latency = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  latencyMs(deploymentId: string): number | undefined {
    return this.#latency.get(deploymentId);
  }

  recordLatency(deploymentId: string, milliseconds: number): void {
    const previous = this.#latency.get(deploymentId);
    this.#latency.set(deploymentId, previous === undefined ? milliseconds : previous * 0.8 + milliseconds * 0.2);
  }

  inFlight(deploymentId: string): number {
    return this.#inFlight.get(deploymentId) ?? 0;
  }

  begin(deploymentId: string): void {
    this.#inFlight.set(deploymentId, this.inFlight(deploymentId) + 1);
  }

  end(deploymentId: string): void {
    this.#inFlight.set(deploymentId, Math.max(0, this.inFlight(deploymentId) - 1));
  }

  #windowKey(kind: 'rpm' | 'tpm', deploymentId: string): string {
    return `switchyard:deployment-${kind}:${deploymentId}:${Math.floor(this.#now() / minuteMs)}`;
  }

  /** Counts one request against the deployment's RPM; false (nothing counted) when it is at its limit. */
  /**
   * Counts one request against the deployment's RPM; false (nothing counted) when it is at its limit.
   * Deployment limits fail open: when the store cannot be reached the request is admitted.
   */
  async admitRequest(deploymentId: string, rpm: number): Promise<boolean> {
    try {
      return (
        (await this.#store.run(admitScript, [this.#windowKey('rpm', deploymentId)], [String(rpm), '1', String(2 * minuteMs)])) ===
        1
      );
    } catch {
      return true;
    }
  }

  /** Whether the deployment has used up its tokens for this minute (false when the store cannot tell). */
  async tokensExhausted(deploymentId: string, tpm: number): Promise<boolean> {
    try {
      const used = Number((await this.#store.get(this.#windowKey('tpm', deploymentId))) ?? '0');
      return used >= tpm;
    } catch {
      return false;
    }
  }

  /** Adds tokens the deployment really used (from the upstream's usage); lost while the store is down. */
  async addTokens(deploymentId: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    await this.#store.increment(this.#windowKey('tpm', deploymentId), tokens, { ttlMs: 2 * minuteMs }).catch(() => undefined);
  }
}
