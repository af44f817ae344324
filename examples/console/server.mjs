#!/usr/bin/env node
// `npm run demo:web`: the Example Cloud console on http://localhost:3000/, a server-rendered app with accounts,
// sessions and MFA from mfa-core, over SQLite by default (examples/console/data/), PostgreSQL with DATABASE_URL,
// MFA records in Redis with REDIS_URL. PORT changes the port; SUPPORT_PASSWORD fixes the support account's password
// (otherwise each start prints a fresh one); MFA_ENCRYPTION_KEY (32 bytes, base64) the key sealing MFA secrets
// (otherwise one is generated into the data folder). SMTP_URL sends the console's email (verification codes and
// security notifications) through that SMTP server with nodemailer; without it they go to the development outbox.
// Security keys are registered to the host name RP_ID (default localhost: an IP address cannot be one, so
// http://127.0.0.1:3000/ redirects there) and sign for the origins in ORIGINS (comma-separated; default
// http://localhost:PORT, or https://RP_ID for another host name).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createConsoleApp } from './app.mjs'
import { openDatabase } from './db.mjs'

export const SUPPORT_EMAIL = 'support@example.com'

/** A 32-byte key: from the environment (base64), or kept in a file next to the SQLite database. */
function loadKey(dataDir, name, fromEnv) {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64')
    if (key.length !== 32) throw new Error(`the ${name} must be 32 bytes in base64`)
    return new Uint8Array(key)
  }
  const file = join(dataDir, `${name}.key`)
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
  }
  return loadKey(dataDir, name, readFileSync(file, 'utf8').trim())
}

/** The RP ID and origins for security keys: as given, else localhost and its http origin on this port. */
function webauthnFor(options, port) {
  const rpId = options.rpId ?? 'localhost'
  // browsers refuse an IP address as the RP ID (WebAuthn §5.1.3 wants a valid domain): every key would fail
  if (isIP(rpId.replace(/^\[|\]$/g, '')) !== 0) {
    throw new Error(`the RP ID must be a host name (localhost, console.example.com), not the IP address ${rpId}`)
  }
  const origins = options.origins ?? [rpId === 'localhost' ? `http://localhost:${port}` : `https://${rpId}`]
  return { rpId, origins }
}

/**
 * Starts the console.
 *
 * @param options.port - TCP port on 127.0.0.1 (0: any free port)
 * @param options.dataDir - the SQLite file and the generated encryption key live here
 * @param options.databaseUrl - postgres:// URL (default: SQLite)
 * @param options.redisUrl - redis:// URL for the MFA records (default: the database)
 * @param options.now - the clock in ms since the Unix epoch (default Date.now); tests pass their own
 * @param options.supportPassword - the support account's password (default: random, returned)
 * @param options.encryptionKey - base64 of 32 bytes sealing MFA secrets (default: a generated file in dataDir)
 * @param options.proofKey - base64 of 32 bytes signing step-up proofs (default: a generated file in dataDir)
 * @param options.mailer - `{ send({ to, subject, text }) }` for security notifications and verification codes
 * (default: SMTP with `smtpUrl`, else the development outbox at /dev/outbox, nothing sent)
 * @param options.smtpUrl - send email through this SMTP server (nodemailer), unless `mailer` is given
 * @param options.beforeRoute - awaited once a request's form is read, before its route runs; may return a function
 * called once the route has answered (tests slow the server down with it, where a busy database would)
 * @param options.rpId - the host name security keys are registered to (default localhost; never an IP address)
 * @param options.origins - the origins their signatures may come from (default `http://localhost:<port>` for
 * localhost, else `https://<rpId>`)
 * @returns `{ url, supportEmail, supportPassword, storage, rpId, close }`
 */
export async function startConsole(options = {}) {
  const dataDir = options.dataDir ?? fileURLToPath(new URL('data/', import.meta.url))
  const now = options.now ?? Date.now
  const db = await openDatabase({ dataDir, databaseUrl: options.databaseUrl, redisUrl: options.redisUrl })
  // real email through SMTP when asked for (nodemailer is loaded only then), else the development outbox
  const smtp = options.smtpUrl ? (await import('./smtp.mjs')).smtpMailer(options.smtpUrl) : undefined
  // the origin names the port, known once listening (port 0): requests wait for the app made after that
  let webauthn
  let ready
  const started = new Promise((resolve, fail) => {
    ready = { resolve, fail }
  })
  started.catch(() => {}) // a failed start is thrown below; a request waiting on it logs it
  const server = createServer((request, response) => {
    // the console's address by number: a page there cannot use a security key, so it moves to the name
    const origin = webauthn?.origins[0] ?? ''
    if (/^(127\.0\.0\.1|\[::1\])(:\d+)?$/.test(request.headers.host ?? '') && origin.startsWith('http://localhost')) {
      response.writeHead(308, { location: `${origin}${request.url ?? '/'}` }).end()
      return
    }
    started.then((app) => app.handle(request, response)).catch((error) => console.error('request failed:', error))
  })
  await new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 3000, '127.0.0.1', done)
  })
  const supportPassword = options.supportPassword ?? randomBytes(12).toString('base64url')
  let app
  try {
    webauthn = webauthnFor(options, server.address().port)
    app = createConsoleApp({
      db,
      now,
      encryptionKey: loadKey(dataDir, 'mfa-encryption', options.encryptionKey),
      proofKey: loadKey(dataDir, 'mfa-proof', options.proofKey),
      mailer: options.mailer ?? smtp,
      beforeRoute: options.beforeRoute,
      webauthn,
    })
    await app.ensureSupportAccount(SUPPORT_EMAIL, supportPassword)
    await app.purge()
  } catch (error) {
    // a wrong option (an IP address as the RP ID, say) or a database that fails: nothing stays open
    ready.fail(error)
    server.closeAllConnections()
    await new Promise((done) => server.close(done))
    await db.close()
    smtp?.close()
    throw error
  }
  ready.resolve(app)
  const purging = setInterval(() => app.purge().catch((error) => console.error('purge failed:', error)), 3600_000)
  purging.unref()
  return {
    url: `${webauthn.origins[0]}/`,
    supportEmail: SUPPORT_EMAIL,
    supportPassword,
    storage: db.describe,
    rpId: webauthn.rpId,
    async close() {
      clearInterval(purging)
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
      await db.close()
      smtp?.close()
    },
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got ${process.env.PORT}`)
    process.exit(2)
  }
  try {
    const running = await startConsole({
      port,
      databaseUrl: process.env.DATABASE_URL || undefined,
      redisUrl: process.env.REDIS_URL || undefined,
      supportPassword: process.env.SUPPORT_PASSWORD || undefined,
      encryptionKey: process.env.MFA_ENCRYPTION_KEY || undefined,
      proofKey: process.env.MFA_PROOF_KEY || undefined,
      smtpUrl: process.env.SMTP_URL || undefined,
      rpId: process.env.RP_ID || undefined,
      origins: process.env.ORIGINS ? process.env.ORIGINS.split(',').map((o) => o.trim()) : undefined,
    })
    console.log(`Example Cloud console: ${running.url}`)
    console.log(`storage: ${running.storage}`)
    console.log(
      process.env.SMTP_URL
        ? 'email: sent through SMTP_URL'
        : 'email: kept in the development outbox (/dev/outbox), not sent',
    )
    console.log(`support account: ${running.supportEmail} / ${running.supportPassword}`)
    console.log(
      'Create an account, turn on MFA with an authenticator app on your phone or a security key. Ctrl+C stops the server.',
    )
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => running.close().then(() => process.exit(0)))
  } catch (error) {
    console.error(`the console did not start: ${error.message}`)
    process.exit(1)
  }
}
