// Launcher for Node's CommonJS build (what `require('mfa-core')` loads). The suite itself is an ES module, loaded
// with import(); the modules under test come from require.
const mfa = require('../../dist/index.cjs')
const qr = require('../../dist/qr.cjs')
const testing = require('../../dist/testing.cjs')

import('./conformance.mjs').then(async ({ report, run }) => {
  report('node-cjs', `Node ${process.version}`, await run(mfa, qr, testing))
})
