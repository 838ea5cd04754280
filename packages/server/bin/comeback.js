#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (the root `prepare` script runs the build).
await import('../dist/cli.js');
