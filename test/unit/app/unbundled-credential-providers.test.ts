import { describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES } from '../../../lib/bundling';
import * as providers from '../../../src/app/unbundled-credential-providers';

describe('credential links left out of the bundle', () => {
  it.each(['fromSSO', 'fromIni', 'fromProcess', 'fromTokenFile', 'fromHttp', 'fromContainerMetadata', 'fromInstanceMetadata'] as const)(
    '%s defers to the next link of the chain, naming itself',
    async (name) => {
      const failure = providers[name]()();
      await expect(failure).rejects.toMatchObject({ tryNextLink: true, message: expect.stringContaining('not bundled in this function') });
    },
  );

  it('is what the bundle maps every unused provider package to', () => {
    expect(Object.keys(BUNDLE_ALIASES).sort()).toEqual(
      [
        '@aws-sdk/credential-provider-http',
        '@aws-sdk/credential-provider-ini',
        '@aws-sdk/credential-provider-process',
        '@aws-sdk/credential-provider-sso',
        '@aws-sdk/credential-provider-web-identity',
        '@smithy/credential-provider-imds',
      ].sort(),
    );
    expect(new Set(Object.values(BUNDLE_ALIASES))).toEqual(new Set(['./src/app/unbundled-credential-providers.ts']));
  });
});
