export { type ChainVerdict, type CheckChain, type CheckChainOptions, createCheckChain } from './check-chain.js';
export { configSchema, type ModerationConfig, type ModerationFromConfigOptions, moderationFromConfig } from './config-schema.js';
export { moderateStream, type StreamModerationOptions } from './moderate-stream.js';
export {
  type InputModerationOptions,
  type ModerationOptions,
  moderation,
  moderationHeader,
  type OutputModerationOptions,
} from './moderation.js';
export { contentFlagged, type ModerationStage, moderationUnavailable } from './moderation-errors.js';
export type { ModerationStageOutcome, ModerationState } from './moderation-state.js';
export { createModerationsHandler, type ModerationsHandlerOptions } from './moderations-handler.js';
export { createProfanityCheck, type ProfanityCheckOptions } from './profanity-check.js';
export { defaultRefusal } from './refusal.js';
export { createRemoteCheck, type RemoteCheckOptions } from './remote-check.js';
export { messageText, requestText } from './request-text.js';
export { createRulesCheck, type RegexRule, type RulesCheckOptions } from './rules-check.js';
export { type CheckOptions, type FailMode, type ModerationCheck, passed, type Verdict, verdict } from './verdict.js';
