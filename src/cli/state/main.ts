/** `lumos-state` (bin/lumos-state.cjs runs this under tsx): grants due, pending removals, closing one by hand. */
import { runMain } from '../shared/program';
import { LUMOS_STATE } from './program';

runMain(LUMOS_STATE);
