// The edge-runtime script: esbuild bundles it with dist/ and the suite into one IIFE (EdgeVM evaluates scripts, not
// modules); it leaves the result, as JSON, in a promise on the VM's global object.
import * as mfa from '../../dist/index.js'
import * as qr from '../../dist/qr.js'
import * as testing from '../../dist/testing.js'
import * as webauthn from '../../dist/webauthn.js'
import { run } from './conformance.mjs'
import { WEBAUTHN_FIXTURES } from './webauthn-fixtures.mjs'

globalThis.__conformance = run(mfa, qr, testing, { webauthn: { module: webauthn, fixtures: WEBAUTHN_FIXTURES } }).then(
  (result) => JSON.stringify(result),
)
