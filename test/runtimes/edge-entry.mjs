// The edge-runtime script: esbuild bundles it with dist/ and the suite into one IIFE (EdgeVM evaluates scripts, not
// modules); it leaves the result, as JSON, in a promise on the VM's global object.
import * as mfa from '../../dist/index.js'
import * as qr from '../../dist/qr.js'
import * as testing from '../../dist/testing.js'
import { run } from './conformance.mjs'

globalThis.__conformance = run(mfa, qr, testing).then((result) => JSON.stringify(result))
