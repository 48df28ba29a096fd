/**
 * What a provisioner reports. Provisioners carry out a grant or its removal in a target system;
 * the ledger records every grant either way.
 *
 * `message` names the target system and what went wrong, never a secret or a response body.
 * `maybeApplied`: no answer came after the request may have reached the target (a timeout, a
 * dropped connection), so the change may have been made; without it the target answered, or the
 * request was never sent, and nothing changed.
 */
export type ProvisionerOutcome = { ok: true } | { ok: false; message: string; maybeApplied?: true };
