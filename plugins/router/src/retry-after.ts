const decimal = /^\d+(\.\d+)?$/;

/** The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, RFC 850 and asctime. */
const httpDate: readonly RegExp[] = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Reads how long an upstream asked us to wait: `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds),
 * then `retry-after` as delta-seconds or an HTTP-date. `undefined` when absent or unreadable.
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers[name]?.trim();
    if (value !== undefined && decimal.test(value)) return Number(value);
  }
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (decimal.test(value)) return Number(value) * 1000;
  if (!httpDate.some((pattern) => pattern.test(value))) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
