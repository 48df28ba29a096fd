/** Setup of every test file: fast-check's properties draw from the run's seed (seeded-random.ts), and print it when one fails. */
import fc from 'fast-check';
import { TEST_SEED } from './seeded-random';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: TEST_SEED });
