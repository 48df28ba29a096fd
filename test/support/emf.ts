/**
 * Reads EMF lines back the way CloudWatch Logs would, checking the specification's rules
 * (CloudWatch_Embedded_Metric_Format_Specification): a JSON object with `_aws.Timestamp` and
 * `_aws.CloudWatchMetrics`; every dimension a set names is a root string, every metric a root number.
 */
import { expect } from 'vitest';
import { EmfMetrics, type MetricName } from '../../src/audit/call-metrics';

export interface PublishedMetric {
  namespace: string;
  name: MetricName;
  value: number;
  timestamp: number;
  /** One entry per dimension set: the dimension names and values CloudWatch files the value under. */
  dimensionSets: Record<string, string>[];
  /** Every member at the root of the document, `_aws` included. */
  rootKeys: string[];
}

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string }[];
}

export function readEmf(line: string): PublishedMetric[] {
  const document = JSON.parse(line) as Record<string, unknown>;
  expect(typeof document).toBe('object');
  const aws = document._aws as { Timestamp: unknown; CloudWatchMetrics: Directive[] };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(Array.isArray(aws.CloudWatchMetrics)).toBe(true);
  const published: PublishedMetric[] = [];
  for (const directive of aws.CloudWatchMetrics) {
    expect(directive.Namespace).toMatch(/^[\x20-\x7e]{1,255}$/);
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    const dimensionSets = directive.Dimensions.map((set) => {
      expect(set.length).toBeLessThanOrEqual(30);
      return Object.fromEntries(
        set.map((name) => {
          const value = document[name];
          expect(typeof value, `dimension ${name} is a root string`).toBe('string');
          // CloudWatch: ASCII, at least one non-whitespace character, at most 1,024.
          expect(value).toMatch(/^[\x20-\x7e]{0,1024}$/);
          expect(value).toMatch(/\S/);
          return [name, value as string];
        }),
      );
    });
    for (const metric of directive.Metrics) {
      const value = document[metric.Name];
      expect(typeof value, `metric ${metric.Name} is a root number`).toBe('number');
      expect(metric.Unit).toBe('Count');
      published.push({
        namespace: directive.Namespace,
        name: metric.Name as MetricName,
        value: value as number,
        timestamp: aws.Timestamp as number,
        dimensionSets,
        rootKeys: Object.keys(document),
      });
    }
  }
  return published;
}

/** Metrics whose lines are kept for the test to read. */
export function capturedMetrics(
  namespace = 'Test/Metrics',
  now = () => 1_700_000_000_000,
): { metrics: EmfMetrics; published: () => PublishedMetric[]; lines: string[] } {
  const lines: string[] = [];
  const metrics = new EmfMetrics(namespace, (line) => lines.push(line), now);
  return { metrics, lines, published: () => lines.flatMap(readEmf) };
}
