import type { GatewayContext } from '@switchyard/core';
import type { CompiledDeployment, CompiledGroup, CompiledNode } from './compile-routes.js';
import type { DeploymentStats } from './deployment-stats.js';
import { promptCharacters } from './prompt-text.js';

/** One deployment in the order the router will try them, with the groups it sits in (outermost first). */
export interface PlannedTarget {
  deployment: CompiledDeployment;
  groups: readonly CompiledGroup[];
}

export interface PlanInputs {
  context: GatewayContext;
  stats: DeploymentStats;
  random: () => number;
}

/**
 * Orders the deployments of a routing tree for one request. Fallback groups keep their order; balancing
 * groups order their children by weight (a weighted random permutation), latency (lowest first, with
 * exploration), estimated cost or requests in flight; conditional nodes pick their branch. The result is
 * flat: trying the next entry is fallback or load-balancing failover, decided by the groups two entries
 * share.
 */
export function planRoute(root: CompiledNode, inputs: PlanInputs): PlannedTarget[] {
  const planned: PlannedTarget[] = [];
  const visit = (node: CompiledNode, groups: readonly CompiledGroup[]) => {
    if (node.kind === 'deployment') {
      planned.push({ deployment: node, groups });
      return;
    }
    if (node.kind === 'conditional') {
      const rule = node.rules.find((candidate) => candidate.matches(inputs.context));
      const chosen = rule?.node ?? node.fallback;
      if (chosen) visit(chosen, groups);
      return;
    }
    const inner = [...groups, node];
    for (const child of orderChildren(node, inputs)) visit(child, inner);
  };
  visit(root, []);
  return planned;
}

function orderChildren(group: CompiledGroup, inputs: PlanInputs): CompiledNode[] {
  const { children } = group;
  if (group.strategy === 'fallback' || children.length < 2) return children;
  if (group.strategy === 'weighted') {
    // Efraimidis–Spirakis: sorting by random^(1/weight) gives a weighted random permutation.
    return children
      .map((child) => ({ child, key: inputs.random() ** (1 / child.weight) }))
      .sort((a, b) => b.key - a.key)
      .map((entry) => entry.child);
  }
  if (group.strategy === 'latency') {
    if (inputs.random() < group.explore) return shuffle(children, inputs.random);
    return sortBy(children, (child) => aggregate(child, (deployment) => inputs.stats.latencyMs(deployment.id) ?? 0, Math.min));
  }
  if (group.strategy === 'cost') {
    const estimate = tokenEstimate(inputs.context);
    return sortBy(children, (child) =>
      aggregate(
        child,
        (deployment) =>
          deployment.price
            ? deployment.price.input * estimate.input + deployment.price.output * estimate.output
            : Number.POSITIVE_INFINITY,
        Math.min,
      ),
    );
  }
  // least-busy: fewest requests in flight, ties broken at random.
  return sortBy(shuffle(children, inputs.random), (child) =>
    aggregate(
      child,
      (deployment) => inputs.stats.inFlight(deployment.id),
      (a, b) => a + b,
    ),
  );
}

function sortBy<T>(items: readonly T[], score: (item: T) => number): T[] {
  return items
    .map((item) => ({ item, score: score(item) }))
    .sort((a, b) => a.score - b.score)
    .map((entry) => entry.item);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const swap = Math.floor(random() * (index + 1));
    [copy[index], copy[swap]] = [copy[swap] as T, copy[index] as T];
  }
  return copy;
}

/** Combines a per-deployment score over a subtree (min for latency and cost, sum for load). */
function aggregate(
  node: CompiledNode,
  score: (deployment: CompiledDeployment) => number,
  combine: (a: number, b: number) => number,
): number {
  if (node.kind === 'deployment') return score(node);
  const children =
    node.kind === 'group' ? node.children : [...node.rules.map((rule) => rule.node), ...(node.fallback ? [node.fallback] : [])];
  return children.map((child) => aggregate(child, score, combine)).reduce((a, b) => combine(a, b));
}

/** Input and output tokens a request may use: a chars/4 prompt estimate and its output cap (default 256). */
function tokenEstimate(context: GatewayContext): { input: number; output: number } {
  if (context.operation !== 'chat') return { input: 1, output: 0 };
  const { request } = context;
  const output = request.max_completion_tokens ?? request.max_tokens ?? 256;
  return { input: Math.ceil(promptCharacters(request) / 4), output };
}

/** The innermost group two planned entries share, which decides whether a failure may move between them. */
export function sharedGroup(a: PlannedTarget, b: PlannedTarget): CompiledGroup | undefined {
  let shared: CompiledGroup | undefined;
  const depth = Math.min(a.groups.length, b.groups.length);
  for (let index = 0; index < depth; index++) {
    if (a.groups[index] !== b.groups[index]) break;
    shared = a.groups[index];
  }
  return shared;
}
