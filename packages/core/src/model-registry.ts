import { notFound, type ProviderV1 } from '@switchyard/spec';
import type { RouteDecision, RouteTarget } from './context.js';

export interface AliasTarget {
  /** `provider/model`, e.g. `openai/gpt-4o-mini`. */
  model: string;
  /** Request fields to override when this target is used. */
  params?: Readonly<Record<string, unknown>>;
}

export interface ModelAlias {
  targets: readonly AliasTarget[];
}

/** Bare model names that belong to a well-known provider id. */
const wellKnownPrefixes: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(gpt-|chatgpt-|o1|o3|o4|text-embedding-|omni-moderation)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^(gemini-|text-embedding-004|gemini-embedding)/, 'gemini'],
];

export interface ModelRegistry {
  readonly providers: ReadonlyMap<string, ProviderV1>;
  readonly aliases: ReadonlyMap<string, ModelAlias>;
  /** Resolves what a client asked for into targets; throws a 404 `model_not_found` when nothing serves it. */
  resolve(requested: string): RouteDecision;
}

/**
 * Indexes providers by id and checks aliases once, at construction. Names resolve in this order: an alias,
 * `provider/model`, then a bare well-known name (`gpt-*`, `claude-*`, `gemini-*`) when that provider is on.
 */
export function createModelRegistry(
  providers: readonly ProviderV1[],
  aliases: Readonly<Record<string, ModelAlias>> = {},
): ModelRegistry {
  const providerMap = new Map<string, ProviderV1>();
  for (const provider of providers) {
    if (provider.specificationVersion !== 'v1') {
      throw new Error(
        `Provider "${provider.id}" implements specification "${String(provider.specificationVersion)}"; this core supports "v1".`,
      );
    }
    if (providerMap.has(provider.id)) throw new Error(`Two providers have the id "${provider.id}".`);
    providerMap.set(provider.id, provider);
  }

  const targetFor = (model: string, where: string): RouteTarget | undefined => {
    const slash = model.indexOf('/');
    if (slash <= 0) return undefined;
    const providerId = model.slice(0, slash);
    const provider = providerMap.get(providerId);
    if (!provider) {
      if (where) throw new Error(`${where}: unknown provider "${providerId}"`);
      return undefined;
    }
    return { providerId, provider, model: model.slice(slash + 1) };
  };

  const aliasMap = new Map<string, ModelAlias>();
  const aliasDecisions = new Map<string, RouteTarget[]>();
  for (const [name, alias] of Object.entries(aliases)) {
    if (alias.targets.length === 0) throw new Error(`models.${name}.targets: an alias needs at least one target`);
    const targets = alias.targets.map((target, index) => {
      const resolved = targetFor(target.model, `models.${name}.targets[${index}].model`);
      if (!resolved) throw new Error(`models.${name}.targets[${index}].model: expected "provider/model", got "${target.model}"`);
      return target.params ? { ...resolved, params: target.params } : resolved;
    });
    aliasMap.set(name, alias);
    aliasDecisions.set(name, targets);
  }

  return {
    providers: providerMap,
    aliases: aliasMap,
    resolve(requested) {
      const aliasTargets = aliasDecisions.get(requested);
      if (aliasTargets) return { requested, alias: requested, targets: aliasTargets };
      const direct = targetFor(requested, '');
      if (direct) return { requested, targets: [direct] };
      for (const [pattern, providerId] of wellKnownPrefixes) {
        const provider = providerMap.get(providerId);
        if (provider && pattern.test(requested)) return { requested, targets: [{ providerId, provider, model: requested }] };
      }
      throw notFound(`The model "${requested.slice(0, 200)}" does not exist or is not served by this gateway.`, {
        code: 'model_not_found',
        param: 'model',
      });
    },
  };
}
