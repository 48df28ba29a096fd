/**
 * Every part at once, for the local runtime (one process serves all four kinds) and the tests:
 * the container and each part of src/app/parts/, built on first use. A deployed function builds
 * only its own parts, from its spec (src/app/functions/).
 */

import type { DueGrants } from '../grants/due-grants';
import type { GrantLedger } from '../grants/grant-ledger';
import type { Provisioners } from '../provisioners/dispatch';
import type { RuleSource } from '../store/rule-source';
import type { StateSource } from '../store/state-source';
import type { Config } from './config';
import { type Container, createContainer } from './container';
import { dueGrantsOf } from './parts/due-grants';
import { grantsOf } from './parts/grants';
import { provisionersOf } from './parts/provisioners';
import { rulesOf } from './parts/rules';
import { stateSourceOf } from './parts/state-source';

export interface Dependencies extends Container {
  readonly rules: RuleSource;
  readonly state: StateSource;
  readonly grants: GrantLedger;
  /** The ledger's index of grants due (the expiry sweeper's). */
  readonly due: DueGrants;
  readonly provisioners: Provisioners;
}

export function createDependencies(config: Config, dynamoEndpoint?: string, clock?: () => Date): Dependencies {
  const container = createContainer(config, dynamoEndpoint, clock);
  const { documentClient, table, now, identity } = container;
  return {
    config,
    documentClient,
    table,
    now,
    identity,
    get secretsManager() {
      return container.secretsManager;
    },
    get audit() {
      return container.audit;
    },
    get tokens() {
      return container.tokens;
    },
    get rules() {
      return rulesOf(container);
    },
    get state() {
      return stateSourceOf(container);
    },
    get grants() {
      return grantsOf(container);
    },
    get due() {
      return dueGrantsOf(container);
    },
    get provisioners() {
      return provisionersOf(container);
    },
  };
}
