// The script the packed-app test copies into a scratch app outside the workspace, where the packages come
// from their packed tarballs (not from the workspace). It imports every public package by name, starts
// the gateway from `switchyard.yaml` (the mock provider, plus an OpenAI-compatible provider pointed at the
// testkit's fake OpenAI), makes one chat request to each, and prints one JSON line with what it saw.
// Usage: SWITCHYARD_PACKAGES='["@switchyard/core", …]' node smoke.js
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { silentLogger } from '@switchyard/core';
import { gatewayFromConfig, loadConfigFile, startServer } from '@switchyard/server';
import { startFakeOpenAI } from '@switchyard/testkit';

const names = JSON.parse(process.env.SWITCHYARD_PACKAGES ?? '[]');
assert.ok(Array.isArray(names) && names.length > 0, 'SWITCHYARD_PACKAGES must list the packages to import');

/** @type {Record<string, number>} how many named exports each package has */
const exportCounts = {};
for (const name of names) {
  const module = await import(name);
  const count = Object.keys(module).length;
  assert.ok(count > 0, `${name} has no exports`);
  exportCounts[name] = count;
}

const upstream = await startFakeOpenAI();
await writeFile(
  'switchyard.yaml',
  [
    'server:',
    '  logLevel: silent',
    'providers:',
    '  mock: {}',
    '  lab:',
    '    type: openai-compatible',
    `    baseURL: ${upstream.url}`,
    '    apiKey: not-a-real-key',
    '',
  ].join('\n'),
);

const config = await loadConfigFile('switchyard.yaml');
const server = await startServer({ gateway: gatewayFromConfig(config, { logger: silentLogger }), port: 0 });

/** @param {string} model @param {string} text */
async function chat(model, text) {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, `${model}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.choices[0].message.content;
}

try {
  const mockReply = await chat('mock/echo', 'ping');
  const upstreamReply = await chat('lab/gpt-4o-mini', 'pong');
  console.log(JSON.stringify({ exportCounts, mockReply, upstreamReply, upstreamRequests: upstream.requests.length }));
} finally {
  await server.close({ graceMs: 1000 });
  await upstream.close();
}
