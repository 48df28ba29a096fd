/** `lumos-rules` (bin/lumos-rules.cjs runs this under tsx): rules as code, docs/rules-as-code.md. */
import { runMain } from '../shared/program';
import { LUMOS_RULES } from './program';

runMain(LUMOS_RULES);
