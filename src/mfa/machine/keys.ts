// Keys: which encryption keys a record still needs (its sealed secrets, the key of its recovery digests, its MAC),
// and the rewrite that moves a record under the current key, so an old key can be retired.
import { type MFARecord, totpOf } from '../record/shapes.js'
import type { Transition } from './types.js'

/**
 * The ids of the encryption keys a record cannot be read without, sorted: the key of every sealed secret (the
 * authenticators' and the pending enrollment's), of its recovery digests (`hmac` or `sealed`), of the recovery codes
 * shown again until saved, and of its MAC.
 * Empty for a record that needs none (written without `encryptionKeys`).
 */
export function keyIds(record: MFARecord): string[] {
  const ids = new Set<string>()
  for (const held of [...totpOf(record), ...(record.pending ? [record.pending] : [])]) {
    if ('kid' in held.secret) ids.add(held.secret.kid)
  }
  const recovery = record.recovery
  if (recovery?.scheme === 'hmac') ids.add(recovery.kid)
  if (recovery?.scheme === 'sealed') ids.add(recovery.key.kid)
  if (record.unsaved?.sealed) ids.add(record.unsaved.sealed.kid)
  if (record.mac) ids.add(record.mac.kid)
  return [...ids].sort()
}

/**
 * Rewrites a record as it is: the write itself re-seals every secret and recovery key under the current key and
 * signs the record (the transaction's job); nothing else changes, no event. No record: `not_found`.
 */
export function rewrite(record: MFARecord | null): Transition<{ ok: true } | { ok: false; reason: 'not_found' }> {
  if (record === null) return { result: { ok: false, reason: 'not_found' }, events: [] }
  return { result: { ok: true }, next: record, events: [] }
}
