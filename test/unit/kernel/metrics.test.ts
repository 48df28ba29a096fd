/** The EMF writer every family of metrics writes through: one document per write, never a cost to the caller. */
import { describe, expect, it } from 'vitest';
import { type DimensionSets, EmfWriter, type MetricsSink, namespaceFrom } from '../../../src/kernel/metrics';

/** A family of one: writes what it is given. */
class Family extends EmfWriter {
  put(dimensions: DimensionSets, members: Record<string, string>, counts: Record<string, number>, at?: number): void {
    this.write(dimensions, members, counts, at);
  }
}

function captured(now = () => 1_234): { family: Family; lines: string[] } {
  const lines: string[] = [];
  return { family: new Family('Test/Family', (line) => lines.push(line), now), lines };
}

describe('the EMF writer', () => {
  it('writes one line per document: the namespace, the time, the dimension sets, every count in order, members and counts at the root', () => {
    // Prepare
    const { family, lines } = captured();
    // Act
    family.put([['kind'], ['kind', 'source']], { kind: 'state_sync', source: 'pd' }, { ItemsSynced: 3, SourcesFailed: 0 });
    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: 1_234,
        CloudWatchMetrics: [
          {
            Namespace: 'Test/Family',
            Dimensions: [['kind'], ['kind', 'source']],
            Metrics: [
              { Name: 'ItemsSynced', Unit: 'Count' },
              { Name: 'SourcesFailed', Unit: 'Count' },
            ],
          },
        ],
      },
      kind: 'state_sync',
      source: 'pd',
      ItemsSynced: 3,
      SourcesFailed: 0,
    });
    expect(Object.keys(JSON.parse(lines[0] ?? ''))).toEqual(['_aws', 'kind', 'source', 'ItemsSynced', 'SourcesFailed']);
  });

  it('stamps a document with the time it is given, else now', () => {
    // Prepare
    const { family, lines } = captured(() => 9_000);
    // Act
    family.put([['kind']], { kind: 'k' }, { Runs: 1 }, 5_000);
    family.put([['kind']], { kind: 'k' }, { Runs: 1 });
    // Assess
    expect(lines.map((line) => JSON.parse(line)._aws.Timestamp)).toEqual([5_000, 9_000]);
  });

  it('never lets a metric cost a reply or a run: a failing sink drops the document', () => {
    // Prepare
    const failing: MetricsSink = () => {
      throw new Error('stdout closed');
    };
    const family = new Family('Test', failing);
    // Act / Assess
    expect(() => family.put([['kind']], { kind: 'k' }, { Runs: 1 })).not.toThrow();
  });

  it('writes nothing without a sink', () => {
    // Prepare
    const { family, lines } = captured();
    // Act
    family.setSink(null);
    family.put([['kind']], { kind: 'k' }, { Runs: 1 });
    // Assess
    expect(lines).toEqual([]);
  });
});

describe('the namespace', () => {
  it('comes from METRICS_NAMESPACE, else the default', () => {
    // Prepare / Act / Assess
    expect(namespaceFrom('LumosWebhooks/Staging')).toBe('LumosWebhooks/Staging');
    expect(namespaceFrom(undefined)).toBe('LumosWebhooks');
    expect(namespaceFrom('  ')).toBe('LumosWebhooks');
    expect(namespaceFrom(':reserved')).toBe('LumosWebhooks');
    expect(namespaceFrom('Zähler')).toBe('LumosWebhooks');
  });
});
