// Events after a commit: the machine drafts them, the transaction adds who, when and which operation, and delivers
// them to the application's handler only once the write has committed.
import type { MFAEvent } from './api.js'

/** An event as the state machine produces it, before the service adds who, when and which operation. */
export type MFAEventDraft = Omit<MFAEvent, 'userId' | 'at' | 'operation'>

/**
 * Delivers events to a handler that must not be able to break the operation: a throw or a rejected promise is
 * swallowed (the state change has already been committed).
 */
export function emitEvents(
  handler: ((event: MFAEvent) => unknown) | undefined,
  drafts: readonly MFAEventDraft[],
  context: Pick<MFAEvent, 'userId' | 'at' | 'operation'>,
): void {
  if (handler === undefined) return
  for (const draft of drafts) {
    try {
      // each handler call gets its own object: nothing it does can reach the service or another call
      const returned = handler({ ...draft, ...context })
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        ;(returned as Promise<unknown>).then(undefined, () => {})
      }
    } catch {
      // An audit handler's failure must not undo or fail a committed state change.
    }
  }
}
