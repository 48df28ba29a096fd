import { DynamoSourceStore } from '../../store/source-store';
import { DynamoSyncedStateStore } from '../../store/synced-state-store';
import { SecretsManagerSourceSecrets } from '../../sync/source-secret-texts';
import { SyncService } from '../../sync/sync-service';
import { perContainer } from '../container';

/** The sync run over the state table's sources, their secrets read only under the deployment's connector prefix. */
export const stateSyncOf = perContainer((container) => {
  const table = container.table('STATE_TABLE');
  const prefix = container.config.CONNECTOR_SECRET_PREFIX;
  return new SyncService({
    sources: new DynamoSourceStore(container.documentClient, table),
    state: new DynamoSyncedStateStore(container.documentClient, table),
    secrets: new SecretsManagerSourceSecrets(container.secretsManager, prefix),
    connectorPrefix: prefix,
    now: container.now,
  });
});
