import type { ServiceHandler, ServiceRequest } from '@switchyard/core';
import { notFound } from '@switchyard/spec';
import { type ExperimentsConfig, instantMs } from './config-schema.js';
import type { ExperimentReport } from './experiment-report.js';
import { formatReport } from './format-report.js';

export interface AdminHandlerOptions {
  config: ExperimentsConfig;
  report(name: string): Promise<ExperimentReport>;
  authorize(request: ServiceRequest): void | Promise<void>;
  now(): number;
}

/**
 * The experiments admin API, for requests `authorize` accepts:
 * - `GET /admin/experiments`: every experiment with its alias, variants and schedule status;
 * - `GET /admin/experiments/:name/report`: the readout as JSON, or as a text table with `?format=text`.
 */
export function adminHandlers({ config, report, authorize, now }: AdminHandlerOptions): ServiceHandler[] {
  return [
    {
      method: 'GET',
      path: '/admin/experiments',
      async handle(request) {
        await authorize(request);
        const at = now();
        const data = Object.entries(config).map(([name, experiment]) => ({
          name,
          alias: experiment.alias,
          enabled: experiment.enabled,
          running:
            experiment.enabled &&
            (experiment.start === undefined || at >= instantMs(experiment.start)) &&
            (experiment.stop === undefined || at < instantMs(experiment.stop)),
          control: experiment.control,
          variants: Object.keys(experiment.variants),
        }));
        return { body: { object: 'list', data } };
      },
    },
    {
      method: 'GET',
      path: /^\/admin\/experiments\/(?<name>[^/]+)\/report$/,
      async handle(request) {
        await authorize(request);
        const name = decodedName(request.parameters.name ?? '');
        if (!Object.hasOwn(config, name)) {
          throw notFound(`There is no experiment named "${name.slice(0, 64)}".`, { code: 'experiment_not_found' });
        }
        const readout = await report(name);
        if (request.query.get('format') === 'text') {
          return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: formatReport(readout) };
        }
        return { body: readout };
      },
    },
  ];
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
