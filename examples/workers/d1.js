import { createMFA } from 'mfa-core'
import { sqlStore } from 'mfa-core/storage/sql'

// One service per isolate, over the D1 binding env.DB; the table comes from a migration (createTableSQL('sqlite')).
let mfa
export function mfaOf(env) {
  const query = async (sql, params) => {
    const statement = env.DB.prepare(sql).bind(...params)
    return { rows: (await statement.all()).results }
  }
  mfa ??= createMFA({
    store: sqlStore({ dialect: 'sqlite', query }),
    issuer: 'Example Cloud',
    encryptionKeys: JSON.parse(env.MFA_KEYS),
    proofKey: env.MFA_PROOF_KEY,
  })
  return mfa
}
