#!/usr/bin/env node
// mfa-core in Express 5: sign-in with a password then a code, enrollment with a QR code and two codes, a step-up
// before turning MFA off or issuing new recovery codes. A JSON API; docs/frameworks.md explains each route.
// Run: npm run build && MFA_ENCRYPTION_KEY=$(openssl rand -base64 32) MFA_PROOF_KEY=$(openssl rand -base64 32) \
//   node examples/frameworks/express.mjs
import { pathToFileURL } from 'node:url'
import express from 'express'
import { enrollmentAnswer, errorAnswer, fields, recoveryCodesAnswer, refusalAnswer, stepUp } from './answers.mjs'
import { runFromEnvironment } from './setup.mjs'

/**
 * The Express app.
 *
 * @param deps.mfa - the MFA service (createMFA)
 * @param deps.accounts - the password check (sessions.mjs)
 * @param deps.sessions - the session store (sessions.mjs)
 * @param deps.log - where errors are reported (default console)
 */
export function createExpressApp({ mfa, accounts, sessions, log = console }) {
  const app = express()
  app.use(express.json({ limit: '16kb' }))
  const send = (res, { status, headers, body }) => res.status(status).set(headers).json(body)
  // The session at a stage (and the CSRF token for a change), or a 401/403 before the route runs.
  const signedIn =
    (stage = 'in') =>
    (req, res, next) => {
      const { session, status, body } = sessions.authorize({
        cookie: req.headers.cookie,
        csrfToken: req.get('x-csrf-token'),
        method: req.method,
        stage,
      })
      if (!session) return res.status(status).json(body)
      res.locals.session = session
      next()
    }
  const signIn = (res, session) =>
    res.set('set-cookie', sessions.cookie(session)).json({ ok: true, stage: session.stage, csrfToken: session.csrf })

  // Express 5 passes a rejected promise of an async handler to the error handler at the end. (Express 4 does not:
  // wrap each async handler, `(req, res, next) => handler(req, res).catch(next)`, or the process dies on the first
  // ERR_STORAGE.)
  app.post('/login', async (req, res) => {
    const { email, password } = fields(req.body, 'email', 'password')
    const account = await accounts.check(email, password)
    if (!account) return res.status(401).json({ ok: false, error: 'bad_credentials' })
    const { state } = await mfa.status(account.id)
    signIn(res, sessions.start(account, state === 'active' ? 'mfa' : 'in'))
  })

  app.post('/login/code', signedIn('mfa'), async (req, res) => {
    const { code } = fields(req.body, 'code')
    const { session } = res.locals
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(res, refusalAnswer(result))
    const next = sessions.renew(session, 'in')
    next.proof = result.proof
    signIn(res, next)
  })

  app.get('/mfa', signedIn(), async (_req, res) => {
    res.json({ ok: true, ...(await mfa.status(res.locals.session.userId)) })
  })

  app.post('/mfa/step-up', signedIn(), async (req, res) => {
    const { code } = fields(req.body, 'code')
    const { session } = res.locals
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(res, refusalAnswer(result))
    session.proof = result.proof
    res.json({ ok: true, method: result.method })
  })

  app.post('/mfa/enroll', signedIn(), async (_req, res) => {
    const { session } = res.locals
    const begun = await mfa.beginEnrollment(session.userId, { accountName: session.email, proof: stepUp(session) })
    send(res, begun.ok ? enrollmentAnswer(begun) : refusalAnswer(begun))
  })

  app.post('/mfa/confirm', signedIn(), async (req, res) => {
    const { code1, code2 } = fields(req.body, 'code1', 'code2')
    const result = await mfa.confirmEnrollment(res.locals.session.userId, code1, code2)
    send(res, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/recovery-codes', signedIn(), async (_req, res) => {
    const { session } = res.locals
    const result = await mfa.regenerateRecoveryCodes(session.userId, stepUp(session))
    send(res, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/disable', signedIn(), async (_req, res) => {
    const { session } = res.locals
    const result = await mfa.disable(session.userId, stepUp(session))
    if (!result.ok) return send(res, refusalAnswer(result))
    session.proof = null
    res.json({ ok: true })
  })

  app.post('/logout', signedIn(), (_req, res) => {
    sessions.end(res.locals.session)
    res.json({ ok: true })
  })

  // The error handler: Express knows it by its four parameters.
  app.use((error, _req, res, _next) => send(res, errorAnswer(error, log)))
  return app
}

/**
 * Starts the Express app on 127.0.0.1.
 *
 * @param options.port - the TCP port (0: any free port)
 * @returns `{ url, close }`
 */
export function startExpress({ port, ...deps }) {
  const app = createExpressApp(deps)
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', (error) => {
      if (error) return reject(error)
      const url = `http://127.0.0.1:${server.address().port}`
      resolve({ url, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runFromEnvironment(startExpress)
