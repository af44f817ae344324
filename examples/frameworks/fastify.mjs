#!/usr/bin/env node
// mfa-core in Fastify 5: the same JSON API as express.mjs and hono.mjs, explained in docs/frameworks.md.
// Run: npm run build && MFA_ENCRYPTION_KEY=$(openssl rand -base64 32) MFA_PROOF_KEY=$(openssl rand -base64 32) \
//   node examples/frameworks/fastify.mjs
import { pathToFileURL } from 'node:url'
import Fastify from 'fastify'
import { enrollmentAnswer, errorAnswer, fields, recoveryCodesAnswer, refusalAnswer, stepUp } from './answers.mjs'
import { runFromEnvironment } from './setup.mjs'

/**
 * The Fastify app.
 *
 * @param deps.mfa - the MFA service (createMFA)
 * @param deps.accounts - the password check (sessions.mjs)
 * @param deps.sessions - the session store (sessions.mjs)
 * @param deps.log - where errors are reported (default console)
 */
export function createFastifyApp({ mfa, accounts, sessions, log = console }) {
  const app = Fastify({ bodyLimit: 16 * 1024 })
  const send = (reply, { status, headers, body }) => reply.code(status).headers(headers).send(body)
  // The session at a stage (and the CSRF token for a change), or a 401/403 before the route runs.
  const signedIn = (stage = 'in') => ({
    preHandler: async (request, reply) => {
      const { session, status, body } = sessions.authorize({
        cookie: request.headers.cookie,
        csrfToken: request.headers['x-csrf-token'],
        method: request.method,
        stage,
      })
      if (!session) return reply.code(status).send(body)
      request.session = session
    },
  })
  const signIn = (reply, session) =>
    reply
      .header('set-cookie', sessions.cookie(session))
      .send({ ok: true, stage: session.stage, csrfToken: session.csrf })
  app.decorateRequest('session', null)

  app.post('/login', async (request, reply) => {
    const { email, password } = fields(request.body, 'email', 'password')
    const account = await accounts.check(email, password)
    if (!account) return reply.code(401).send({ ok: false, error: 'bad_credentials' })
    const { state } = await mfa.status(account.id)
    return signIn(reply, sessions.start(account, state === 'active' ? 'mfa' : 'in'))
  })

  app.post('/login/code', signedIn('mfa'), async (request, reply) => {
    const { code } = fields(request.body, 'code')
    const { session } = request
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(reply, refusalAnswer(result))
    const next = sessions.renew(session, 'in')
    next.proof = result.proof
    return signIn(reply, next)
  })

  app.get('/mfa', signedIn(), async (request) => ({ ok: true, ...(await mfa.status(request.session.userId)) }))

  app.post('/mfa/step-up', signedIn(), async (request, reply) => {
    const { code } = fields(request.body, 'code')
    const { session } = request
    const result = await mfa.verify(session.userId, code, { proof: true })
    if (!result.ok) return send(reply, refusalAnswer(result))
    session.proof = result.proof
    return { ok: true, method: result.method }
  })

  app.post('/mfa/enroll', signedIn(), async (request, reply) => {
    const { session } = request
    const begun = await mfa.beginEnrollment(session.userId, { accountName: session.email, proof: stepUp(session) })
    return send(reply, begun.ok ? enrollmentAnswer(begun) : refusalAnswer(begun))
  })

  app.post('/mfa/confirm', signedIn(), async (request, reply) => {
    const { code1, code2 } = fields(request.body, 'code1', 'code2')
    const result = await mfa.confirmEnrollment(request.session.userId, code1, code2)
    return send(reply, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/recovery-codes', signedIn(), async (request, reply) => {
    const { session } = request
    const result = await mfa.regenerateRecoveryCodes(session.userId, stepUp(session))
    return send(reply, result.ok ? recoveryCodesAnswer(result) : refusalAnswer(result))
  })

  app.post('/mfa/disable', signedIn(), async (request, reply) => {
    const { session } = request
    const result = await mfa.disable(session.userId, stepUp(session))
    if (!result.ok) return send(reply, refusalAnswer(result))
    session.proof = null
    return { ok: true }
  })

  app.post('/logout', signedIn(), async (request) => {
    sessions.end(request.session)
    return { ok: true }
  })

  // Every error thrown by a handler or hook (and Fastify's own, such as a body that is not JSON) lands here.
  app.setErrorHandler((error, _request, reply) => send(reply, errorAnswer(error, log)))
  return app
}

/**
 * Starts the Fastify app on 127.0.0.1.
 *
 * @param options.port - the TCP port (0: any free port)
 * @returns `{ url, close }`
 */
export async function startFastify({ port, ...deps }) {
  const app = createFastifyApp(deps)
  await app.listen({ port, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runFromEnvironment(startFastify)
