/**
 * Lambda hands a function its credentials in the environment, the first link of the SDK's
 * default chain. The profile, SSO, process, web-identity, container and instance-metadata links
 * are never reached there, yet bundling them costs cold-start time (npm run bench), so the
 * bundle maps those packages to this module (lib/bundling.ts). Each link defers to the next one,
 * as the real ones do when they do not apply.
 */
const deferToNextLink = (source: string) => () => async (): Promise<never> => {
  throw Object.assign(new Error(`${source} credentials are not bundled in this function`), { tryNextLink: true });
};

export const fromSSO = deferToNextLink('SSO');
export const fromIni = deferToNextLink('Shared config file');
export const fromProcess = deferToNextLink('Credential process');
export const fromTokenFile = deferToNextLink('Web identity token file');
export const fromHttp = deferToNextLink('Container HTTP');
export const fromContainerMetadata = deferToNextLink('Container metadata');
export const fromInstanceMetadata = deferToNextLink('Instance metadata');
// Read by the chain's remote link to choose between the two above.
export const ENV_CMDS_FULL_URI = 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
export const ENV_CMDS_RELATIVE_URI = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
