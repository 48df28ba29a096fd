#!/usr/bin/env node
// `lumos-state` in a checkout: tsx compiles the TypeScript CLI as it loads, so there is no build step.
// The AWS SDK's notice about Node 20 (as `npm start` silences it) would otherwise open every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('../src/cli/state/main.ts');
