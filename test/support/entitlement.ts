/** An entitlement (one permission of one person in one app: what provisioning and deprovisioning act on) with every placeholder filled, for the template tests. */
import type { Entitlement } from '../../src/provisioners/entitlement';

export function sampleEntitlement(overrides: Partial<Entitlement> = {}): Entitlement {
  return {
    app: { id: 'licence_app', instance_id: 'inst-1', label: 'Licence App' },
    permission: { value: 'editor', label: 'Editor' },
    person: { email: 'peter.parker@example.com', given_name: 'Peter', family_name: 'Parker' },
    custom_fields: { username: 'pparker', teams: ['red', 'blue'] },
    access_length: 43189,
    request_task_url: 'https://lumos.example/tasks?requestId=1',
    ...overrides,
  };
}
