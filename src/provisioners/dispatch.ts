import type { Deadline } from '../kernel/deadline';
import type { HttpProvisionerSpec } from '../rules/http-spec';
import type { ProvisionerSpec } from '../rules/provisioner-spec';
import type { Entitlement } from './entitlement';
import type { ProvisionerOutcome } from './provisioner';

/** Carries out a grant or its removal in the target system a spec names. */
export interface Provisioners {
  provision(spec: ProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome>;
  deprovision(spec: ProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome>;
}

interface HttpCaller {
  provision(spec: HttpProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome>;
  deprovision(spec: HttpProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome>;
}

const LEDGER_ONLY: ProvisionerOutcome = { ok: true };

/** `ledger` has no target system (the ledger record is the grant); `http` calls its API. */
export class ProvisionerDispatch implements Provisioners {
  constructor(private readonly http: HttpCaller) {}

  async provision(spec: ProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome> {
    return spec.type === 'ledger' ? LEDGER_ONLY : this.http.provision(spec, entitlement, deadline);
  }

  async deprovision(spec: ProvisionerSpec, entitlement: Entitlement, deadline: Deadline): Promise<ProvisionerOutcome> {
    return spec.type === 'ledger' ? LEDGER_ONLY : this.http.deprovision(spec, entitlement, deadline);
  }
}
