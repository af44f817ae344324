import { DurableObject } from 'cloudflare:workers'
import { createMFA } from 'mfa-core'
import { durableObjectStore } from 'mfa-core/storage/durable-object'

export class MFAObject extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env)
    this.store = durableObjectStore(ctx.storage)
    this.mfa = createMFA({
      store: this.store,
      issuer: 'Example Cloud',
      // secrets are text: MFA_KEYS is {"current":"k1","keys":{"k1":"<32 bytes in base64>"}}, MFA_PROOF_KEY base64
      encryptionKeys: JSON.parse(env.MFA_KEYS),
      proofKey: env.MFA_PROOF_KEY,
    })
  }
  // Called over RPC by the worker: env.MFA.get(env.MFA.idFromName(userId)).verify(userId, code)
  beginEnrollment(userId, options) {
    return this.mfa.beginEnrollment(userId, options)
  }
  confirmEnrollment(userId, code1, code2) {
    return this.mfa.confirmEnrollment(userId, code1, code2)
  }
  verify(userId, code, options) {
    return this.mfa.verify(userId, code, options)
  }
  async alarm() {
    await this.store.purgeExpired() // expired pending enrollments are invisible already; this frees their space
  }
}
