// The console flow, in the browser: QR code and manual key, two consecutive codes, sign-in with replay protection and
// throttling, recovery codes shown once, a second authenticator added with a proof, one removed, "trust this browser"
// (a rotating device token), a resync with two consecutive codes, and disabling with a fresh code. Everything runs in the page
// (WebCrypto, mfa-core's service over an in-memory store); a real application runs createMFA on its server.
import { createMFA, decodeBase32, formatKeyForManualEntry, generateTOTP, isOTPError, memoryStore } from '/dist/index.js'
import { renderSVG } from '/dist/qr.js'

const ISSUER = 'Example Cloud'
const USER = 'demo-user'
const PERIOD = 30

// --- The clock. `?now=<ms since the epoch>` freezes the page's clock at that instant, and
// `window.__mfaDemoClock.advance(ms)` / `.set(ms)` move it: a test hook, so a test can type consecutive codes
// without waiting 30 seconds. Without `?now` the page uses the real clock.
const fixed = new URLSearchParams(location.search).get('now')
let frozenAt = fixed !== null && /^\d{1,15}$/.test(fixed) ? Number(fixed) : null
const clock = () => frozenAt ?? Date.now()
window.__mfaDemoClock = {
  now: clock,
  advance(ms) {
    frozenAt = clock() + ms
    return refresh()
  },
  set(ms) {
    frozenAt = ms
    return refresh()
  },
}

const $ = (id) => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`missing #${id}`)
  return element
}

// --- Human messages, one per reason the service can return.
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
function wait(ms) {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  return seconds < 120 ? plural(seconds, 'second') : plural(Math.ceil(seconds / 60), 'minute')
}

const CONFIRM_MESSAGES = {
  malformed: 'Each box needs the 6-digit code from your app. Check what you typed.',
  same_code: 'You typed the same code twice. Wait until your app shows a new code, then type that one in “Next code”.',
  reversed: 'These codes are in the wrong order: put the older code first and the newer code second.',
  not_consecutive:
    'Both codes are right, but they are not one after the other. Type the current code, wait for the very next one, and type that.',
  invalid:
    'These codes do not match this key. Scan the QR code on this page again (or re-type the key), and check that your phone sets its clock automatically.',
  enrollment_expired: 'This setup has expired (after 10 minutes). Start over to get a new QR code.',
  enrollment_locked: 'Too many wrong attempts for this setup. Start over to get a new QR code.',
  not_pending: 'There is no setup in progress. Start over to get a new QR code.',
  limit_reached: 'You already have as many authenticators as allowed. Remove one first.',
}

function codeMessage(result, action) {
  switch (result.reason) {
    case 'malformed':
      return 'Enter the 6-digit code from your app, or a recovery code like abcd-efgh-jkmn-pqrs.'
    case 'proof_required':
      return action === 'verify' ? 'Enter a code.' : 'To confirm it is you, enter a fresh code from your app first.'
    case 'limit_reached':
      return CONFIRM_MESSAGES.limit_reached
    case 'not_found':
      return 'That authenticator is not there any more.'
    case 'invalid':
      return result.retryAfterMs !== undefined
        ? `That code is not right, and that was one wrong code too many: try again in ${wait(result.retryAfterMs)}.`
        : 'That code is not right. Check the account in your app and type the code it shows now.'
    case 'replayed':
      return 'That code has already been used. Wait until your app shows a new code, then type that one.'
    case 'locked':
      return `Too many wrong codes. For your security, codes are not checked for now: try again in ${wait(result.retryAfterMs ?? 0)}.`
    case 'not_enrolled':
      return 'Two-step verification is not on for this account.'
    default:
      return `Refused (${result.reason}).`
  }
}

function say(element, kind, text, reason) {
  element.hidden = false
  element.dataset.kind = kind
  if (reason === undefined) delete element.dataset.reason
  else element.dataset.reason = reason
  element.textContent = text
}
const quiet = (element) => {
  element.hidden = true
  element.textContent = ''
  delete element.dataset.reason
}

function fatal(error) {
  const text = isOTPError(error) ? `${error.code}: ${error.message}` : String(error?.message ?? error)
  say($('fatal'), 'error', `Something went wrong: ${text}`)
  console.error(error)
}

// --- The service, as a server would create it (here in the page, over an in-memory store).
const events = $('events')
const mfa = createMFA({
  issuer: ISSUER,
  store: memoryStore({ now: clock }),
  now: clock,
  onEvent(event) {
    const item = document.createElement('li')
    const time = new Date(event.at).toISOString().slice(11, 19)
    const details = [
      event.reason,
      event.method,
      event.authenticatorId && `authenticator ${event.authenticatorId.slice(0, 6)}…`,
      event.deviceId && `browser ${event.deviceId.slice(0, 6)}…`,
      event.drift !== undefined && `drift ${event.drift} steps`,
      event.retryAfterMs && `retry in ${wait(event.retryAfterMs)}`,
    ]
      .filter(Boolean)
      .join(', ')
    item.innerHTML = '<time></time> <b></b> <span></span>'
    item.children[0].textContent = time
    item.children[1].textContent = event.type
    item.children[2].textContent = details ? `(${event.operation}: ${details})` : `(${event.operation})`
    events.prepend(item)
  },
})

let secretBytes = null
let pendingExpiresAt = 0
let showingRecovery = false
let justConfirmed = false
// This browser's device token (a real application keeps it in an httpOnly, secure cookie).
let deviceToken = null

/** The authenticators, for the list and the remove form (never a secret: listAuthenticators has none). */
async function listDevices(active) {
  const list = active ? await mfa.listAuthenticators(USER) : []
  $('device-list').replaceChildren(
    ...list.map((a) => {
      const item = document.createElement('li')
      const used = a.lastUsedAt === null ? 'not used yet' : `last used ${time(a.lastUsedAt, true)}`
      item.textContent = `${a.label} · added ${time(a.createdAt)} · ${used}`
      item.dataset.id = a.id
      return item
    }),
  )
  const select = $('remove-which')
  const chosen = select.value
  select.replaceChildren(
    ...list.map((a) => {
      const option = document.createElement('option')
      option.value = a.id
      option.textContent = a.label
      return option
    }),
  )
  if (list.some((a) => a.id === chosen)) select.value = chosen
}

const time = (ms, seconds = false) =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) })

/** Shows the sections that match the user's state. */
async function refresh() {
  const status = await mfa.status(USER)
  const line = $('status')
  line.dataset.state = status.state
  if (status.state === 'active') {
    const left = plural(status.recoveryCodesLeft ?? 0, 'recovery code')
    const locked = status.lockedUntil ? ` · locked until ${time(status.lockedUntil, true)}` : ''
    const devices = plural(status.authenticators ?? 0, 'authenticator')
    line.textContent = `On since ${time(status.enabledAt)} · ${devices} · ${left} left${locked}`
  } else if (status.state === 'pending') {
    line.textContent = 'Setting up: waiting for two consecutive codes'
  } else {
    line.textContent = 'Off: your account is protected by your password only'
  }
  const pending = status.pendingExpiresAt !== undefined && secretBytes !== null
  $('start').hidden = status.state !== 'none'
  $('enroll').hidden = !pending
  $('recovery').hidden = !(status.state === 'active' && showingRecovery)
  $('login').hidden = status.state !== 'active'
  $('devices').hidden = status.state !== 'active'
  $('trusted').hidden = status.state !== 'active'
  $('resync').hidden = status.state !== 'active'
  $('disable').hidden = status.state !== 'active'
  if (status.pendingExpiresAt === undefined && secretBytes !== null) {
    secretBytes = null
    const where = status.state === 'none' ? 'start-message' : 'add-message'
    if (!justConfirmed) say($(where), 'error', CONFIRM_MESSAGES.enrollment_expired, 'enrollment_expired')
  }
  justConfirmed = false
  await listDevices(status.state === 'active')
  await listTrusted(status.state === 'active')
  await tickSimulator()
}

// --- Step 0: begin an enrollment (the first one, or another authenticator with a proof).
let accountName = 'alice@example.com'
async function begin(options = {}) {
  const first = options.proof === undefined
  if (first) {
    accountName = $('account').value.trim()
    if (accountName === '' || accountName.includes(':')) {
      say($('start-message'), 'error', 'Enter the account name your app should show, such as your email (no “:”).')
      return
    }
    quiet($('start-message'))
  }
  const enrollment = await mfa.beginEnrollment(USER, { accountName, ...options })
  if (!enrollment.ok) {
    const active = (await mfa.status(USER)).state === 'active'
    say($(active ? 'add-message' : 'start-message'), 'error', codeMessage(enrollment, 'add'), enrollment.reason)
    await refresh()
    return
  }
  secretBytes = decodeBase32(enrollment.secret)
  pendingExpiresAt = enrollment.expiresAt
  $('qr').innerHTML = renderSVG(enrollment.uri, {
    moduleSize: 5,
    title: `QR code for ${ISSUER}: scan it with your authenticator app`,
  })
  $('manual-key').textContent = formatKeyForManualEntry(enrollment.secret)
  $('expires').textContent = `This setup expires at ${time(enrollment.expiresAt)} (in 10 minutes).`
  for (const id of ['code1', 'code2']) $(id).value = ''
  quiet($('confirm-message'))
  await refresh()
  $('code1').focus()
}

// --- Step 2: two consecutive codes.
async function confirm() {
  const result = await mfa.confirmEnrollment(USER, $('code1').value, $('code2').value)
  if (!result.ok) {
    const text = CONFIRM_MESSAGES[result.reason] ?? `Refused (${result.reason}).`
    if (result.reason === 'enrollment_expired' || result.reason === 'not_pending') {
      // the setup is gone: say so where the user can start again
      say($('start-message'), 'error', text, result.reason)
      await refresh()
      $('account').focus()
      return
    }
    say($('confirm-message'), 'error', text, result.reason)
    if (result.reason === 'reversed') $('code1').focus()
    else if (result.reason === 'same_code') $('code2').select()
    return
  }
  justConfirmed = true
  if (result.recoveryCodes.length === 0) {
    // a further authenticator: the user's recovery codes stay as they were
    say($('add-message'), 'success', 'The new authenticator is on. Both can sign in now (each code once).', 'added')
    await refresh()
    return
  }
  const list = $('recovery-codes')
  list.replaceChildren(
    ...result.recoveryCodes.map((code) => {
      const item = document.createElement('li')
      item.textContent = code
      return item
    }),
  )
  showingRecovery = true
  say(
    $('login-message'),
    'info',
    'Two-step verification is on. Your next sign-in needs a newer code than the two you just typed: wait for your app to show the next one.',
    'enabled',
  )
  await refresh()
  $('recovery').focus()
}

// --- Sign-in and disabling: one code each.
async function login() {
  const input = $('login-code')
  const trust = $('trust-browser').checked
  const result = await mfa.verify(USER, input.value, trust ? { trustDevice: { label: browserName() } } : undefined)
  if (result.ok) {
    const how = result.method === 'recovery' ? 'a recovery code (it will not work again)' : 'your authenticator code'
    const trusted = result.device ? ' This browser is now trusted: it can sign in without a code.' : ''
    if (result.device) deviceToken = result.device.token
    say($('login-message'), 'success', `Signed in with ${how}. Welcome back!${trusted}`, `ok_${result.method}`)
    input.value = ''
    $('trust-browser').checked = false
  } else {
    say($('login-message'), 'error', codeMessage(result, 'verify'), result.reason)
    input.select()
  }
  await refresh()
}

async function addAnother() {
  const input = $('add-proof')
  quiet($('add-message'))
  await begin({ label: $('add-label').value.trim() || 'Authenticator', proof: input.value })
  input.value = ''
}

async function removeOne() {
  const input = $('remove-code')
  const which = $('remove-which')
  const label = which.selectedOptions[0]?.textContent ?? ''
  const result = await mfa.removeAuthenticator(USER, which.value, input.value)
  input.value = ''
  if (!result.ok) {
    say($('remove-message'), 'error', codeMessage(result, 'remove'), result.reason)
    await refresh()
    return
  }
  const status = await mfa.status(USER)
  if (status.state === 'none') {
    // that was the last one: removing it turns two-step verification off
    showingRecovery = false
    quiet($('remove-message'))
    say(
      $('start-message'),
      'success',
      'Two-step verification is off. You can turn it on again at any time.',
      'disabled',
    )
  } else say($('remove-message'), 'success', `${label} is removed: its codes no longer sign in.`, 'removed')
  await refresh()
}

async function disable() {
  const input = $('disable-code')
  const result = await mfa.disable(USER, input.value)
  if (!result.ok) {
    say($('disable-message'), 'error', codeMessage(result, 'disable'), result.reason)
    input.select()
    await refresh()
    return
  }
  input.value = ''
  showingRecovery = false
  quiet($('disable-message'))
  quiet($('login-message'))
  say($('start-message'), 'success', 'Two-step verification is off. You can turn it on again at any time.', 'disabled')
  await refresh()
}

// --- Trusted browsers: a rotating token instead of a code; resync with two consecutive codes.
const TRUSTED_MESSAGES = {
  device_malformed: 'This browser has no trust token: sign in with a code and tick “Trust this browser”.',
  device_unknown: 'This browser is not trusted (any more): sign in with a code.',
  device_revoked: 'This browser’s trust was revoked (or its token was already used elsewhere): sign in with a code.',
  device_expired: 'This browser’s trust has expired: sign in with a code.',
}

function browserName() {
  const ua = navigator.userAgent
  const name = /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : 'This browser'
  return `${name} (demo)`
}

async function listTrusted(active) {
  const list = active ? await mfa.listTrustedDevices(USER) : []
  $('trusted-list').replaceChildren(
    ...list.map((d) => {
      const item = document.createElement('li')
      item.textContent = `${d.label} · trusted ${time(d.createdAt)} · last used ${time(d.lastUsedAt, true)} · until ${new Date(d.expiresAt).toLocaleDateString()}`
      item.dataset.id = d.id
      return item
    }),
  )
  if (list.length === 0) {
    const item = document.createElement('li')
    item.textContent = 'No trusted browsers.'
    $('trusted-list').replaceChildren(item)
  }
}

async function trustedSignIn() {
  const result = await mfa.verifyTrustedDevice(USER, deviceToken ?? '')
  if (result.ok) {
    // the token is replaced on every use: a copy of the old one no longer works
    deviceToken = result.token
    say($('trusted-message'), 'success', 'Signed in without a code: this browser is trusted.', 'ok_device')
  } else {
    const text = TRUSTED_MESSAGES[result.reason] ?? codeMessage(result, 'verify')
    say($('trusted-message'), 'error', text, result.reason)
  }
  await refresh()
}

async function forgetTrusted() {
  const { revoked } = await mfa.revokeTrustedDevices(USER)
  say($('trusted-message'), 'info', `${plural(revoked, 'trusted browser')} forgotten.`, 'revoked_all')
  await refresh()
}

const RESYNC_MESSAGES = {
  malformed: 'Each box needs the 6-digit code from your app.',
  same_code: 'You typed the same code twice. Wait for the next code, then type that one in “Next code”.',
  invalid: 'These are not two consecutive codes of your authenticator, even with a clock a few minutes off.',
  replayed: 'These codes were already used. Wait for new codes and try again.',
}

async function resync() {
  const result = await mfa.resync(USER, $('resync-code1').value, $('resync-code2').value)
  for (const id of ['resync-code1', 'resync-code2']) $(id).value = ''
  if (result.ok) {
    const off =
      result.drift === 0
        ? 'on time'
        : `${Math.abs(result.drift * PERIOD)} seconds ${result.drift > 0 ? 'ahead' : 'behind'}`
    say($('resync-message'), 'success', `Resynced: your phone is ${off}. Sign-ins will follow it.`, 'resynced')
  } else {
    const text = RESYNC_MESSAGES[result.reason] ?? codeMessage(result, 'verify')
    say($('resync-message'), 'error', text, result.reason)
  }
  await refresh()
}

// --- The demo authenticator: what an app would show for this key (collapsed by default).
async function tickSimulator() {
  if (secretBytes === null) return
  const now = clock()
  if (now >= pendingExpiresAt) return refresh()
  const left = PERIOD - (Math.floor(now / 1000) % PERIOD)
  $('sim-now').textContent = await generateTOTP(secretBytes, { timestamp: now })
  $('sim-next').textContent = await generateTOTP(secretBytes, { timestamp: now + PERIOD * 1000 })
  $('sim-left').textContent = frozenAt === null ? `(changes in ${plural(left, 'second')})` : '(clock frozen)'
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text)
    button.textContent = 'Copied'
  } catch {
    button.textContent = 'Copy failed'
  }
  setTimeout(() => {
    button.textContent = button.id === 'copy-key' ? 'Copy' : 'Copy all'
  }, 1500)
}

function on(id, event, handler) {
  $(id).addEventListener(event, (e) => {
    if (event === 'submit') e.preventDefault()
    const busy = e.target.closest('form')?.querySelector('button[type=submit]')
    if (busy) busy.disabled = true
    Promise.resolve()
      .then(() => handler(e))
      .catch(fatal)
      .finally(() => {
        if (busy) busy.disabled = false
        // lets a test wait for the end of each action
        document.body.dataset.done = String(Number(document.body.dataset.done ?? 0) + 1)
      })
  })
}

on('start-form', 'submit', () => begin())
on('confirm-form', 'submit', confirm)
on('login-form', 'submit', login)
on('disable-form', 'submit', disable)
on('add-form', 'submit', addAnother)
on('remove-form', 'submit', removeOne)
on('trusted-signin', 'click', trustedSignIn)
on('trusted-forget', 'click', forgetTrusted)
on('resync-form', 'submit', resync)
on('restart', 'click', () => begin())
on('copy-key', 'click', (e) => copy($('manual-key').textContent.replace(/\s/g, ''), e.currentTarget))
on('copy-recovery', 'click', (e) =>
  copy(Array.from($('recovery-codes').children, (li) => li.textContent).join('\n'), e.currentTarget),
)
on('recovery-done', 'click', async () => {
  showingRecovery = false
  $('recovery-codes').replaceChildren()
  await refresh()
  $('login-code').focus()
})

if (frozenAt !== null) $('clock-note').textContent = `Test clock: frozen at ${new Date(frozenAt).toISOString()}.`

if (!globalThis.crypto?.subtle) {
  // WebCrypto exists only in secure contexts: https, or http on localhost / 127.0.0.1.
  say($('fatal'), 'error', 'This page needs WebCrypto: open it over https or at http://127.0.0.1 (npm run demo:web).')
} else {
  setInterval(() => void tickSimulator().catch(fatal), 1000)
  refresh()
    .then(() => {
      document.body.dataset.ready = 'true'
    })
    .catch(fatal)
}
