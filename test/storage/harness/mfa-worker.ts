// One app-server process of the multi-process tests: it opens its own connection to the shared store and runs
// `verify` calls when the parent says so. Bundled by esbuild (see workers.ts) and started with child_process.fork.
import { createMFA, isOTPError, type MFAPolicy, type MFAStore } from 'mfa-core'
import { type Backend, openBackend } from '../clients.js'
import { RACE_PROOF_KEY } from '../helpers.js'
import { countingStore } from './counting-store.js'

export type ToWorker =
  | { type: 'init'; backend: Backend }
  | {
      type: 'verify'
      id: number
      userId: string
      code: string
      attempts: number
      parallel: number
      now: number
      /** Instead of verify: removeAuthenticator of this id, with `code` as the proof. */
      remove?: string
      /** Instead of verify: checkVerificationCode of `code` for this purpose. */
      purpose?: string
      /** Changes to the default policy. */
      policy?: Partial<MFAPolicy>
    }
  | { type: 'exit' }

export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'done'
      id: number
      accepted: number
      reasons: Record<string, number>
      errors: Record<string, number>
      /** Compare-and-set writes that lost (returned false): proof that the processes really raced. */
      conflicts: number
    }
  | { type: 'failed'; message: string }

const send = (message: FromWorker): void => {
  process.send?.(message)
}

let opened: { store: MFAStore; close(): Promise<void> } | undefined
let clock = 0

process.on('message', async (message: ToWorker) => {
  try {
    if (message.type === 'init') {
      await opened?.close()
      opened = await openBackend(message.backend)
      send({ type: 'ready' })
    } else if (message.type === 'verify') {
      clock = message.now
      const counting = countingStore(opened!.store)
      const mfa = createMFA({
        store: counting.store,
        issuer: 'Race Test',
        now: () => clock,
        proofKey: RACE_PROOF_KEY,
        ...(message.policy ? { policy: message.policy } : {}),
      })
      const reasons: Record<string, number> = {}
      const errors: Record<string, number> = {}
      let accepted = 0
      let next = 0
      const lane = async (): Promise<void> => {
        while (next < message.attempts) {
          next++
          try {
            const result = message.remove
              ? await mfa.removeAuthenticator(message.userId, message.remove, message.code)
              : message.purpose
                ? await mfa.checkVerificationCode(message.userId, message.code, { purpose: message.purpose })
                : await mfa.verify(message.userId, message.code)
            if (result.ok) accepted++
            else reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
          } catch (error) {
            const code = isOTPError(error) ? error.code : String(error)
            errors[code] = (errors[code] ?? 0) + 1
          }
        }
      }
      await Promise.all(Array.from({ length: message.parallel }, lane))
      send({ type: 'done', id: message.id, accepted, reasons, errors, conflicts: counting.lost })
    } else if (message.type === 'exit') {
      await opened?.close()
      process.exit(0)
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  }
})
