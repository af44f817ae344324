#!/usr/bin/env node
// Installs the runtime matrix's tools (bun, deno, workerd, miniflare, edge-runtime, quickjs-emscripten,
// puppeteer-core: the private package test/runtimes/, with its own lock file) when they are missing or the lock file
// changed since their last install; otherwise does nothing. npm test, npm run test:runtimes, the storage suites and
// the benches that need them call the same function; .ci/run runs this script after `npm ci`.
import { ensureRuntimeTools } from '../test/runtimes/tools.mjs'

process.exit(ensureRuntimeTools() ? 0 : 1)
