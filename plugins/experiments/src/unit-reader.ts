import type { ChatContext } from '@switchyard/core';
import type { ExperimentUnit } from './config-schema.js';

/** Reads a request's assignment unit; undefined when the request does not carry it. */
export type UnitReader = (context: ChatContext) => string | undefined;

const defaultSessionHeader = 'x-session-id';

/** Builds the reader once, at construction. Header names arrive lower-cased from the schema. */
export function compileUnitReader(unit: ExperimentUnit): UnitReader {
  if (unit === 'user') return (context) => nonEmpty(context.request.user);
  if (unit === 'key') return (context) => nonEmpty(context.state.principal?.keyId);
  if (unit === 'session') return headerReader(defaultSessionHeader);
  if ('header' in unit) return headerReader(unit.header.toLowerCase());
  if ('session' in unit) return headerReader(unit.session.toLowerCase());
  const field = unit.metadata;
  return (context) => {
    const metadata = (context.request as { metadata?: unknown }).metadata;
    if (typeof metadata !== 'object' || metadata === null) return undefined;
    const value = (metadata as Record<string, unknown>)[field];
    return typeof value === 'number' && Number.isFinite(value) ? String(value) : nonEmpty(value);
  };
}

/** A short, non-secret description for reports (never the unit's value). */
export function describeUnit(unit: ExperimentUnit): string {
  if (typeof unit === 'string') return unit === 'session' ? `session (header ${defaultSessionHeader})` : unit;
  if ('header' in unit) return `header ${unit.header}`;
  if ('session' in unit) return `session (header ${unit.session})`;
  return `metadata.${unit.metadata}`;
}

function headerReader(name: string): UnitReader {
  return (context) => nonEmpty(context.http.headers[name]);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
