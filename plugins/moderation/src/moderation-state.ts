import type { ModerationStage } from './moderation-errors.js';

/** What moderation decided at one stage of a request. Names and categories only, never text. */
export interface ModerationStageOutcome {
  flagged: boolean;
  /** Categories flagged, across all checks (and windows, for streams). */
  categories: string[];
  /** Checks that flagged. */
  flaggedBy: string[];
  /** Checks that could not decide and were let through (fail mode `open`). */
  unavailable: string[];
  /** How many texts (messages, choices or stream windows) were checked. */
  checked: number;
  /** `passed`; `refused` (input error, or output replaced by the refusal); `stopped` (stream ended in-band). */
  action: 'passed' | 'refused' | 'stopped';
}

export interface ModerationState {
  input?: ModerationStageOutcome;
  output?: ModerationStageOutcome;
}

declare module '@switchyard/core' {
  interface GatewayState {
    /** Set by the moderation middleware. */
    moderation?: ModerationState;
  }
}

export function emptyOutcome(): ModerationStageOutcome {
  return { flagged: false, categories: [], flaggedBy: [], unavailable: [], checked: 0, action: 'passed' };
}

export type { ModerationStage };
