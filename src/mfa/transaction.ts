// The transaction: load the record, parse and upgrade it, run one step of the machine, compare-and-set, retry on
// a conflict, and emit the events only once the write has committed.
import { describe, isOTPError, OTPError } from '../errors.js'
import { safeCause } from '../internal/cause.js'
import type { MFAStore, MFAStoreEntry } from '../storage/store.js'
import type { MFAEvent, MFAOperation, MFAPolicy } from './api.js'
import type { SecretBox } from './encryption.js'
import { emitEvents } from './events.js'
import { expiry, forgetStale, isEmpty, type Transition } from './machine/index.js'
import { createCheckedTexts } from './record/checked-texts.js'
import { checkedRecord, parseCheckedRecord, parseRecord, serializeRecord, withSchema } from './record/parse.js'
import { isTOTP, type MFARecord, type SecretParams, totpOf } from './record/shapes.js'
import type { RecordSeal } from './record-mac.js'
import type { RecoveryHasher } from './recovery.js'

/** What a step sees: the parsed record (null when there is none, or when the step asked for the raw entry). */
export interface StepInput {
  record: MFARecord | null
  /** The clock reading of this attempt (ms since the Unix epoch). */
  at: number
  /** The stored entry exists but was not parsed (`raw` steps only: reset removes what this version cannot read). */
  unreadable: boolean
}

/** Runs machine steps against one store. */
export interface Transactions {
  /** Runs `step` on the user's record until its write commits (or nothing needs writing), then emits its events. */
  run<R>(
    userId: string,
    operation: MFAOperation,
    step: (input: StepInput) => Transition<R> | Promise<Transition<R>>,
    options?: { raw?: boolean },
  ): Promise<R>
  /** Reads the record without writing: for `status` and `listAuthenticators`. */
  read(userId: string): Promise<{ record: MFARecord | null; at: number }>
  /** The store key of a user's record (`keyPrefix` + user id). */
  key(userId: string): string
}

/** Settings of {@link createTransactions}. */
export interface TransactionSettings {
  store: MFAStore
  keyPrefix: string
  maxRetries: number
  policy: Readonly<MFAPolicy>
  box: SecretBox
  /** Moves recovery digests off an older key id (the digests stay, their key is sealed under the current one). */
  hasher: RecoveryHasher
  /** Signs written records and checks read ones (the record MAC, with `encryptionKeys`). */
  seal: RecordSeal
  /** The checked clock: a finite integer number of ms within the Date range, or it throws. */
  clock: () => number
  onEvent: ((event: MFAEvent) => unknown) | undefined
}

/** What holds a secret in a record: its authenticator apps and its pending enrollment (a security key holds none). */
const secretHolders = (record: MFARecord): SecretParams[] =>
  record.pending ? [...totpOf(record), record.pending] : totpOf(record)

/** Most store keys whose last checked record text is kept (a record text each, 1 to 2 KB). */
const MAX_CHECKED_TEXTS = 1000

async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // Fail closed: the operation is refused. A record is written whole or not at all, never half.
    // An adapter's own ERR_STORAGE says what to check (a missing SQL table, say) and holds no secret: pass it on.
    // The cause keeps the driver error's class name, code and message only: mysql2's statement and ioredis's command
    // arguments hold the record being written, secrets included.
    const detail = isOTPError(error, 'ERR_STORAGE')
      ? `: ${error.message}; the operation was refused`
      : '; the operation was refused (check that the store is reachable and, for SQL, that its table exists: ensureTable)'
    throw new OTPError('ERR_STORAGE', `the MFA store failed to ${what} the record${detail}`, {
      cause: safeCause(error),
    })
  }
}

/**
 * Creates the transaction runner of a service.
 *
 * @param settings - the store, key prefix, retry bound, policy, secret box, clock and event handler
 */
export function createTransactions(settings: TransactionSettings): Transactions {
  const { store, keyPrefix, maxRetries, policy, box, hasher, seal, clock, onEvent } = settings
  const key = (userId: string) => keyPrefix + userId
  // each store key's last text read or written and found valid: a login reading back what the last one wrote skips
  // the checks and the MAC
  const checked = createCheckedTexts(MAX_CHECKED_TEXTS)

  /** No secret in clear while encryptionKeys are configured (outside the allowPlaintextSecrets window). */
  const admitted = (record: MFARecord): boolean => secretHolders(record).every((held) => box.admits(held.secret))

  const parse = async (entry: MFAStoreEntry | null, storeKey: string): Promise<MFARecord | null> => {
    if (entry === null) return null
    if (typeof entry !== 'object' || typeof entry.data !== 'string' || !Number.isSafeInteger(entry.version)) {
      throw new OTPError('ERR_STORAGE', `the MFA store returned ${describe(entry)} instead of { data, version }`)
    }
    if (checked.has(storeKey, entry.data)) return parseCheckedRecord(entry.data)
    const record = parseRecord(entry.data)
    if (!admitted(record)) {
      throw new OTPError(
        'ERR_RECORD_INVALID',
        'stored MFA record holds a secret in clear although encryptionKeys are configured (set allowPlaintextSecrets to migrate)',
      )
    }
    await seal.check(record, storeKey)
    checked.add(storeKey, entry.data)
    return record
  }

  /**
   * Notes the text this service has just written as checked, when it passes the check a read would make (signed here,
   * so its MAC holds); one a read would refuse is not noted, so that read refuses it as before.
   */
  const remember = (storeKey: string, data: string, written: MFARecord): void => {
    const record = checkedRecord(written)
    if (record !== null && admitted(record)) checked.add(storeKey, data)
  }

  /** Whether {@link reseal} has anything to move: the usual write has not, and costs no copy. */
  const needsReseal = (record: MFARecord): boolean =>
    secretHolders(record).some((held) => box.stale(held.secret)) ||
    (record.recovery !== null && hasher.stale(record.recovery)) ||
    (record.unsaved?.sealed != null && record.recovery !== null && box.stale(record.unsaved.sealed))

  /**
   * Re-seals secrets that are in clear, under an older key, or bound the schema-1 way, and moves recovery digests and
   * the recovery codes shown again until saved off an older key (rotation as users come by, or by rewriteRecord).
   */
  const reseal = async (record: MFARecord, userId: string): Promise<MFARecord> => {
    if (!needsReseal(record)) return record
    const binding = (id: string) => ({ storeKey: key(userId), userId, id })
    const fresh = async <T extends { id: string; secret: SecretParams['secret'] }>(held: T) =>
      box.stale(held.secret)
        ? { ...held, secret: await box.seal(await box.open(held.secret, binding(held.id)), binding(held.id)) }
        : held
    // codes shown again until saved, sealed under an older key, move too (bound to the same, unchanged digests)
    const unsaved = record.unsaved
    const stale = unsaved?.sealed && box.stale(unsaved.sealed) && record.recovery
    const codes = stale && { storeKey: key(userId), digests: record.recovery?.digests ?? [] }
    return {
      ...record,
      authenticators: await Promise.all(record.authenticators.map((a) => (isTOTP(a) ? fresh(a) : a))),
      pending: record.pending && (await fresh(record.pending)),
      recovery: record.recovery && (await hasher.rekey(record.recovery, key(userId), userId)),
      unsaved:
        unsaved && codes && unsaved.sealed
          ? { ...unsaved, sealed: await box.sealCodes(await box.openCodes(unsaved.sealed, codes), codes) }
          : unsaved,
    }
  }

  return {
    key,
    async read(userId) {
      const entry = await storeCall('read', () => store.get(key(userId)))
      return { record: await parse(entry, key(userId)), at: clock() }
    },
    async run(userId, operation, step, options) {
      const storeKey = key(userId)
      for (let attempt = 0; attempt <= maxRetries; attempt++) {
        const entry = await storeCall('read', () => store.get(storeKey))
        const at = clock()
        const raw = options?.raw === true
        let record: MFARecord | null = null
        let unreadable = false
        if (raw) {
          try {
            record = await parse(entry, storeKey)
          } catch (error) {
            // a record this version cannot read or check (damaged, planted, signed under a removed key)
            if (!(error instanceof OTPError) || (error.code !== 'ERR_RECORD_INVALID' && error.code !== 'ERR_DECRYPT')) {
              throw error
            }
            unreadable = true
          }
        } else record = await parse(entry, storeKey)
        const { result, next, events } = await step({ record, at, unreadable })
        let committed = true
        // a record holding nothing is written only over an existing one (a tombstone: versions keep growing, so a
        // writer that read the old record can never match a re-created one); nothing is created for nobody
        if (next && (entry !== null || !isEmpty(next))) {
          // secrets and recovery digests under an older key move to the current one; then the record is signed
          const written = await seal.sign(withSchema(await reseal(forgetStale(next, at), userId)), storeKey)
          const data = serializeRecord(written)
          const ttlMs = expiry(next, at, policy)
          const expected = entry?.version ?? null
          const won = await storeCall('write', () =>
            ttlMs === undefined ? store.set(storeKey, data, expected) : store.set(storeKey, data, expected, { ttlMs }),
          )
          // only an explicit true is a won compare-and-set; a sloppy adapter's truthy object must not let a code in
          if (won !== true && won !== false) {
            throw new OTPError(
              'ERR_STORAGE',
              `the MFA store's set returned ${describe(won)} instead of true or false; the operation was refused`,
            )
          }
          committed = won
          if (won) remember(storeKey, data, written)
        }
        if (committed) {
          emitEvents(onEvent, events, { userId, at, operation })
          return result
        }
      }
      throw new OTPError(
        'ERR_STORAGE',
        `the MFA record kept changing during ${maxRetries + 1} attempts; nothing was written`,
      )
    },
  }
}
