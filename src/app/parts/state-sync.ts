import { logger } from '../../kernel/logger';
import { DynamoSourceStore } from '../../store/source-store';
import { DynamoSyncedStateStore } from '../../store/synced-state-store';
import type { SourceSecretPrefixes } from '../../sync/source-secret-prefixes';
import { SecretsManagerSourceSecrets } from '../../sync/source-secret-texts';
import { syncMetrics } from '../../sync/sync-metrics';
import { SyncService } from '../../sync/sync-service';
import { perContainer } from '../container';

/**
 * The sync run over the state table's sources, their secrets read only under the deployment's
 * source secret prefix (never the connector prefix); a secret still under the legacy prefix is
 * read with a warning and counted, until it is moved.
 */
export const stateSyncOf = perContainer((container) => {
  const table = container.table('STATE_TABLE');
  const { SOURCE_SECRET_PREFIX, LEGACY_SOURCE_SECRET_PREFIX } = container.config;
  const prefixes: SourceSecretPrefixes = {
    current: SOURCE_SECRET_PREFIX,
    ...(LEGACY_SOURCE_SECRET_PREFIX === undefined ? {} : { legacy: LEGACY_SOURCE_SECRET_PREFIX }),
  };
  return new SyncService({
    sources: new DynamoSourceStore(container.documentClient, table),
    state: new DynamoSyncedStateStore(container.documentClient, table),
    secrets: new SecretsManagerSourceSecrets(container.secretsManager, prefixes, {
      onLegacyRead: (name) => {
        logger.warn('state source secret read under the legacy prefix: move it under the source secret prefix', { secret: name, prefix: prefixes.current });
        syncMetrics.countLegacySourceSecret();
      },
    }),
    sourcePrefixes: prefixes,
    now: container.now,
  });
});
