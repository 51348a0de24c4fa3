import { type ModerationCheck, verdict } from './verdict.js';

export interface RegexRule {
  /** A JavaScript regular expression source, e.g. `\\b(?:ssn|social security)\\b`. */
  pattern: string;
  /** Flags other than `g`/`y` (`i`, `u`, `s`, `m`); default `iu`. */
  flags?: string;
  /** The category reported when it matches; default `regex`. */
  category?: string;
}

export interface RulesCheckOptions {
  /** Words or phrases refused wherever they appear as whole words (case-insensitive, whitespace-tolerant). */
  deny?: readonly string[];
  /** The category reported for a deny-list hit; default `deny-list`. */
  denyCategory?: string;
  regex?: readonly (string | RegexRule)[];
  name?: string;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `kill  switch` matches the phrase `kill switch`: runs of whitespace in a phrase match any whitespace. */
function phrasePattern(phrase: string): string {
  const words = phrase.trim().split(/\s+/).map(escapeRegex);
  return `(?<![\\p{L}\\p{N}_])${words.join('\\s+')}(?![\\p{L}\\p{N}_])`;
}

/**
 * Local rules: a deny list of words and phrases, and regular expressions. All patterns are compiled
 * once, here; an invalid regex fails at construction with the rule's index (never per request).
 */
export function createRulesCheck({
  deny = [],
  denyCategory = 'deny-list',
  regex = [],
  name = 'rules',
}: RulesCheckOptions): ModerationCheck {
  const phrases = deny.map((phrase) => phrase.trim()).filter((phrase) => phrase.length > 0);
  const denyPattern = phrases.length > 0 ? new RegExp(phrases.map(phrasePattern).join('|'), 'iu') : undefined;
  const rules = regex.map((rule, index) => {
    const { pattern, flags = 'iu', category = 'regex' } = typeof rule === 'string' ? { pattern: rule } : rule;
    try {
      return { expression: new RegExp(pattern, flags.replace(/[gy]/g, '')), category };
    } catch (error) {
      throw new Error(`moderation rules: regex[${index}] is not a valid regular expression: ${(error as Error).message}`);
    }
  });

  return {
    name,
    async check(text) {
      const categories: string[] = [];
      if (denyPattern?.test(text)) categories.push(denyCategory);
      for (const rule of rules) if (rule.expression.test(text)) categories.push(rule.category);
      return verdict(categories, Object.fromEntries(categories.map((category) => [category, 1])));
    },
  };
}
