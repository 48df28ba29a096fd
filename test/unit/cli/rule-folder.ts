/** Temporary rule folders for the CLI tests: files written as an admin would, and an Io that records what a user would see. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RuleFolder {
  root: string;
  remove(): void;
}

/** A temporary folder holding `files` (path → text), removed by `remove()`. */
export function ruleFolder(files: Record<string, string>): RuleFolder {
  const root = mkdtempSync(join(tmpdir(), 'lumos-rules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The demo's on-call rule, as rules/oncall-preapprove.yaml has it. */
export const ONCALL_RULE = `app_id: demo_app
rule_id: oncall-preapprove
kind: pre_approval
effect: allow
when:
  all:
    - on_call: { schedule: demo-oncall }
    - access_length_at_most: 43200
`;
