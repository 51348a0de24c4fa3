/** The model-name matching rules of the price snapshot (the genai-prices format). */
export type MatchRule =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchRule[] }
  | { and: MatchRule[] };

/** Compiles a rule into a predicate once; regexes are built here, not per lookup. */
export function compileMatch(rule: MatchRule): (model: string) => boolean {
  if ('equals' in rule) return (model) => model === rule.equals;
  if ('starts_with' in rule) return (model) => model.startsWith(rule.starts_with);
  if ('ends_with' in rule) return (model) => model.endsWith(rule.ends_with);
  if ('contains' in rule) return (model) => model.includes(rule.contains);
  if ('regex' in rule) {
    const pattern = new RegExp(rule.regex);
    return (model) => pattern.test(model);
  }
  if ('or' in rule) {
    const parts = rule.or.map(compileMatch);
    return (model) => parts.some((part) => part(model));
  }
  const parts = rule.and.map(compileMatch);
  return (model) => parts.every((part) => part(model));
}
