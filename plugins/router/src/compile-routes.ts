import type { GatewayContext, RouteTarget } from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import { defaultMoveOn } from './error-class.js';
import { detectLanguage, lastUserText, promptCharacters } from './prompt-text.js';
import type {
  AliasConfig,
  BalancingStrategy,
  PriceConfig,
  RetryConfig,
  RouteNodeConfig,
  RuleCondition,
  TimeoutConfig,
} from './route-schema.js';

export interface CompiledDeployment {
  kind: 'deployment';
  /** `provider/model`: the unit of health, limits and latency. */
  id: string;
  target: RouteTarget;
  weight: number;
  rpm?: number;
  tpm?: number;
  price?: PriceConfig;
}

export interface CompiledGroup {
  kind: 'group';
  strategy: 'fallback' | BalancingStrategy;
  children: CompiledNode[];
  weight: number;
  /** Error classes or codes that move a request from one child to the next. */
  moveOn: ReadonlySet<string>;
  explore: number;
}

export interface CompiledConditional {
  kind: 'conditional';
  rules: Array<{ matches: (context: GatewayContext) => boolean; node: CompiledNode }>;
  fallback?: CompiledNode;
  weight: number;
}

export type CompiledNode = CompiledDeployment | CompiledGroup | CompiledConditional;

export interface CompiledAlias {
  name: string;
  root: CompiledNode;
  retry: RetryConfig;
  timeouts: TimeoutConfig;
}

export interface RouteConfigIssue {
  path: string;
  message: string;
}

export class RouteConfigError extends Error {
  readonly issues: readonly RouteConfigIssue[];
  constructor(issues: readonly RouteConfigIssue[]) {
    super(`Invalid routing configuration:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`);
    this.name = 'RouteConfigError';
    this.issues = issues;
  }
}

/**
 * Compiles alias configs into routing trees, once, at start: providers resolved, alias references inlined,
 * conditions compiled. Every problem is reported with its path (`models.smart.targets[1].model: ...`).
 */
export function compileRoutes(
  aliases: Readonly<Record<string, AliasConfig>>,
  providers: ReadonlyMap<string, ProviderV1>,
  pathPrefix = 'models',
): Map<string, CompiledAlias> {
  const issues: RouteConfigIssue[] = [];
  const compiled = new Map<string, CompiledAlias>();

  for (const name of Object.keys(aliases)) {
    const slash = name.indexOf('/');
    if (slash > 0 && providers.has(name.slice(0, slash))) {
      issues.push({
        path: `${pathPrefix}.${name}`,
        message: `the alias shadows the deployment "${name}"; choose a name without a provider prefix`,
      });
    }
  }

  // Each alias is compiled once, whether as itself or as a reference, so its problems are reported once.
  const compiledAliases = new Map<string, CompiledNode | undefined>();
  const compileAlias = (name: string, visiting: readonly string[]): CompiledNode | undefined => {
    if (!compiledAliases.has(name))
      compiledAliases.set(name, compileNode(aliases[name] as RouteNodeConfig, `${pathPrefix}.${name}`, visiting));
    return compiledAliases.get(name);
  };

  const compileNode = (node: RouteNodeConfig, path: string, visiting: readonly string[]): CompiledNode | undefined => {
    const fields = node as Partial<Record<string, unknown>> & RouteNodeConfig;
    const kinds = ['model', 'alias', 'strategy'].filter((key) => fields[key] !== undefined);
    const weight = typeof fields.weight === 'number' ? fields.weight : 1;
    if (kinds.length === 0 && fields.targets !== undefined) return compileGroup('fallback', fields, path, visiting, weight);
    if (kinds.length !== 1) {
      issues.push({
        path,
        message: 'a target has exactly one of "model" (a deployment), "alias" (another alias) or "strategy" (a group)',
      });
      return undefined;
    }
    if ('model' in node && node.model !== undefined) return compileDeployment(node.model, fields, path, weight);
    if ('alias' in node && node.alias !== undefined) {
      const referenced = aliases[node.alias];
      if (!referenced) {
        issues.push({ path: `${path}.alias`, message: `unknown alias "${node.alias}"` });
        return undefined;
      }
      if (visiting.includes(node.alias)) {
        issues.push({ path: `${path}.alias`, message: `cycle: ${[...visiting, node.alias].join(' → ')}` });
        return undefined;
      }
      const inlined = compileAlias(node.alias, [...visiting, node.alias]);
      return inlined ? { ...inlined, weight } : undefined;
    }
    const strategy = fields.strategy as CompiledGroup['strategy'] | 'conditional';
    if (strategy === 'conditional') return compileConditional(fields, path, visiting, weight);
    return compileGroup(strategy, fields, path, visiting, weight);
  };

  const compileDeployment = (
    model: string,
    fields: Partial<Record<string, unknown>>,
    path: string,
    weight: number,
  ): CompiledDeployment | undefined => {
    for (const key of ['targets', 'rules', 'default', 'on', 'explore']) {
      if (fields[key] !== undefined) issues.push({ path: `${path}.${key}`, message: 'not allowed on a deployment' });
    }
    const slash = model.indexOf('/');
    if (slash <= 0) {
      issues.push({ path: `${path}.model`, message: `expected "provider/model", got "${model}"` });
      return undefined;
    }
    const providerId = model.slice(0, slash);
    const provider = providers.get(providerId);
    if (!provider) {
      issues.push({
        path: `${path}.model`,
        message: `unknown provider "${providerId}" (on: ${[...providers.keys()].join(', ')})`,
      });
      return undefined;
    }
    const params = fields.params as Record<string, unknown> | undefined;
    const target: RouteTarget = { providerId, provider, model: model.slice(slash + 1), ...(params ? { params } : {}) };
    return {
      kind: 'deployment',
      id: model,
      target,
      weight,
      rpm: fields.rpm as number | undefined,
      tpm: fields.tpm as number | undefined,
      price: fields.price as PriceConfig | undefined,
    };
  };

  const compileGroup = (
    strategy: CompiledGroup['strategy'],
    fields: Partial<Record<string, unknown>>,
    path: string,
    visiting: readonly string[],
    weight: number,
  ): CompiledGroup | undefined => {
    const targets = fields.targets as RouteNodeConfig[] | undefined;
    if (!targets || targets.length === 0) {
      issues.push({ path: `${path}.targets`, message: `a "${strategy}" group needs targets` });
      return undefined;
    }
    for (const key of ['rules', 'default', 'rpm', 'tpm', 'price', 'params']) {
      if (fields[key] !== undefined) issues.push({ path: `${path}.${key}`, message: `not allowed on a "${strategy}" group` });
    }
    const children = targets.map((child, index) => compileNode(child, `${path}.targets[${index}]`, visiting));
    if (children.some((child) => child === undefined)) return undefined;
    const on = fields.on as string[] | undefined;
    return {
      kind: 'group',
      strategy,
      children: children as CompiledNode[],
      weight,
      moveOn: on ? new Set(on) : defaultMoveOn,
      explore: typeof fields.explore === 'number' ? fields.explore : 0.1,
    };
  };

  const compileConditional = (
    fields: Partial<Record<string, unknown>>,
    path: string,
    visiting: readonly string[],
    weight: number,
  ): CompiledConditional | undefined => {
    const rules = fields.rules as Array<{ when: RuleCondition; target: RouteNodeConfig }> | undefined;
    if (!rules || rules.length === 0) {
      issues.push({ path: `${path}.rules`, message: 'a "conditional" group needs rules' });
      return undefined;
    }
    const compiledRules = rules.map((rule, index) => {
      const node = compileNode(rule.target, `${path}.rules[${index}].target`, visiting);
      return node ? { matches: compileCondition(rule.when, `${path}.rules[${index}].when`, issues), node } : undefined;
    });
    const fallback =
      fields.default === undefined ? undefined : compileNode(fields.default as RouteNodeConfig, `${path}.default`, visiting);
    if (compiledRules.some((rule) => rule === undefined) || (fields.default !== undefined && !fallback)) return undefined;
    return {
      kind: 'conditional',
      rules: compiledRules as CompiledConditional['rules'],
      weight,
      ...(fallback ? { fallback } : {}),
    };
  };

  for (const [name, config] of Object.entries(aliases)) {
    const root = compileAlias(name, [name]);
    if (root) compiled.set(name, { name, root, retry: config.retry ?? {}, timeouts: config.timeouts ?? {} });
  }
  if (issues.length > 0) throw new RouteConfigError(issues);
  return compiled;
}

function compileCondition(
  condition: RuleCondition,
  path: string,
  issues: RouteConfigIssue[],
): (context: GatewayContext) => boolean {
  const headerTests = Object.entries(condition.headers ?? {}).map(([name, expected]) => {
    const lowerName = name.toLowerCase();
    if (expected.length > 1 && expected.startsWith('/') && expected.endsWith('/')) {
      try {
        const pattern = new RegExp(expected.slice(1, -1));
        return (context: GatewayContext) => pattern.test(context.http.headers[lowerName] ?? '');
      } catch {
        issues.push({ path: `${path}.headers.${name}`, message: 'invalid regular expression' });
      }
    }
    return (context: GatewayContext) => context.http.headers[lowerName] === expected;
  });
  const metadata = Object.entries(condition.metadata ?? {});
  const languages = condition.language ? new Set<string>(condition.language) : undefined;
  const { minPromptChars, maxPromptChars, hasTools } = condition;
  return (context) => {
    if (!headerTests.every((test) => test(context))) return false;
    if (context.operation !== 'chat') {
      return (
        metadata.length === 0 && !languages && minPromptChars === undefined && maxPromptChars === undefined && hasTools !== true
      );
    }
    const request = context.request;
    if (metadata.length > 0) {
      const requestMetadata = (request.metadata ?? {}) as Record<string, unknown>;
      if (!metadata.every(([key, value]) => requestMetadata[key] === value)) return false;
    }
    if (languages) {
      const language = detectLanguage(lastUserText(request));
      if (!language || !languages.has(language)) return false;
    }
    if (minPromptChars !== undefined || maxPromptChars !== undefined) {
      const characters = promptCharacters(request);
      if (minPromptChars !== undefined && characters < minPromptChars) return false;
      if (maxPromptChars !== undefined && characters > maxPromptChars) return false;
    }
    if (hasTools !== undefined && (request.tools !== undefined && request.tools.length > 0) !== hasTools) return false;
    return true;
  };
}
