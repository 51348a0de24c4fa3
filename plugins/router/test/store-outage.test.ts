/**
 * The router's shared state (breakers, deployment RPM/TPM) fails open: when the store cannot be reached,
 * requests are still routed and served, breakers count every deployment as healthy, and limits admit.
 */
import { createMemoryStore, type Store } from '@switchyard/core';
import { GatewayError } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createScope, postChat } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const down = () => new GatewayError({ message: 'store down', kind: 'unavailable', status: 503, code: 'store_unavailable' });
const brokenStore: Store = {
  ...createMemoryStore(),
  get: () => Promise.reject(down()),
  set: () => Promise.reject(down()),
  increment: () => Promise.reject(down()),
  run: () => Promise.reject(down()),
};

describe('router with an unreachable store', () => {
  it('routes and serves requests, with breakers and deployment limits failing open', async () => {
    const primary = await scope.fake();
    const gateway = await scope.gateway({
      upstreams: { primary: primary.url },
      aliases: { smart: { targets: [{ model: 'primary/gpt-4o', rpm: 1, tpm: 1 }] } },
      store: brokenStore,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await postChat(gateway.baseURL, { model: 'smart' });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    // With a working store, rpm: 1 would have refused the second and third requests.
    expect(statuses).toEqual([200, 200, 200]);
    expect(primary.requests).toHaveLength(3);
  });
});
