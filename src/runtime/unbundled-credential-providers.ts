/**
 * Lambda hands a function its credentials in the environment, the first link of the SDK's
 * default chain. The profile, SSO, process and web-identity links are never reached there,
 * yet bundling them costs about 8 ms of every cold start, so the bundle maps those packages
 * to this module (lib/bundling.ts). Each link defers to the next one, as the real ones do
 * when they do not apply.
 */
const deferToNextLink = (source: string) => () => async (): Promise<never> => {
  throw Object.assign(new Error(`${source} credentials are not bundled in this function`), { tryNextLink: true });
};

export const fromSSO = deferToNextLink('SSO');
export const fromIni = deferToNextLink('Shared config file');
export const fromProcess = deferToNextLink('Credential process');
export const fromTokenFile = deferToNextLink('Web identity token file');
