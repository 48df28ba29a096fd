/** The calls' and jobs' metrics: documents CloudWatch can read, and dimension values only from closed sets. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics, systemDimension } from '../../../src/audit/call-metrics';
import { capturedMetrics } from '../../support/emf';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('EMF documents', () => {
  it('carry the namespace, the timestamp, every dimension set of the metric and the value', () => {
    // Prepare
    const { metrics, published } = capturedMetrics('LumosWebhooks/Prod', () => 1_234);
    // Act
    metrics.count('ProvisioningFailures', { kind: 'provisioning', system: 'licence-api' }, 2);
    // Assess
    expect(published()).toEqual([
      {
        namespace: 'LumosWebhooks/Prod',
        name: 'ProvisioningFailures',
        value: 2,
        timestamp: 1_234,
        dimensionSets: [{ kind: 'provisioning' }, { kind: 'provisioning', system: 'licence-api' }],
        rootKeys: ['_aws', 'kind', 'system', 'ProvisioningFailures'],
      },
    ]);
  });

  it('are one line each, with a count of 1 unless told otherwise', () => {
    // Prepare
    const { metrics, lines, published } = capturedMetrics();
    // Act
    metrics.count('Decisions', { kind: 'pre_approval', outcome: 'PREAPPROVED' });
    metrics.count('Refused', { kind: 'pre_approval', reason: 'unauthorized' });
    // Assess
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\n');
    expect(published().map((metric) => [metric.name, metric.value, metric.dimensionSets])).toEqual([
      ['Decisions', 1, [{ kind: 'pre_approval', outcome: 'PREAPPROVED' }]],
      ['Refused', 1, [{ kind: 'pre_approval', reason: 'unauthorized' }]],
    ]);
  });

  it('are published under every dimension set the metric declares', () => {
    // Prepare
    const { metrics, published } = capturedMetrics();
    // Act
    metrics.count('Failures', { kind: 'request_validation', reason: 'store_unavailable' });
    metrics.count('InvalidRulesInScope', { kind: 'pre_approval' }, 3);
    // Assess
    const [failures, invalid] = published();
    expect(failures?.dimensionSets).toEqual([{ kind: 'request_validation' }, { kind: 'request_validation', reason: 'store_unavailable' }]);
    expect(invalid?.dimensionSets).toEqual([{ kind: 'pre_approval' }]);
  });

  it('publish values outside a dimension\'s set as "other"', () => {
    // Prepare
    const { metrics, published } = capturedMetrics();
    // Act
    metrics.count('Decisions', { kind: 'admin', outcome: 'MAYBE' });
    metrics.count('Failures', { kind: 'pre-approval', reason: 'StoreUnavailableError: table gone' });
    // Assess
    expect(published().map((metric) => metric.dimensionSets.at(-1))).toEqual([
      { kind: 'other', outcome: 'other' },
      { kind: 'other', reason: 'other' },
    ]);
  });

  it('publish a provisioner name in a safe charset, capped at 64 characters', () => {
    // Prepare / Act / Assess
    expect(systemDimension('licence-api')).toBe('licence-api');
    expect(systemDimension('api.example.com:8443')).toBe('api.example.com:8443');
    expect(systemDimension(' Licence API ')).toBe('Licence_API');
    expect(systemDimension('Zähler/ø')).toBe('Z_hler_');
    expect(systemDimension('x'.repeat(200))).toBe('x'.repeat(64));
    expect(systemDimension('***')).toBe('other');
    expect(systemDimension('')).toBe('other');
  });

  it('leave out a value that is no number', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics('Test', (line) => lines.push(line));
    // Act
    metrics.count('InvalidRulesInScope', { kind: 'pre_approval' }, Number.NaN);
    metrics.count('InvalidRulesInScope', { kind: 'pre_approval' }, Number.POSITIVE_INFINITY);
    // Assess
    expect(lines).toEqual([]);
  });
});

describe("the container's metrics", () => {
  async function loadWith(env: Record<string, string>): Promise<string[]> {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.resetModules();
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { metrics } = await import('../../../src/audit/call-metrics');
    metrics.count('Decisions', { kind: 'pre_approval', outcome: 'PREAPPROVED' });
    return written;
  }

  it('go to stdout, one line each, in the namespace the stack sets', async () => {
    // Prepare / Act
    const written = await loadWith({ LOG_LEVEL: 'INFO', METRICS_NAMESPACE: 'LumosWebhooks/Prod' });
    // Assess
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith('}\n')).toBe(true);
    expect(JSON.parse(written[0] ?? '')._aws.CloudWatchMetrics[0].Namespace).toBe('LumosWebhooks/Prod');
  });

  it('are silent under LOG_LEVEL=SILENT, as the tests run', async () => {
    // Prepare / Act / Assess
    expect(await loadWith({ LOG_LEVEL: 'SILENT' })).toEqual([]);
  });
});
