import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPaths } from '../../../../src/cli/rules/table/export-paths';
import type { RuleItem } from '../../../../src/cli/rules/table/rule-table';
import { isTestFile } from '../../../../src/cli/shared/rule-files';

const paths = (items: RuleItem[]) => [...exportPaths(items, '/out', 'yaml').values()];

describe('where export writes each rule', () => {
  it('writes <app>/<rule>.yaml for plain ids, and _all_apps for *', () => {
    // Act / Assess
    expect(
      paths([
        { app_id: 'demo_app', rule_id: 'oncall' },
        { app_id: '*', rule_id: 'global-deny' },
      ]),
    ).toEqual([join('/out', 'demo_app', 'oncall.yaml'), join('/out', '_all_apps', 'global-deny.yaml')]);
  });

  it('never leaves the folder, whatever the ids hold', () => {
    // Prepare
    const hostile = ['..', '../..', '/etc/passwd', 'a/../../b', '.', '', '\u0000', 'C:\\Windows', '~root'].flatMap((app) =>
      ['..', '../x', '/abs', '.hidden', 'a\u202eb'].map((rule) => ({ app_id: app, rule_id: rule })),
    );
    // Act
    const written = paths(hostile);
    // Assess
    for (const path of written) {
      expect(path.startsWith('/out/')).toBe(true);
      expect(path.slice('/out/'.length).split('/')).toHaveLength(2);
      expect(path.split('/').some((segment) => segment === '..' || segment === '.' || segment.startsWith('.'))).toBe(false);
    }
  });

  it('gives rules whose names collide, case aside, names of their own', () => {
    // Act
    const written = paths([
      { app_id: 'app', rule_id: 'Rule' },
      { app_id: 'app', rule_id: 'rule' },
      { app_id: 'app', rule_id: 'r/ule' },
      { app_id: 'app', rule_id: 'r_ule' },
    ]);
    // Assess
    expect(new Set(written.map((path) => path.toLowerCase())).size).toBe(4);
  });

  it('never writes a file the rule-file reader would take for a test file, or a folder it skips', () => {
    // Act
    const written = paths([
      { app_id: 'app', rule_id: 'x.test' },
      { app_id: 'node_modules', rule_id: 'r' },
      { app_id: 'app', rule_id: 'y.TEST' },
    ]);
    // Assess
    expect(written.filter(isTestFile)).toEqual([]);
    expect(written.some((path) => path.split('/').includes('node_modules'))).toBe(false);
  });
});
