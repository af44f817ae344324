// Node only: the external programs some suites run (Debian's oathtool, pyotp, zbarimg, tmux, Chromium). A suite whose
// program is missing is skipped with a loud line on a dev machine and fails in CI, which installs them all (.ci/run).
import { spawnSync } from 'node:child_process'

/** The programs of `names` that cannot be started from PATH. */
export function missingPrograms(names: readonly string[]): string[] {
  return names.filter((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).error !== undefined)
}

/**
 * Whether a suite can run: true when nothing is missing; otherwise throws in CI, and elsewhere prints a loud
 * SKIPPED line and returns false.
 *
 * @param suite - what is not run, for the message
 * @param missing - why it cannot run (what is missing and how to install it), or null when it can
 */
export function canRun(suite: string, missing: string | null): boolean {
  if (missing === null) return true
  if (process.env.CI) throw new Error(`${suite}: ${missing}; CI requires it`)
  console.warn(`\n*** SKIPPED ${suite}: ${missing} ***\n`)
  return false
}
