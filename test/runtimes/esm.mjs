// Launcher for runtimes that import ES modules from files: Node (`node test/runtimes/esm.mjs`), Deno and Bun.
// Prints one line on stdout (`deno: 57 passed, 0 failed`), the runtime version and any failure on stderr.
import * as mfa from '../../dist/index.js'
import * as qr from '../../dist/qr.js'
import * as testing from '../../dist/testing.js'
import * as webauthn from '../../dist/webauthn.js'
import { report, run } from './conformance.mjs'
import { WEBAUTHN_FIXTURES } from './webauthn-fixtures.mjs'

const runtime = globalThis.Deno
  ? { name: 'deno', version: `Deno ${globalThis.Deno.version.deno}` }
  : globalThis.Bun
    ? { name: 'bun', version: `Bun ${globalThis.Bun.version}` }
    : { name: 'node-esm', version: `Node ${globalThis.process.version}` }

report(
  runtime.name,
  runtime.version,
  await run(mfa, qr, testing, { webauthn: { module: webauthn, fixtures: WEBAUTHN_FIXTURES } }),
)
