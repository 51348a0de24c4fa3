import { createHash } from 'node:crypto';
import type { Principal, RouteDecision } from '@switchyard/core';
import type { ChatRequest } from '@switchyard/spec';
import { canonicalJson } from './canonical-json.js';

/**
 * Request fields that never change the answer, left out of the key: transport (`stream`, `stream_options`),
 * bookkeeping for the upstream (`metadata`, `store`, `service_tier`, `prompt_cache_key`,
 * `safety_identifier`) and the end-user id `user` (a tag for abuse monitoring; the tenant boundary is
 * the gateway key or team). Every other field counts, including fields the gateway does not know yet:
 * an unknown field may change the answer, and a needless miss is cheaper than a wrong hit.
 */
export const ignoredRequestFields: readonly string[] = [
  'stream',
  'stream_options',
  'user',
  'metadata',
  'store',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
];

export interface KeyInput {
  request: ChatRequest;
  /** Routing already decided before the cache ran (an experiment or router placed earlier). */
  route?: RouteDecision | undefined;
  tenant: string;
  /** Include `user` in the key (one cache per end user). */
  partitionByUser?: boolean;
  /** Purge generations (see `namespaces.ts`): bumping one makes every key that contains it new. */
  generations: readonly number[];
}

export interface CacheKeys {
  /** The exact key: everything that changes the answer. */
  exact: string;
  /** The semantic partition: the exact key's material without the conversation. */
  partition: string;
}

/** The tenant a request's entries belong to: the key's team, else the key, else `anonymous`. */
export function tenantOf(principal: Principal | undefined): string {
  return principal?.team ?? principal?.keyId ?? 'anonymous';
}

/** The request's answer-relevant fields; top-level `null` counts as absent (the upstream's default). */
function answerFields(request: ChatRequest, partitionByUser: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of Object.keys(request)) {
    const value = (request as Record<string, unknown>)[name];
    if (value === null || value === undefined) continue;
    if (ignoredRequestFields.includes(name) && !(partitionByUser && name === 'user')) continue;
    fields[name] = value;
  }
  return fields;
}

function routeMaterial(route: RouteDecision | undefined): unknown {
  if (!route) return null;
  return route.targets.map((target) => [target.providerId, target.model, target.params ?? null]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hashes canonical JSON of the answer-relevant material; equal material in any key order gives equal keys. */
export function cacheKeys({ request, route, tenant, partitionByUser = false, generations }: KeyInput): CacheKeys {
  const fields = answerFields(request, partitionByUser);
  const { messages, ...parameters } = fields;
  const common = canonicalJson({ tenant, route: routeMaterial(route), generations, parameters });
  return {
    exact: sha256(`exact\n${common}\n${canonicalJson(messages)}`),
    partition: sha256(`partition\n${common}`),
  };
}
