#!/usr/bin/env node
// Runs the built CLI in dist/ (`npm run build`; `npm ci` and `npm install` build it through the
// `prepare` script). `npm run caseflow` runs the TypeScript sources instead, through tsx.
const { main } = await import('../dist/cli/main.js');
process.exit(await main(process.argv.slice(2)));
