import type { Dependencies } from '../app/dependencies';
import { WEBHOOK_FUNCTIONS } from '../app/functions';
import type { KindService } from '../services/kind-service';

/** The paths `npm start` serves: each function's route of the deployed REST API. */
export const LOCAL_ROUTES: ReadonlyArray<{ path: string; service: (deps: Dependencies) => KindService }> = WEBHOOK_FUNCTIONS.map((spec) => ({
  path: `/${spec.slug}`,
  service: spec.service,
}));
