// The console MFA flow in a terminal, on the in-memory store: scan the QR code with any authenticator app, type two
// consecutive codes, log in, watch a replay being refused, disable with a fresh code. The simulation also adds a
// second authenticator (with a proof) and removes the first.
//
//   npm run demo                 interactive (a real phone works)
//   npm run demo -- --simulate   plays the authenticator itself on a fast clock; exits 1 if any step misbehaves
import { createInterface } from 'node:readline/promises'
import { createMFA, decodeBase32, formatKeyForManualEntry, generateTOTP } from '../dist/index.js'
import { enrollmentScreen } from './terminal-screen.mjs'

const simulate = process.argv.includes('--simulate')
const USER = 'demo-user'
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const say = (s = '') => console.log(s)

// The clock: real time interactively; a fake one in simulation, moved forward by the "phone" between codes.
let fakeNow = Date.now()
const now = simulate ? () => fakeNow : Date.now
const wait = (ms) => {
  fakeNow += ms
  say(dim(`  (${ms / 1000} s pass)`))
}

const mfa = createMFA({
  issuer: 'Example Cloud',
  now,
  onEvent: (e) => {
    const extra = ['reason', 'method', 'authenticatorId', 'retryAfterMs', 'recoveryCodesLeft', 'actor']
      .filter((k) => e[k] !== undefined)
      .map((k) => `${k}=${e[k]}`)
      .join(' ')
    say(dim(`  [event] ${e.type} (${e.operation}) ${extra}`))
  },
})

let failures = 0
function check(label, actual, expected) {
  const ok = Object.entries(expected).every(([k, v]) => actual[k] === v)
  if (!ok) failures++
  if (simulate || !ok) say(`  ${ok ? 'ok  ' : 'FAIL'} ${label}${ok ? '' : `: ${JSON.stringify(actual)}`}`)
  return ok
}

// Interactive input, or the simulated phone.
const rl = simulate ? null : createInterface({ input: process.stdin, output: process.stdout, terminal: false })
// Lines are read through the iterator, which buffers them: piped input works as well as typing.
const lines = rl?.[Symbol.asyncIterator]()
let secretBytes
async function phone(stepOffset = 0) {
  return generateTOTP(secretBytes, { timestamp: now() + stepOffset * 30_000 })
}
async function ask(prompt, simulated) {
  if (simulate) {
    const value = await simulated()
    say(`${prompt}${value}   ${dim('(typed by the simulated phone)')}`)
    return value
  }
  process.stdout.write(prompt)
  const line = await lines.next()
  if (line.done) {
    console.error('\ninput closed before the demo finished (use --simulate to run without input)')
    process.exit(1)
  }
  return line.value.trim()
}

try {
  say(bold('\nmfa-core demo: the console MFA flow'))
  say(dim('You are signed in and have just re-entered your password (the identity check before MFA changes).\n'))

  say(bold('Bind an authenticator app'))
  const enrollment = await mfa.beginEnrollment(USER, { accountName: 'you@example.com', label: 'Phone' })
  if (!enrollment.ok) throw new Error(`enrollment refused: ${enrollment.reason}`)
  secretBytes = decodeBase32(enrollment.secret)
  // the code, the key and the prompt below fit one 80x24 screen (examples/terminal-screen.mjs)
  const screen = { columns: process.stdout.columns ?? 80, ansi: process.stdout.isTTY === true && !process.env.NO_COLOR }
  const key = formatKeyForManualEntry(enrollment.secret)
  say(
    enrollmentScreen(enrollment.uri, key, enrollment.expiresAt, {
      ...screen,
      style: (s) => (s.startsWith('  ') ? bold(s) : s),
    }),
  )
  for (;;) {
    const code1 = await ask('First code:  ', () => phone())
    if (simulate) wait(30_000)
    else say(dim('Wait until the app shows the next code (up to 30 s).'))
    const code2 = await ask('Second code: ', () => phone())
    const result = await mfa.confirmEnrollment(USER, code1, code2)
    if (simulate) check('two consecutive codes enable MFA', result, { ok: true })
    if (result.ok) {
      say(`\nMFA is enabled. Recovery codes (shown once, keep them safe):`)
      for (let i = 0; i < result.recoveryCodes.length; i += 5)
        say(`  ${result.recoveryCodes.slice(i, i + 5).join('  ')}`)
      break
    }
    say(`Not accepted: ${result.reason}. ${hint(result.reason)}`)
    if (simulate || result.reason === 'enrollment_expired' || result.reason === 'enrollment_locked')
      throw new Error('enrollment failed')
  }

  say(bold('\nLog in with a security code'))
  say(dim('The second enrollment code is used up: wait for the next code.'))
  let login
  for (;;) {
    if (simulate) wait(30_000)
    login = await ask('Code: ', () => phone())
    const result = await mfa.verify(USER, login)
    if (simulate) check('login with the next code', result, { ok: true, method: 'totp' })
    if (result.ok) break
    say(`Not accepted: ${result.reason}. ${hint(result.reason, result.retryAfterMs)}`)
    if (simulate) throw new Error('login failed')
  }
  say('Logged in.')

  say(bold('\nSomeone replays the same code'))
  const replay = await mfa.verify(USER, login)
  check('the same code again is a replay', replay, { ok: false, reason: 'replayed' })
  say(`Refused: ${replay.ok ? 'NOT REFUSED' : replay.reason}`)

  if (simulate) {
    say(bold('\nA guesser is locked out'))
    let last
    for (let i = 0; i < 5; i++) last = await mfa.verify(USER, '000000')
    check('five wrong codes lock the account', last, { ok: false, reason: 'invalid', retryAfterMs: 30_000 })
    const locked = await mfa.verify(USER, await phone())
    check('while locked, even the right code is refused', locked, { ok: false, reason: 'locked' })
    wait(30_000)
    check('after the back-off, the right code works', await mfa.verify(USER, await phone()), { ok: true })

    say(bold('\nA second authenticator for the team (needs a proof: a fresh code of the first)'))
    wait(30_000)
    const first = (await mfa.listAuthenticators(USER))[0]
    const noProof = await mfa.beginEnrollment(USER, { accountName: 'you@example.com', label: 'Tablet' })
    check('without a proof, no second authenticator', noProof, { ok: false, reason: 'proof_required' })
    const second = await mfa.beginEnrollment(USER, {
      accountName: 'you@example.com',
      label: 'Tablet',
      proof: await phone(),
    })
    check('with a fresh code of the first, the second enrollment starts', second, { ok: true })
    const tablet = decodeBase32(second.secret)
    const tabletCode = (at) => generateTOTP(tablet, { timestamp: at })
    const t1 = await tabletCode(now())
    wait(30_000)
    const added = await mfa.confirmEnrollment(USER, t1, await tabletCode(now()))
    check('two consecutive codes of the tablet add it (no new recovery codes)', added, { ok: true })
    say(`  authenticators: ${(await mfa.listAuthenticators(USER)).map((a) => a.label).join(', ')}`)
    wait(30_000)
    check('the first phone still logs in', await mfa.verify(USER, await phone()), { ok: true, method: 'totp' })
    check('so does the tablet', await mfa.verify(USER, await tabletCode(now())), { ok: true, method: 'totp' })

    say(bold('\nRemove the first phone (with a code of the tablet)'))
    wait(30_000)
    check('removed', await mfa.removeAuthenticator(USER, first.id, await tabletCode(now())), { ok: true })
    wait(30_000)
    check('the removed phone no longer logs in', await mfa.verify(USER, await phone()), {
      ok: false,
      reason: 'invalid',
    })
    secretBytes = tablet // from now on the simulated phone is the tablet
  }

  say(bold('\nUnbind the MFA device (needs a fresh code)'))
  for (;;) {
    if (simulate) wait(30_000)
    const code = await ask('Fresh code: ', () => phone())
    const result = await mfa.disable(USER, code)
    if (simulate) check('disable with a fresh code', result, { ok: true })
    if (result.ok) break
    say(`Not accepted: ${result.reason}. ${hint(result.reason, result.retryAfterMs)}`)
    if (simulate) throw new Error('disable failed')
  }
  const status = await mfa.status(USER)
  check('MFA is off', status, { state: 'none' })
  say(`MFA is now ${status.state === 'none' ? 'disabled' : status.state}.`)
  say(dim('(Lost phone? Support calls mfa.reset(userId, { actor, reason }) instead.)\n'))
} catch (error) {
  failures++
  console.error(`demo stopped: ${error instanceof Error ? error.message : error}`)
} finally {
  rl?.close()
}

function hint(reason, retryAfterMs) {
  return (
    {
      malformed: 'Type the 6 digits the app shows.',
      same_code: 'Wait for the app to show the next code before typing the second one.',
      reversed: 'The codes were in the wrong order: the older one first.',
      not_consecutive: 'Use two codes in a row: type one, wait for the next, type it.',
      invalid: 'Check the time on your phone and that you scanned this QR code.',
      enrollment_expired: 'The enrollment expired: start again.',
      enrollment_locked: 'Too many attempts for this enrollment: start again.',
      locked: retryAfterMs ? `Too many attempts: wait ${Math.ceil(retryAfterMs / 1000)} s.` : 'Too many attempts.',
      replayed: 'That code was already used: wait for the next one.',
      not_enrolled: 'MFA is not enabled.',
      not_pending: 'No enrollment is in progress.',
      proof_required: 'Type a fresh code from your app first.',
      limit_reached: 'You already have as many authenticators as allowed.',
    }[reason] ?? ''
  )
}

if (simulate)
  say(failures === 0 ? bold('simulation: every step behaved as expected') : `simulation: ${failures} step(s) FAILED`)
process.exitCode = failures === 0 ? 0 : 1
