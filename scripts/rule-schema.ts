/**
 * `npm run schema`: writes schema/rule.schema.json, the JSON Schema editors use for rule files.
 * test/unit/rules/rule-json-schema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleJsonSchemaText } from '../src/rules/rule-json-schema';

const file = join(__dirname, '..', 'schema', 'rule.schema.json');
writeFileSync(file, ruleJsonSchemaText());
console.log(`wrote ${file}`);
