export { type BuiltinDetectorName, builtinDetectorNames } from './builtin-detectors.js';
export { cnIdChecksumCharacter, isChineseIdValid } from './cn-id-checksum.js';
export {
  configSchema,
  loadDetectorModules,
  type PiiConfig,
  type PiiFromConfigDependencies,
  piiConfigSchema,
  piiFromConfig,
} from './config.js';
export { type PiiDetector, type PiiMatch, type RegexDetectorOptions, regexDetector } from './detector.js';
export { isIbanValid } from './iban.js';
export { isIpv4, isIpv6 } from './ip-address.js';
export { isLuhnValid } from './luhn.js';
export { type CustomDetectorEntry, defaultDetectorRules, type PiiMiddleware, type PiiOptions, pii } from './pii.js';
export type { PiiAction, PiiRule, PiiRuleInput } from './rule.js';
