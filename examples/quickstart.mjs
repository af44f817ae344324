#!/usr/bin/env node
// The README quick start, runnable: `npm run example`. It imports the package by its name (Node resolves a
// package's own name to its built dist/), exactly as an application would after `npm install mfa-core`.
import { createKeyURI, encodeBase32, formatKeyForManualEntry, generateSecret, generateTOTP, verifyTOTP } from 'mfa-core'

const secret = generateSecret() // 20 random bytes: store them (encrypted) with the user
console.log('secret (base32):', encodeBase32(secret))
console.log('type it by hand: ', formatKeyForManualEntry(secret))
console.log('key URI:         ', createKeyURI({ issuer: 'Example Cloud', accountName: 'alice@example.com', secret }))

const code = await generateTOTP(secret) // what the authenticator app shows now
console.log('current code:    ', code, `(${30 - (Math.floor(Date.now() / 1000) % 30)} s left)`)

const result = await verifyTOTP(secret, code)
console.log('verification:    ', result)
if (!result.valid) process.exit(1)

const replay = await verifyTOTP(secret, code, { afterStep: result.step })
console.log('same code again: ', replay)
if (replay.valid || replay.reason !== 'replayed') process.exit(1)
