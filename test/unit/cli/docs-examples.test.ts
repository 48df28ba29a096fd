/** docs/rules-as-code.md's examples are copy-paste correct: its rule file checks clean, its test file passes on the demo rules, its CI job runs both commands. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkRules } from '../../../src/cli/rules/check/check-rules';
import { runTests } from '../../../src/cli/rules/rule-tests/run-tests';
import { type RuleFolder, ruleFolder } from './rule-folder';

const ROOT = join(__dirname, '..', '..', '..');
const yamlBlocks = [...readFileSync(join(ROOT, 'docs', 'rules-as-code.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const ruleExample = yamlBlocks.find((block) => block.startsWith('app_id:'));
const testExample = yamlBlocks.find((block) => block.startsWith('cases:'));
const ciExample = yamlBlocks.find((block) => block.startsWith('name:'));
const demoRules = Object.fromEntries(
  readdirSync(join(ROOT, 'rules'))
    .filter((name) => !name.includes('.test.'))
    .map((name) => [`rules/${name}`, readFileSync(join(ROOT, 'rules', name), 'utf8')]),
);

let folder: RuleFolder | undefined;
afterEach(() => folder?.remove());

describe('docs/rules-as-code.md examples', () => {
  it('shows a rule file that checks clean', () => {
    // Prepare
    folder = ruleFolder({ 'rules/oncall-preapprove.yaml': ruleExample ?? '' });
    // Act
    const result = checkRules([], folder.root);
    // Assess
    expect(result).toEqual({ files: 1, rules: 1, problems: [], warnings: [] });
  });

  it('shows a test file whose cases pass on the demo rules', () => {
    // Prepare
    folder = ruleFolder({ ...demoRules, 'rules/example.test.yaml': testExample ?? '' });
    // Act
    const result = runTests([], folder.root, new Date());
    // Assess
    expect(result).toMatchObject({ problems: [], warnings: [], failed: 0, passed: 2 });
  });

  it('shows a CI job that checks and tests on every pull request', () => {
    // Act
    const job = parseYaml(ciExample ?? '') as { on: Record<string, unknown>; jobs: { rules: { steps: { run?: string }[] } } };
    // Assess
    expect(Object.keys(job.on)).toEqual(['pull_request']);
    expect(job.jobs.rules.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci', 'npx lumos-rules check', 'npx lumos-rules test']);
  });
});
