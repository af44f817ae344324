#!/usr/bin/env node
// mfa-core in Hono 4 on Node (@hono/node-server): the same JSON API as express.mjs and fastify.mjs, explained in
// docs/frameworks.md. The app itself (createHonoApp) is web-standard and runs unchanged in Bun, Deno or a worker.
// Run: npm run build && MFA_ENCRYPTION_KEY=$(openssl rand -base64 32) MFA_PROOF_KEY=$(openssl rand -base64 32) \
//   node examples/frameworks/hono.mjs
import { pathToFileURL } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import {
  BadRequest,
  enrollmentAnswer,
  errorAnswer,
  fields,
  recoveryCodesAnswer,
  refusalAnswer,
  stepUp,
} from './answers.mjs'
import { runFromEnvironment } from './setup.mjs'

/**
 * The Hono app.
 *
 * @param deps.mfa - the MFA service (createMFA)
 * @param deps.accounts - the password check (sessions.mjs)
 * @param deps.sessions - the session store (sessions.mjs)
 * @param deps.log - where errors are reported (default console)
 */
export function createHonoApp({ mfa, accounts, sessions, log = console }) {
  const app = new Hono()
  app.use(bodyLimit({ maxSize: 16 * 1024 }))
  const send = (c, { status, headers, body }) => c.json(body, status, headers)
  const json = (c) =>
    c.req.json().catch(() => {
      throw new BadRequest('the body must be JSON')
    })
  // The session at a stage (and the CSRF token for a change), or a 401/403 before the route runs.
  const signedIn =
    (stage = 'in') =>
    async (c, next) => {
      const { session, status, body } = sessions.authorize({
        cookie: c.req.header('cookie'),
        csrfToken: c.req.header('x-csrf-token'),
        method: c.req.method,
        stage,
      })
      if (!session) return c.json(body, status)
      c.set('session', session)
      await next()
    }
  const signIn = (c, session) =>
    c.json({ ok: true, stage: session.stage, csrfToken: session.csrf }, 200, { 'set-cookie': sessions.cookie(session) })

  app.post('/login', async (c) => {
    const { email, password } = fields(await json(c), 'email', 'password')
    const account = await accounts.check(email, password)
    if (!account) return c.json({ ok: false, error: 'bad_credentials' }, 401)
    const { state } = await mfa.status(account.id)
    return signIn(c, sessions.start(account, state === 'active' ? 'mfa' : 'in'))
  })

  app.post('/login/code', signedIn('mfa'), async (c) => {
    const { code } = fields(await json(c), 'code')
    const session = c.get('session')
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(c, refusalAnswer(result))
    const next = sessions.renew(session, 'in')
    next.proof = result.proof
    return signIn(c, next)
  })

  app.get('/mfa', signedIn(), async (c) => c.json({ ok: true, ...(await mfa.status(c.get('session').userId)) }))

  app.post('/mfa/step-up', signedIn(), async (c) => {
    const { code } = fields(await json(c), 'code')
    const session = c.get('session')
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(c, refusalAnswer(result))
    session.proof = result.proof
    return c.json({ ok: true, method: result.method })
  })

  app.post('/mfa/enroll', signedIn(), async (c) => {
    const session = c.get('session')
    const begun = await mfa.beginEnrollment(session.userId, { accountName: session.email, proof: stepUp(session) })
    return send(c, begun.ok ? enrollmentAnswer(begun) : refusalAnswer(begun))
  })

  app.post('/mfa/confirm', signedIn(), async (c) => {
    const { code1, code2 } = fields(await json(c), 'code1', 'code2')
    const result = await mfa.confirmEnrollment(c.get('session').userId, code1, code2)
    return send(c, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/recovery-codes', signedIn(), async (c) => {
    const session = c.get('session')
    const result = await mfa.regenerateRecoveryCodes(session.userId, stepUp(session))
    return send(c, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/disable', signedIn(), async (c) => {
    const session = c.get('session')
    const result = await mfa.disable(session.userId, stepUp(session))
    if (!result.ok) return send(c, refusalAnswer(result))
    session.proof = null
    return c.json({ ok: true })
  })

  app.post('/logout', signedIn(), (c) => {
    sessions.end(c.get('session'))
    return c.json({ ok: true })
  })

  // Every error thrown by a handler or middleware lands here.
  app.onError((error, c) => send(c, errorAnswer(error, log)))
  return app
}

/**
 * Starts the Hono app on 127.0.0.1 with @hono/node-server.
 *
 * @param options.port - the TCP port (0: any free port)
 * @returns `{ url, close }`
 */
export function startHono({ port, ...deps }) {
  const app = createHonoApp(deps)
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runFromEnvironment(startHono)
