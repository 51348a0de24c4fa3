import { parseArgs } from 'node:util';
import type { CliIo } from './cli.js';

/**
 * `switchyard keys …` and `switchyard spend`: thin clients of a running gateway's admin API, so they
 * work the same against the in-memory store (which lives in the server process) and against Redis.
 */
export const adminUsage = `Key and spend commands (talk to a running gateway's admin API):
  keys create --name <name> [--team <t>] [--user <u>] [--models a,b] [--rpm N] [--tpm N]
              [--budget-day USD] [--budget-month USD] [--expires <ISO time>] [--meta k=v ...]
  keys list
  keys revoke <id>
  keys rotate <id> [--grace <seconds>]
  keys delete <id>
  keys hash <key>        Print the sha256 form of a key, for the config file's \`hash:\`
  spend [--group-by key|team|model|deployment|day|user] [--from D] [--to D] [--format csv]
  experiments report <name> [--format json]

Options:
  --url <url>            Gateway URL (default: $SWITCHYARD_URL, else http://127.0.0.1:8787)
  --admin-key <key>      Admin key (default: $SWITCHYARD_ADMIN_KEY)
`;

export async function runAdminCommand(command: string, argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv.filter((argument) => argument !== '--'),
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      name: { type: 'string' },
      team: { type: 'string' },
      user: { type: 'string' },
      models: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'budget-day': { type: 'string' },
      'budget-month': { type: 'string' },
      expires: { type: 'string' },
      meta: { type: 'string', multiple: true },
      grace: { type: 'string' },
      'group-by': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
    },
  });
  const [action, id] = positionals;
  if (command === 'keys' && action === 'hash') {
    if (!id) return fail(io, 'keys hash needs a key: switchyard keys hash <key>');
    const { hashKey } = await import('@switchyard/auth');
    io.stdout(`${hashKey(id)}\n`);
    return 0;
  }
  const base = (values.url ?? io.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const adminKey = values['admin-key'] ?? io.env.SWITCHYARD_ADMIN_KEY;
  if (!adminKey) return fail(io, 'an admin key is needed: --admin-key or $SWITCHYARD_ADMIN_KEY');

  const call = async (method: string, path: string, body?: unknown): Promise<number> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return fail(io, `cannot reach the gateway at ${base}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {}
      return fail(io, `${response.status}: ${message}`);
    }
    const isJson = response.headers.get('content-type')?.includes('json') ?? false;
    io.stdout(isJson ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
    return 0;
  };

  if (command === 'experiments') {
    if (action !== 'report' || !id) return fail(io, 'usage: switchyard experiments report <name>');
    const format = values.format === 'json' ? '' : '?format=text';
    return call('GET', `/admin/experiments/${encodeURIComponent(id)}/report${format}`);
  }
  if (command === 'spend') {
    const query = new URLSearchParams();
    query.set('group_by', values['group-by'] ?? 'key');
    for (const name of ['from', 'to', 'format'] as const) if (values[name]) query.set(name, values[name]);
    return call('GET', `/admin/spend?${query}`);
  }
  switch (action) {
    case 'create': {
      if (!values.name) return fail(io, 'keys create needs --name');
      const limits = { ...numberOption(values.rpm, 'rpm'), ...numberOption(values.tpm, 'tpm') };
      const budgets = [
        ...(values['budget-day'] ? [{ window: 'day', usd: Number(values['budget-day']) }] : []),
        ...(values['budget-month'] ? [{ window: 'month', usd: Number(values['budget-month']) }] : []),
      ];
      const metadata = Object.fromEntries(
        (values.meta ?? []).map((pair) => [pair.split('=')[0], pair.split('=').slice(1).join('=')]),
      );
      return call('POST', '/admin/keys', {
        name: values.name,
        ...(values.team ? { team: values.team } : {}),
        ...(values.user ? { user: values.user } : {}),
        ...(values.models ? { models: values.models.split(',').map((model) => model.trim()) } : {}),
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(budgets.length > 0 ? { budgets } : {}),
        ...(values.expires ? { expiresAt: values.expires } : {}),
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      });
    }
    case 'list':
      return call('GET', '/admin/keys');
    case 'revoke':
    case 'delete':
    case 'rotate': {
      if (!id) return fail(io, `keys ${action} needs a key id`);
      if (action === 'delete') return call('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
      const body = action === 'rotate' && values.grace ? { graceSeconds: Number(values.grace) } : undefined;
      return call('POST', `/admin/keys/${encodeURIComponent(id)}/${action}`, body);
    }
    default:
      return fail(io, `unknown keys command "${action ?? ''}"\n\n${adminUsage}`);
  }
}

function numberOption(value: string | undefined, name: string): Record<string, number> {
  return value === undefined ? {} : { [name]: Number(value) };
}

function fail(io: CliIo, message: string): number {
  io.stderr(`switchyard: ${message}\n`);
  return 1;
}
