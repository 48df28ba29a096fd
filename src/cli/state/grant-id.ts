/**
 * How `lumos-state` names one grant on the command line: `<app_instance>/<subject_permission>`,
 * as `grants` prints it (e.g. `demo_app/peterparker@lumos.com#Permission One`; an app-level grant
 * ends in `#`). Split at the first `/`: an app instance holds none. `grants` prints it with every
 * non-ASCII character escaped (`\u{fc}`); either form is read here.
 */
import type { GrantKey } from '../../grants/grant-item';
import { readIdentifier } from '../shared/terminal-text';
import { UsageError } from '../shared/usage-error';

export const grantId = (key: GrantKey): string => `${key.app_instance}/${key.subject_permission}`;

export function parseGrantId(typed: string): GrantKey {
  const text = readIdentifier(typed);
  const slash = text.indexOf('/');
  const key = { app_instance: text.slice(0, slash), subject_permission: text.slice(slash + 1) };
  if (slash <= 0 || !key.subject_permission.includes('#') || key.subject_permission.startsWith('#')) {
    throw new UsageError(`grant ${JSON.stringify(typed)}: expected <app_instance>/<email>#<permission>, as \`lumos-state grants\` prints it`);
  }
  return key;
}
