#!/usr/bin/env node
// `lumos-rules` in a checkout: tsx compiles the TypeScript CLI as it loads, so there is no build step.
require('tsx/cjs/api').register();
require('../src/cli/rules/main.ts');
