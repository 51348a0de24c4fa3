/**
 * Reads how long an upstream asked us to wait: `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds),
 * then `retry-after` as delta-seconds or an HTTP-date. `undefined` when absent or unreadable.
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers[name];
    if (value !== undefined) {
      const milliseconds = Number(value);
      if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
    }
  }
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
