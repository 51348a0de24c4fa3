/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable's value, with an empty or blank string counting as unset. */
export function readEnvironment(env: Environment, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
