/** `lumos-state` (bin/lumos-state.cjs runs this under tsx): grants due and pending removals, on-call shifts and training records, state sources. */
import { runMain } from '../shared/program';
import { LUMOS_STATE } from './program';

runMain(LUMOS_STATE);
