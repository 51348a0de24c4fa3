export interface ConfigIssue {
  /** Where in the file: `models.fast.targets[0].model`. */
  path: string;
  message: string;
}

/** A config that cannot be used; every problem found is listed with its path. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source ? ` in ${source}` : '';
    super(`Invalid configuration${where}:\n${issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
