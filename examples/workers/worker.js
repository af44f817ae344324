// The worker of examples/workers: the MFA calls of an enrollment and a sign-in as JSON routes, run by a Durable Object
// per user (/do/...) or over D1 (/d1/...). Your own routes put sessions, CSRF and error answers around them
// (docs/frameworks.md). mfa-object.js and d1.js are the snippets of docs/storage.md, as they are there.
import { mfaOf } from './d1.js'

export { MFAObject } from './mfa-object.js'

export default {
  async fetch(request, env) {
    const [, where, call] = new URL(request.url).pathname.split('/')
    if (request.method !== 'POST' || !['do', 'd1'].includes(where)) return new Response('not found', { status: 404 })
    const { userId, accountName, code, code1, code2 } = await request.json()
    // the object's RPC methods take the same arguments as the service's
    const mfa = where === 'd1' ? mfaOf(env) : env.MFA.get(env.MFA.idFromName(userId))
    if (call === 'begin') return Response.json(await mfa.beginEnrollment(userId, { accountName }))
    if (call === 'confirm') return Response.json(await mfa.confirmEnrollment(userId, code1, code2))
    if (call === 'verify') return Response.json(await mfa.verify(userId, code, { proof: true }))
    return new Response('not found', { status: 404 })
  },
}
