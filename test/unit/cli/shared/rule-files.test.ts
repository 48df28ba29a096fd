import { afterEach, describe, expect, it } from 'vitest';
import { findFiles, readRuleFile } from '../../../../src/cli/shared/rule-files';
import { UsageError } from '../../../../src/cli/shared/usage-error';
import { ONCALL_RULE, type RuleFolder, ruleFolder } from '../rule-folder';

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

describe('finding rule files', () => {
  it('reads folders recursively, keeps test files apart and skips hidden folders and other files', () => {
    // Prepare
    folder = ruleFolder({
      'rules/a.yaml': '',
      'rules/payments/b.yml': '',
      'rules/payments/c.json': '',
      'rules/demo.test.yaml': '',
      'rules/payments/more.test.json': '',
      'rules/.drafts/d.yaml': '',
      'rules/README.md': '',
    });
    // Act
    const found = findFiles([], folder.root);
    // Assess
    expect(found).toEqual({
      ruleFiles: ['rules/a.yaml', 'rules/payments/b.yml', 'rules/payments/c.json'],
      testFiles: ['rules/demo.test.yaml', 'rules/payments/more.test.json'],
    });
  });

  it('takes files and folders named on the command line, each once', () => {
    // Prepare
    folder = ruleFolder({ 'rules/a.yaml': '', 'other/b.json': '' });
    // Act
    const found = findFiles(['rules', 'rules/a.yaml', 'other/b.json'], folder.root);
    // Assess
    expect(found.ruleFiles).toEqual(['other/b.json', 'rules/a.yaml']);
  });

  it('refuses a path that does not exist, or a file that is not JSON or YAML, as bad usage', () => {
    // Prepare
    folder = ruleFolder({ 'rules/notes.txt': '' });
    const { root } = folder;
    // Act, Assess
    expect(() => findFiles(['rulez'], root)).toThrow(new UsageError('rulez: no such file or folder'));
    expect(() => findFiles(['rules/missing.yaml'], root)).toThrow(UsageError);
    expect(() => findFiles(['rules/notes.txt'], root)).toThrow(new UsageError('rules/notes.txt: not a rule or test file (.json, .yaml or .yml)'));
  });
});

describe('reading a rule file', () => {
  it('parses the item with the runtime parser, leaving out "$schema"', () => {
    // Prepare
    folder = ruleFolder({ 'rules/oncall.yaml': `$schema: ../schema/rule.schema.json\n${ONCALL_RULE}` });
    // Act
    const read = readRuleFile('rules/oncall.yaml', folder.root);
    // Assess
    expect(read.ok && read.entry.valid && read.entry.rule.rule_id).toBe('oncall-preapprove');
    expect(read.ok && '$schema' in read.item).toBe(false);
  });

  it('names a file that holds a list instead of one item', () => {
    // Prepare
    folder = ruleFolder({ 'rules/all.json': '[{"app_id": "a"}]' });
    // Act
    const read = readRuleFile('rules/all.json', folder.root);
    // Assess
    expect(read).toMatchObject({
      ok: false,
      problem: { file: 'rules/all.json', path: '(root)', message: 'a rule file holds one rule item (an object); found a list' },
    });
  });
});
