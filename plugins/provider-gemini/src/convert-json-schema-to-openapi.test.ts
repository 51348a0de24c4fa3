import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToOpenAPI } from './convert-json-schema-to-openapi.js';

describe('convertJsonSchemaToOpenAPI', () => {
  it('drops keywords Gemini rejects and keeps the shared subset', () => {
    expect(
      convertJsonSchemaToOpenAPI({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: 'x',
        type: 'object',
        additionalProperties: false,
        properties: {
          city: { type: 'string', description: 'City', minLength: 1, pattern: '^[A-Z]' },
          days: { type: 'integer', minimum: 1, maximum: 7, exclusiveMinimum: 0, multipleOf: 1 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
        },
        required: ['city'],
        strict: true,
      }),
    ).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City', minLength: 1, pattern: '^[A-Z]' },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      required: ['city'],
    });
  });

  it('returns undefined for schemas that constrain nothing', () => {
    expect(convertJsonSchemaToOpenAPI(undefined)).toBeUndefined();
    expect(convertJsonSchemaToOpenAPI({})).toBeUndefined();
    expect(convertJsonSchemaToOpenAPI({ type: 'object', properties: {}, additionalProperties: false })).toBeUndefined();
  });

  it('turns null unions into nullable and oneOf into anyOf', () => {
    expect(convertJsonSchemaToOpenAPI({ type: 'object', properties: { a: { type: ['string', 'null'] } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string', nullable: true } },
    });
    expect(
      convertJsonSchemaToOpenAPI({
        type: 'object',
        properties: {
          b: { anyOf: [{ type: 'number' }, { type: 'null' }] },
          c: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
          d: { type: ['string', 'number'] },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        b: { type: 'number', nullable: true },
        c: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        d: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
    });
  });

  it('maps const to enum, inlines local $refs and caps recursion', () => {
    const converted = convertJsonSchemaToOpenAPI({
      type: 'object',
      properties: {
        kind: { const: 'point' },
        unit: { enum: ['c', 'f'] },
        where: { $ref: '#/$defs/Place', description: 'where' },
        tree: { $ref: '#/definitions/Node' },
      },
      $defs: { Place: { type: 'object', properties: { lat: { type: 'number' } }, additionalProperties: false } },
      definitions: { Node: { type: 'object', properties: { child: { $ref: '#/definitions/Node' } } } },
    });
    expect(converted?.properties?.kind).toEqual({ type: 'string', enum: ['point'] });
    expect(converted?.properties?.unit).toEqual({ type: 'string', enum: ['c', 'f'] });
    expect(converted?.properties?.where).toEqual({
      type: 'object',
      properties: { lat: { type: 'number' } },
      description: 'where',
    });
    let depth = 0;
    let node = converted?.properties?.tree;
    while (node?.properties?.child) {
      node = node.properties.child;
      depth += 1;
    }
    expect(depth).toBeGreaterThan(3);
    expect(depth).toBeLessThan(12);
    expect(JSON.stringify(converted)).not.toContain('$ref');
    expect(JSON.stringify(converted)).not.toContain('$defs');
  });

  it('merges allOf members', () => {
    expect(
      convertJsonSchemaToOpenAPI({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'boolean' } }, required: ['b', 'a'] },
        ],
      }),
    ).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, required: ['a', 'b'] });
  });
});
