import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { type ModerationCheck, passed, verdict } from './verdict.js';

export interface ProfanityCheckOptions {
  /** The category reported on a match; default `profanity`. */
  category?: string;
  name?: string;
}

/**
 * English profanity, with obfuscation handling (`sh1t`, `fuuuck`, confusable characters), built on the
 * `obscenity` library's English dataset and recommended transformers. The matcher is built once.
 */
export function createProfanityCheck({
  category = 'profanity',
  name = 'profanity',
}: ProfanityCheckOptions = {}): ModerationCheck {
  const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  return {
    name,
    async check(text) {
      return matcher.hasMatch(text) ? verdict([category], { [category]: 1 }) : passed;
    },
  };
}
