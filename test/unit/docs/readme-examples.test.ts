/**
 * The examples in README.md and docs/**: every rule item, condition and connector secret is
 * copy-paste correct (each one parses as written), and every link between these files leads to
 * a file and a heading that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/rules/conditions';
import { ConnectorSecretSchema } from '../../../src/rules/http-spec';
import { parseRuleItem } from '../../../src/rules/rule-item';

const ROOT = join(__dirname, '..', '..', '..');
const DOCS = join(ROOT, 'docs');

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
const files = [
  'README.md',
  ...readdirSync(DOCS, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => relative(ROOT, join(DOCS, name)))
    .sort(),
];
const texts = new Map(files.map((file) => [file, readFileSync(join(ROOT, file), 'utf8')] as const));

/** Every ```json block of every file, with the file it is in. */
const jsonBlocks = files.flatMap((file) =>
  [...(texts.get(file) as string).matchAll(/```json\n([\s\S]*?)```/g)].map((match, index) => ({ file, index, text: match[1] as string })),
);
const parsedBlocks = jsonBlocks.flatMap(({ file, text }) => {
  try {
    return [{ file, block: JSON.parse(text) as Record<string, unknown> }];
  } catch {
    return [];
  }
});
const ruleItems = parsedBlocks.filter(({ block }) => 'rule_id' in block && 'kind' in block);
const conditions = parsedBlocks.filter(({ block }) => ['any', 'all', 'not'].some((key) => Object.keys(block).length === 1 && key in block));

/** GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(text: string): Set<string> {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchor(match[1] as string)));
}

/** Every relative link `[text](target)` outside code blocks, with the file it is in. */
const links = files.flatMap((file) =>
  [...(texts.get(file) as string).replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => ({ file, target })),
);

describe('README and docs examples', () => {
  it('reads README.md and every docs file', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        ...['architecture', 'contract', 'deploy', 'operations', 'performance', 'provisioning', 'rules'].map((name) => join('docs', `${name}.md`)),
      ]),
    );
  });

  it.each(jsonBlocks.map(({ file, index, text }) => [`${file} #${index}`, text] as const))('JSON block %s parses', (_where, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it('has rule items of every kind and some bare conditions', () => {
    expect(new Set(ruleItems.map(({ block }) => block.kind))).toEqual(new Set(['pre_approval', 'request_validation', 'provisioning']));
    expect(conditions.length).toBeGreaterThan(0);
  });

  it.each(ruleItems.map(({ file, block }) => [block.rule_id, file, block] as const))('rule item %s (%s) is valid', (_id, _file, item) => {
    const parsed = parseRuleItem(item);
    expect(parsed.valid ? [] : parsed.invalid.problems).toEqual([]);
  });

  it.each(conditions.map(({ file, block }, index) => [index, file, block] as const))('condition #%s (%s) is valid', (_index, _file, condition) => {
    expect(parseCondition(condition).issues).toEqual([]);
  });

  it('shows a connector secret value of the shape the http provisioner reads', () => {
    const secrets = parsedBlocks.filter(({ block }) => 'allowed_hosts' in block);
    expect(secrets).toHaveLength(1);
    expect(ConnectorSecretSchema.safeParse(secrets[0]?.block).success).toBe(true);
  });

  it('has links between these files', () => {
    expect(links.length).toBeGreaterThan(0);
  });

  it.each(links.map(({ file, target }) => [file, target] as const))('in %s, the link %s leads to a file and heading that exist', (file, target) => {
    const [path, fragment] = target.split('#') as [string, string | undefined];
    const linked = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), path);
    expect(existsSync(linked), `${relative(ROOT, linked)} exists`).toBe(true);
    if (fragment !== undefined && linked.endsWith('.md')) {
      expect([...anchorsOf(readFileSync(linked, 'utf8'))]).toContain(fragment);
    }
  });
});
