// The console's routes: accounts and sessions (the app's job), and the MFA pages, whose every MFA call goes through
// mfa.mjs. Plain node:http: one handler, form posts only, each checked for the session's CSRF token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { formatKeyForManualEntry } from 'mfa-core'
import { renderSVG } from 'mfa-core/qr'
import { identityRoutes } from './identity.mjs'
import { devOutbox } from './mail.mjs'
import { createConsoleMFA } from './mfa.mjs'
import {
  date,
  form,
  html,
  identityRefusal,
  kept,
  layout,
  notice,
  offPageRefusal,
  pages,
  problem,
  raw,
  refusal,
  said,
  waitText,
} from './pages.mjs'
import { checkPassword, hashPassword, passwordThrottle } from './passwords.mjs'
import * as keys from './security-keys.mjs'

const STYLE = readFileSync(new URL('style.css', import.meta.url))
const COOKIE = 'console_session'
const DEVICE_COOKIE = 'console_device' // a trusted browser: `<user id>~<device token>`
const STEP_UP_MAX_AGE_MS = 10 * 60_000 // a code typed this recently confirms a sensitive change
const SESSION_TTL_MS = 8 * 3600_000 // a signed-in session
const PENDING_TTL_MS = 15 * 60_000 // a visitor, or a password accepted and a code awaited
const MAX_FORM_BYTES = 16_384 // every form here fits many times over
const MAX_DRAIN_BYTES = 1_048_576 // an oversized form is read this far to answer it with a page
const HEADERS = {
  'cache-control': 'no-store', // pages show secrets and recovery codes once: never from a cache
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin', // not no-referrer: with it, Chromium sends `Origin: null` on form posts
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
// the pages that use a security key run its one script (security-keys.js), which fetches a challenge from here
const SCRIPT_CSP = `${HEADERS['content-security-policy']}; script-src 'self'; connect-src 'self'`

const digest = (token) => createHash('sha256').update(token).digest('base64url')
const token = () => randomBytes(32).toString('base64url')
const same = (a, b) => {
  const x = Buffer.from(String(a ?? ''))
  const y = Buffer.from(String(b ?? ''))
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Messages shown after a redirect (`?done=...`). */
const DONE = {
  enabled: ['ok', 'MFA is on. The next sign-in asks for a code, or your security key, after the password.'],
  disabled: ['ok', 'MFA is off for this account.'],
  totp: ['ok', 'Signed in with a code from your authenticator app.'],
  recovery: ['ok', 'Signed in with a recovery code: it cannot be used again.'],
  reset: ['ok', 'MFA was reset for that user; the audit log below records it.'],
  added: ['ok', 'The new authenticator is set up: its codes sign you in too.'],
  renamed: ['ok', 'Renamed.'],
  removed: ['ok', 'The authenticator was removed: it no longer signs you in.'],
  trusted: ['ok', 'Signed in without a code: this browser is trusted.'],
  revoked: ['ok', 'That browser is no longer trusted: it will be asked for a code.'],
  'revoked-all': ['ok', 'No browser is trusted any more: each will be asked for a code.'],
  confirmed: ['ok', 'Confirmed: for 10 minutes, changes here need no other code.'],
  'codes-saved': ['ok', 'Your new recovery codes are in place; the old ones no longer work.'],
  ...keys.KEY_DONE,
}

/** A short name for the browser a request came from ("Chrome on Linux"), for the trusted-devices list. */
function browserLabel(userAgent = '') {
  const browser =
    [
      ['Edg/', 'Edge'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
    ].find(([mark]) => userAgent.includes(mark))?.[1] ?? 'A browser'
  const os =
    [
      ['Android', 'Android'],
      ['iPhone', 'iOS'],
      ['Windows', 'Windows'],
      ['Mac OS', 'macOS'],
      ['Linux', 'Linux'],
    ].find(([mark]) => userAgent.includes(mark))?.[1] ?? 'an unknown system'
  return `${browser} on ${os}`
}

/** A user's name for an authenticator: 1 to 64 characters of text, no control characters; or null. */
function cleanLabel(value) {
  const label = String(value ?? '').trim()
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  const ok = label.length >= 1 && label.length <= 64 && label.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(label)
  return ok ? label : null
}
/**
 * True for text shaped like a recovery code (16 letters and digits, or 10 for codes of 0.1.0, at least one letter,
 * dashes and spaces aside): a TOTP code is digits only, so this never mistakes one for the other.
 */
function looksLikeRecoveryCode(text) {
  const t = String(text).replace(/[\s-]/g, '')
  return /^([0-9a-z]{10}|[0-9a-z]{16})$/i.test(t) && /[a-z]/i.test(t)
}
const badLabel = () => notice('error', 'label', 'Give the authenticator a name of 1 to 64 characters.')

/**
 * The console as a request handler.
 *
 * @param options.db - from openDatabase
 * @param options.now - the clock (ms since the Unix epoch), shared with the MFA service
 * @param options.encryptionKey - 32 bytes for the MFA secrets at rest
 * @param options.proofKey - 32 bytes signing step-up proofs
 * @param options.mailer - `{ send({ to, subject, text }) }` for security notifications (default: the development
 * outbox, mail.mjs)
 * @param options.beforeRoute - awaited once a request's form is read, before its route runs; may return a function
 * called once the route has answered (tests slow the server down with it)
 * @param options.webauthn - `{ rpId, origins }`: the host name security keys are registered to, and the origins
 * (`http://localhost:3000`) their signatures may come from
 */
export function createConsoleApp({ db, now, encryptionKey, proofKey, mailer, beforeRoute, webauthn }) {
  // without a mailer, security notifications go to the development outbox (/dev/outbox), never sent
  const outbox = mailer ? null : devOutbox(db)
  const mfa = createConsoleMFA({
    db,
    store: db.mfaStore,
    now,
    encryptionKey,
    proofKey,
    mailer: mailer ?? outbox,
    webauthn,
  })
  // "Turn on MFA", with an app or a security key, checks identity with an emailed code first (identity.mjs); its
  // proof begins the app's setup or the key's registration
  const identity = identityRoutes({
    mfa,
    now,
    layout: (ctx, title, body) => layout({ title, ...ctx, body }),
    begin: async (ctx, label, proof, kind) => {
      if (kind === 'key') return keys.beginFirstKey(ctx, { mfa, app: { securityPage, layout } }, label, proof)
      const started = await mfa.beginEnrollment(ctx.user.id, { accountName: ctx.user.email, label, proof })
      if (!started.ok)
        return ctx.send(await securityPage(ctx, problem('enable-form', 'form', identityRefusal(started), { label })))
      await keepSetup(ctx.session, 'authenticator_id', started.authenticatorId)
      return ctx.send(enrollPage(ctx, started))
    },
  })
  const throttle = passwordThrottle(db, now)

  // ---- accounts ----
  const findUser = async (by, value) =>
    (await db.query(`SELECT id, email, password, role FROM console_users WHERE ${by} = ?`, [value]))[0]

  async function createUser(email, password, role = 'user') {
    const id = `u_${randomBytes(9).toString('base64url')}`
    await db.query('INSERT INTO console_users (id, email, password, role, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      email,
      await hashPassword(password),
      role,
      now(),
    ])
    return id
  }

  // ---- sessions: a random token in an HTTP-only SameSite=Strict cookie; the table keeps only its digest ----
  async function loadSession(request) {
    const cookie = /(?:^|;\s*)console_session=([\w-]{43})(?:;|$)/.exec(request.headers.cookie ?? '')
    if (!cookie) return null
    const row = (
      await db.query('SELECT * FROM console_sessions WHERE id = ? AND expires_at > ?', [digest(cookie[1]), now()])
    )[0]
    return row ? { ...row, digest: digest(cookie[1]) } : null
  }

  /** A new session (a new token and CSRF token: signing in never keeps the visitor's session id). */
  async function startSession(response, old, userId, stage, mfaAt = null) {
    if (old) await endSession(old)
    const secret = token()
    const ttl = stage === 'full' ? SESSION_TTL_MS : PENDING_TTL_MS
    const session = { user_id: userId, stage, csrf: token(), digest: digest(secret) }
    await db.query(
      'INSERT INTO console_sessions (id, user_id, stage, csrf, created_at, expires_at, mfa_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [session.digest, userId, stage, session.csrf, now(), now() + ttl, mfaAt],
    )
    setCookie(response, COOKIE, secret, ttl)
    return session
  }

  async function endSession(session) {
    await db.query('DELETE FROM console_sessions WHERE id = ?', [session.digest])
    await db.query('DELETE FROM console_step_up WHERE session_id = ?', [session.digest])
    await db.query('DELETE FROM console_setup WHERE session_id = ?', [session.digest])
  }

  /** Adds a Set-Cookie header (HTTP-only, SameSite=Strict; add `Secure` behind HTTPS). `maxAgeMs` 0 deletes it. */
  function setCookie(response, name, value, maxAgeMs) {
    const cookie = `${name}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(maxAgeMs / 1000)}`
    response.setHeader('set-cookie', [...[response.getHeader('set-cookie') ?? []].flat(), cookie])
  }

  // ---- trusted browsers: the device token in its own cookie, named with the user it belongs to (a token is only
  // ever checked for that user: a failed check counts against the user's MFA failure budget) ----
  const deviceCookie = (request, userId) => {
    const found = /(?:^|;\s*)console_device=([^;]+)/.exec(request.headers.cookie ?? '')
    const [owner, deviceToken] = decodeURIComponent(found?.[1] ?? '').split('~')
    return owner === userId && deviceToken ? deviceToken : null
  }
  const keepDevice = (response, userId, device) =>
    setCookie(response, DEVICE_COOKIE, encodeURIComponent(`${userId}~${device.token}`), device.expiresAt - now())

  // ---- step-up: the proof from the last code typed in this session, for changes within 10 minutes ----
  const stepUpProof = async (session) =>
    (await db.query('SELECT proof FROM console_step_up WHERE session_id = ?', [session.digest]))[0]?.proof ?? null
  const keepProof = (session, proof) =>
    db.query(
      'INSERT INTO console_step_up (session_id, proof) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET proof = ?',
      [session.digest, proof, proof],
    )

  // ---- setup in progress: what this session began (the QR code it may show again) and the recovery codes it
  // received (which it may show again until the user says they saved them); another session sees neither ----
  const setupOf = async (session) =>
    (
      await db.query('SELECT authenticator_id, codes_issued_at FROM console_setup WHERE session_id = ?', [
        session.digest,
      ])
    )[0]
  const keepSetup = (session, column, value) =>
    db.query(
      `INSERT INTO console_setup (session_id, ${column}) VALUES (?, ?) ON CONFLICT (session_id) DO UPDATE SET ${column} = ?`,
      [session.digest, value, value],
    )

  /** The enrollment this session began, to show its QR code again, or null (none, expired, locked, or not ours). */
  async function enrollingHere(ctx) {
    const setup = await setupOf(ctx.session)
    const pending = setup?.authenticator_id ? await mfa.pendingEnrollment(ctx.user.id, ctx.user.email) : null
    return pending?.authenticatorId === setup.authenticator_id && pending.attemptsLeft > 0 ? pending : null
  }

  /** Recovery codes this session received and the user has not said they saved, or null. */
  async function unsavedHere(ctx) {
    const setup = await setupOf(ctx.session)
    const unsaved = setup?.codes_issued_at ? await mfa.unsavedRecoveryCodes(ctx.user.id) : null
    return unsaved && unsaved.issuedAt === Number(setup.codes_issued_at) ? unsaved : null
  }

  /** The codes just issued belong to this session: it may show them until they are saved. */
  async function receivedCodes(ctx) {
    const unsaved = await mfa.unsavedRecoveryCodes(ctx.user.id)
    if (unsaved) await keepSetup(ctx.session, 'codes_issued_at', unsaved.issuedAt)
  }

  /** What proves a sensitive change: the code typed with it, else a recent step-up proof, else nothing. */
  async function proofFor(ctx, typed) {
    const code = String(typed ?? '').trim()
    if (code) return code
    const proof = await stepUpProof(ctx.session)
    return proof ? { proof, maxAgeMs: STEP_UP_MAX_AGE_MS } : null
  }

  /**
   * Runs a change that takes a proof: the code typed in the form (a recovery code only once the user ticked that it
   * will be spent), else the session's recent step-up proof. `run` answers the request itself, or returns the
   * service's refusal (shown beside the form's code field, with the other fields kept) or a {@link problem}.
   */
  async function withProof(ctx, body, formId, values, run) {
    const field = formId === 'authenticators' ? 'form' : 'code'
    const typed = String(body.code ?? '').trim()
    if (looksLikeRecoveryCode(typed) && body.spend !== '1') {
      const { recoveryCodesLeft } = await mfa.status(ctx.user.id)
      const text = `That is a recovery code. Used here it is spent and will not work again (${Math.max(recoveryCodesLeft - 1, 0)} would be left). Tick the box to spend it, or type a code from your app instead.`
      const warning = notice('warning', 'recovery_spend', text)
      return ctx.send(await securityPage(ctx, { ...problem(formId, field, warning, values), askSpend: true }))
    }
    const proof = await proofFor(ctx, typed)
    const answer = proof ? await run(proof) : { ok: false, reason: 'proof_required' }
    if (answer === undefined) return
    // a code the service refused cannot work again: its field is emptied, everything else typed is kept
    const { code: _refused, ...rest } = values
    const shown = 'form' in answer ? answer : problem(formId, field, refusal(answer), rest)
    return ctx.send(await securityPage(ctx, shown))
  }

  /** The id of an authenticator row's form (`rename-2`), or the table's when the id names none. */
  async function rowForm(ctx, kind, id) {
    const index = (await mfa.listAuthenticators(ctx.user.id)).findIndex((a) => a.id === String(id ?? ''))
    return index < 0 ? 'authenticators' : `${kind}-${index}`
  }

  // ---- responses ----
  const send = (response, status, body, type = 'text/html; charset=utf-8') => {
    const csp = body?.script ? { 'content-security-policy': SCRIPT_CSP } : {}
    response.writeHead(status, { ...HEADERS, ...csp, 'content-type': type })
    response.end(String(body))
  }
  const redirect = (response, location) => {
    // a redirect keeps the posted form's `#section` unless it names its own: a banner (`#done`) opens at the top
    if (location.includes('done=') && !location.includes('#')) location += '#done'
    response.writeHead(303, { ...HEADERS, location })
    response.end()
  }

  /**
   * Reads a url-encoded form of at most 16 KB. A longer one is still read to its end (so the browser gets the answer
   * rather than a reset connection), up to 1 MB, and refused with status 413; beyond 1 MB the connection is dropped.
   */
  async function readForm(request) {
    let body = ''
    let size = 0
    for await (const chunk of request) {
      size += chunk.length
      if (size > MAX_DRAIN_BYTES) throw Object.assign(new Error('form far too large'), { status: 413 })
      if (size <= MAX_FORM_BYTES) body += chunk
    }
    if (size > MAX_FORM_BYTES) throw Object.assign(new Error('form too large'), { status: 413, page: true })
    return Object.fromEntries(new URLSearchParams(body))
  }

  // ---- the MFA pages ----
  const securityPage = async (ctx, shown = null) => {
    const { user, session } = ctx
    const status = await mfa.status(user.id)
    const done = DONE[ctx.url.searchParams.get('done')]
    // the form posts to its own section (`#id`): the answer opens where the user was, with any error beside its field
    const post = (path, id) => `${path}#${id}`
    let body
    let script = false // the page runs security-keys.js only to confirm changes with a key
    if (status.state === 'active') {
      const authenticators = await mfa.listAuthenticators(user.id)
      const devices = await mfa.listTrustedDevices(user.id)
      const thisDevice = deviceCookie(ctx.request, user.id)?.split('.')[0]
      // a code typed in the last 10 minutes (at sign-in, or below) confirms the changes on this page
      const proof = await stepUpProof(session)
      const recent = proof ? await mfa.checkProof(user.id, proof, STEP_UP_MAX_AGE_MS) : null
      const confirmedUntil = recent?.ok ? recent.verifiedAt + STEP_UP_MAX_AGE_MS : null
      script = keys.hasKey(authenticators) && !confirmedUntil
      /** The proof field of a form: required unless a recent code confirms changes; a recovery code asks twice. */
      const codeInput = (formId, id, label = 'Current code') =>
        html`<label>${label}${confirmedUntil ? ' (not needed now)' : ''} <input name="code" id="${id}"
          autocomplete="one-time-code" value="${kept(shown, formId, 'code')}" ${raw(confirmedUntil ? '' : 'required')}></label>
        ${said(shown, formId, 'code')}${spendBox(formId)}`
      // after the warning, the same form asks once more, with a box that says the recovery code will be spent
      const spendBox = (formId) =>
        shown?.form === formId && shown.askSpend
          ? html`<label class="check"><input type="checkbox" name="spend" value="1" id="${formId}-spend">
              Spend this recovery code (it will not work again)</label>`
          : ''
      body = html`<section id="mfa" data-state="on">
          <h2>Multi-factor authentication: <span class="on">on</span></h2>
          ${offPageRefusal(shown)}
          <p id="mfa-status">${`On since ${date(status.enabledAt)}; ${status.authenticators} authenticator${status.authenticators === 1 ? '' : 's'}, ${status.recoveryCodesLeft} recovery codes left.`}
            ${status.lockedUntil ? `Codes are locked until ${date(status.lockedUntil)}.` : ''}</p>
        </section>
        <section id="step-up" data-confirmed="${confirmedUntil ? 'yes' : 'no'}">
          <h2>Sensitive changes</h2>
          ${
            confirmedUntil
              ? html`<p id="step-up-status">You ${recent.method === 'webauthn' ? 'used your security key' : 'typed a code'} at ${date(recent.verifiedAt)}: until ${date(confirmedUntil)}
                  the changes below need no other code.</p>`
              : html`<p id="step-up-status">Changes below need a current code. Type one here once, and for 10 minutes
                  you need not type another. A recovery code does not count here (it would be spent for nothing).</p>
                ${
                  keys.onlyKeys(authenticators)
                    ? ''
                    : form(
                        session,
                        post('/security/step-up', 'step-up'),
                        html`<label>Current code <input name="code" id="step-up-code" autocomplete="one-time-code"
                    value="${kept(shown, 'step-up-form', 'code')}" required></label>${said(shown, 'step-up-form', 'code')}
                    <button type="submit" class="secondary">Confirm it is you</button>`,
                        'id="step-up-form"',
                      )
                }${script ? keys.stepUpWithKey(session, shown, keys.onlyKeys(authenticators)) : ''}`
          }
        </section>
        <section id="authenticators">
          <h2>Authenticators</h2>
          <p class="hint">Any of them signs you in. Adding or removing one, like every change below, takes a current
            code (from any of them, typed here or in the last 10 minutes), your security key (under Sensitive changes)
            or a recovery code.</p>
          <table><tr><th>Name</th><th>Kind</th><th>Added</th><th>Last used</th><th>Backed up</th><th></th></tr>
          ${authenticators.map((a, i) => {
            const rename = `rename-${i}`
            const remove = `remove-${i}`
            return html`<tr class="authenticator" data-label="${a.label}">
              <td>${form(
                session,
                post('/security/authenticators/rename', 'authenticators'),
                html`<input type="hidden" name="id" value="${a.id}"><input name="label" aria-label="Name"
                  value="${kept(shown, rename, 'label', a.label)}" maxlength="64" required><button type="submit"
                  class="secondary">Rename</button>`,
                `id="${rename}" class="inline"`,
              )}${said(shown, rename, 'label')}</td>
              <td class="kind">${keys.kindOf(a)}</td>
              <td class="when">${date(a.createdAt)}</td>
              <td class="when">${a.lastUsedAt === null ? 'never' : date(a.lastUsedAt)}</td>
              <td class="backed-up">${keys.backedUpOf(a)}</td>
              <td>${form(
                session,
                post('/security/authenticators/remove', 'authenticators'),
                html`<input type="hidden" name="id" value="${a.id}">${
                  confirmedUntil
                    ? ''
                    : html`<input name="code" aria-label="Current code" placeholder="Current code"
                      autocomplete="one-time-code" value="${kept(shown, remove, 'code')}" required>`
                }<button type="submit" class="danger">Remove</button>`,
                `id="${remove}" class="inline"`,
              )}${said(shown, remove, 'code')}${spendBox(remove)}</td></tr>`
          })}</table>
          ${said(shown, 'authenticators', 'form')}
          <h3>Add another authenticator</h3>
          <p class="hint">For a second phone, or a colleague who shares this account. Type a current code of one you
            already have (or a recovery code); the new one is set up like the first.</p>
          ${form(
            session,
            post('/security/authenticators/add', 'add-form'),
            html`<label>Name <input name="label" id="add-label" maxlength="64" placeholder="Work phone"
              value="${kept(shown, 'add-form', 'label')}" required></label>${said(shown, 'add-form', 'label')}
            ${codeInput('add-form', 'add-code')}${said(shown, 'add-form', 'form')}<button type="submit">Add authenticator</button>`,
            'id="add-form"',
          )}
          ${keys.addKeySection(session, shown, codeInput)}
        </section>
        <section id="devices">
          <h2>Trusted browsers</h2>
          <p class="hint">Browsers where you ticked "trust this browser" at sign-in: they sign in with the password
            alone until the date shown. Removing an authenticator, new recovery codes or disabling MFA revokes them all.</p>
          ${said(shown, 'devices', 'form')}
          ${
            devices.length === 0
              ? html`<p id="no-devices">None.</p>`
              : html`<table><tr><th>Browser</th><th>Trusted</th><th>Last used</th><th>Until</th><th></th></tr>
                ${devices.map(
                  (
                    d,
                    i,
                  ) => html`<tr class="device" data-label="${d.label}" data-this="${d.id === thisDevice ? 'yes' : 'no'}">
                    <td>${d.label}${d.id === thisDevice ? html` <strong>(this browser)</strong>` : ''}</td>
                    <td class="when">${date(d.createdAt)}</td>
                    <td class="when">${date(d.lastUsedAt ?? d.createdAt)}</td>
                    <td class="when">${date(d.expiresAt)}</td>
                    <td>${form(
                      session,
                      post('/security/devices/revoke', 'devices'),
                      html`<input type="hidden" name="id" value="${d.id}"><button type="submit"
                        class="secondary">Revoke</button>`,
                      `id="revoke-${i}" class="inline"`,
                    )}</td></tr>`,
                )}</table>
                ${form(
                  session,
                  post('/security/devices/revoke-all', 'devices'),
                  html`<button type="submit" class="secondary">Revoke all</button>`,
                  'id="revoke-all-form" class="inline"',
                )}`
          }
        </section>
        <section id="recovery">
          <h2>Recovery codes</h2>
          <p>New codes replace the old ones, which stop working.</p>
          ${form(
            session,
            post('/security/recovery', 'recovery'),
            html`${codeInput('regenerate-form', 'regenerate-code')}<button type="submit" class="secondary">New recovery
              codes</button>`,
            'id="regenerate-form"',
          )}
        </section>
        <section id="disable">
          <h2>Disable MFA</h2>
          <p>A sensitive operation: type a current code from one of your authenticators, or a recovery code. Lost
            every phone and every recovery code? Support can reset MFA after checking who you are.</p>
          ${form(
            session,
            post('/security/mfa/disable', 'disable'),
            html`${codeInput('disable-form', 'disable-code', 'Current code or recovery code')}<button type="submit"
              class="danger">Disable MFA</button>`,
            'id="disable-form"',
          )}
        </section>`
    } else {
      body = html`<section id="mfa" data-state="off">
          <h2>Multi-factor authentication: <span class="off">off</span></h2>
          <p id="mfa-status">Sign-in asks only for your password. Turn on MFA to also ask for a code from an
            authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 1Password, ...).</p>
          ${form(
            session,
            post('/security/mfa/begin', 'mfa'),
            html`<label>Your password, to confirm it is you <input name="password" type="password"
              autocomplete="current-password" required></label>${said(shown, 'enable-form', 'password')}
            <label>A name for this authenticator <input name="label" maxlength="64"
              value="${kept(shown, 'enable-form', 'label', 'My phone')}" required></label>${said(shown, 'enable-form', 'label')}
            ${said(shown, 'enable-form', 'form')}<button type="submit">Enable MFA</button>`,
            'id="enable-form"',
          )}
        </section>
        ${keys.enableWithKeySection(session, shown)}`
    }
    // recovery codes this session received and the user has not yet said they saved: a way back to them
    const unsaved = status.state === 'active' ? await unsavedHere(ctx) : null
    const reminder =
      unsaved &&
      html`<p class="message warning" id="unsaved-codes" role="status">You have not yet said you saved the recovery
        codes issued at ${date(unsaved.issuedAt)}. <a href="/security/recovery-codes">Show them again</a>.</p>`
    return layout({
      title: 'Security settings',
      ...ctx,
      script,
      body: html`${done ? notice(done[0], ctx.url.searchParams.get('done'), done[1], 'done') : ''}${reminder}${body}`,
    })
  }

  /** The setup page: QR code and grouped key (shown this once), then two consecutive codes. */
  const enrollPage = (ctx, enrollment, message = '', adding = false) => {
    const { session } = ctx
    const scan = enrollment
      ? html`<ol class="steps">
          <li>Scan this QR code with your authenticator app:
            <div id="qr">${raw(renderSVG(enrollment.uri, { moduleSize: 5, title: 'Scan with your authenticator app' }))}</div></li>
          <li>Or type this key by hand (time-based, 6 digits): <code id="manual-key">${formatKeyForManualEntry(enrollment.secret)}</code></li>
          <li>Type the code the app shows, wait for the next one, and type that too.</li>
        </ol>
        <p class="hint">This setup is valid until ${date(enrollment.expiresAt)}; until then this page shows the same
          key (the entry you scanned keeps working). After that, start over.</p>`
      : html`<p id="start-over">This setup cannot go on: <a href="/security">start over</a> for a new QR code.</p>`
    return layout({
      title: adding ? 'Set up another authenticator' : 'Set up your authenticator app',
      ...ctx,
      body: html`${message}${scan}
        ${form(
          session,
          '/security/mfa/confirm',
          html`<div class="pair"><label>First code <input name="code1" id="code1" autocomplete="one-time-code"
            inputmode="numeric" required></label>
          <label>Next code <input name="code2" id="code2" autocomplete="off" inputmode="numeric" required></label></div>
          <button type="submit">${adding ? 'Add authenticator' : 'Turn on MFA'}</button>`,
          'id="confirm-form"',
        )}`,
    })
  }

  /**
   * Recovery codes not yet saved (`{ recoveryCodes, expiresAt }`), with a download of the same text, after MFA was
   * turned on (`after`: `'enabled'`) or new codes were issued (`'regenerated'`). Until the user says they saved them,
   * this page (a GET: a reload re-reads it) shows the same codes.
   */
  const recoveryPage = (ctx, unsaved, after) => {
    const codes = unsaved.recoveryCodes
    const file = `Example Cloud recovery codes for ${ctx.user.email}\nEach code works once.\n\n${codes.join('\n')}\n`
    const banner =
      after === 'enabled'
        ? notice(
            'ok',
            'enabled',
            'MFA is on. Keep these codes somewhere safe: each one signs you in once if you lose your phone or key.',
          )
        : notice(
            'ok',
            'regenerated',
            'New recovery codes: the old ones no longer work. Keep these somewhere safe: each one signs you in once if you lose your phone or key.',
          )
    return layout({
      title: 'Save your recovery codes',
      ...ctx,
      body: html`${banner}
        <ol id="recovery-codes" class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
        <p class="hint">Shown until you say you saved them (at the latest until ${date(unsaved.expiresAt)}), then
          never again.</p>
        <p><a class="button secondary" id="download" download="example-cloud-recovery-codes.txt"
          href="${`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`}">Download as a text file</a></p>
        ${form(
          ctx.session,
          '/security/recovery-codes/saved',
          html`<input type="hidden" name="after" value="${after}"><button type="submit" id="saved">I have saved
            them</button>`,
          'id="saved-form"',
        )}`,
    })
  }

  /** `trustDevice` for verify when the sign-in form's "trust this browser" box is ticked. */
  const trustDevice = (ctx, body) =>
    body.trust === '1' ? { label: browserLabel(ctx.request.headers['user-agent']) } : undefined

  /** A sign-in factor accepted (`result` of verify): the full session, the trusted browser's cookie, the banner. */
  async function signedIn(ctx, userId, result) {
    const session = await startSession(ctx.response, ctx.session, userId, 'full', now())
    // a code from the app or a security key confirms changes for 10 minutes; a recovery code only signs in
    if (result.method !== 'recovery') await keepProof(session, result.proof)
    if (result.device) keepDevice(ctx.response, userId, result.device)
    const user = await findUser('id', userId)
    return ctx.redirect(`${user.role === 'support' ? '/support' : '/security'}?done=${result.method}`)
  }

  /**
   * The sign-in page after the password: a user with a security key is asked for it first (the key page leads to the
   * code page and back).
   */
  const secondStep = async (userId) =>
    keys.hasKey(await mfa.listAuthenticators(userId)) ? '/signin/key' : '/signin/code'

  /** The code page: for a user with a key, the way to the key page, and no app named if they have only keys. */
  const codePage = async (ctx, userId, message = '') => {
    const authenticators = await mfa.listAuthenticators(userId)
    const alternative = keys.hasKey(authenticators) ? keys.useKeyInstead() : ''
    const withApp = authenticators.length === 0 || !keys.onlyKeys(authenticators)
    return ctx.page('Sign-in code', pages.signinCode(ctx.session, message, alternative, withApp))
  }

  /** Re-checks the password (with the throttle) before an MFA change; returns null or the message to show. */
  async function recheckPassword(user, password) {
    const wait = await throttle.waitMs(user.email)
    if (wait > 0) return notice('error', 'password_locked', `Too many wrong passwords: try again in ${waitText(wait)}.`)
    if (await checkPassword(String(password ?? ''), user.password)) {
      await throttle.succeed(user.email)
      return null
    }
    const lock = await throttle.fail(user.email)
    return notice(
      'error',
      lock ? 'password_locked' : 'password_wrong',
      lock ? `Wrong password. Too many wrong passwords: try again in ${waitText(lock)}.` : 'Wrong password.',
    )
  }

  const supportPage = async (ctx, shown = null) => {
    const users = await db.query(
      "SELECT id, email FROM console_users WHERE role = 'user' ORDER BY created_at LIMIT 100",
    )
    const states = await Promise.all(users.map((u) => mfa.status(u.id)))
    const emails = new Map(users.map((u) => [u.id, u.email]))
    const events = await db.query('SELECT at, user_id, type, detail FROM console_audit ORDER BY id DESC LIMIT 100')
    const done = DONE[ctx.url.searchParams.get('done')]
    return layout({
      title: 'Support',
      ...ctx,
      body: html`${done ? notice(done[0], 'reset', done[1], 'done') : ''}
        <section id="reset"><h2>Reset a user's MFA</h2>
        <p>For a user who lost their phone and their recovery codes. Check who they are out of band first (a call
          back, an ID check): a reset lets the password alone sign in.</p>
        ${form(
          ctx.session,
          '/support/reset#reset',
          html`<label>User's email <input name="email" id="reset-email" type="email"
            value="${kept(shown, 'reset-form', 'email')}" required></label>${said(shown, 'reset-form', 'email')}
          <label>Reason (recorded in the audit log) <input name="reason" id="reset-reason" required minlength="5"
            maxlength="500" value="${kept(shown, 'reset-form', 'reason')}"></label>${said(shown, 'reset-form', 'reason')}
          <button type="submit" class="danger">Reset MFA</button>`,
          'id="reset-form"',
        )}</section>
        <section><h2>Users</h2><table id="users"><tr><th>Email</th><th>MFA</th></tr>
          ${users.map((u, i) => html`<tr><td>${u.email}</td><td>${states[i].state === 'active' ? 'on' : 'off'}</td></tr>`)}
        </table></section>
        <section><h2>Audit log</h2><p class="hint">Written from the MFA service's onEvent: what happened, never a
          secret or a code.</p>
        <table id="audit"><tr><th>When</th><th>User</th><th>Event</th><th>Details</th></tr>
          ${events.map((e) => {
            const detail = Object.entries(JSON.parse(e.detail))
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')
            return html`<tr><td class="when">${date(Number(e.at))}</td><td>${emails.get(e.user_id) ?? e.user_id}</td><td>${e.type}</td><td>${detail}</td></tr>`
          })}
        </table></section>`,
    })
  }

  // ---- routes ----
  const routes = {
    'GET /': async (ctx) => {
      if (ctx.session?.stage === 'mfa') return ctx.redirect(await secondStep(ctx.session.user_id))
      if (ctx.user) return ctx.redirect(ctx.user.role === 'support' ? '/support' : '/security')
      return ctx.page('Welcome', pages.home())
    },
    'GET /signup': (ctx) => ctx.page('Create an account', pages.signup(ctx.session)),
    'POST /signup': async (ctx, body) => {
      const email = String(body.email ?? '')
        .trim()
        .toLowerCase()
      const password = String(body.password ?? '')
      let problem = null
      if (!/^[^\s@:]{1,64}@[^\s@:]{1,190}$/.test(email)) problem = ['email', 'That is not an email address.']
      else if (password.length < 10 || password.length > 1000)
        problem = ['password', 'The password must be 10 to 1000 characters long.']
      else if (await findUser('email', email)) problem = ['exists', 'There is already an account with this email.']
      if (problem) {
        return ctx.page('Create an account', pages.signup(ctx.session, notice('error', ...problem), email))
      }
      const id = await createUser(email, password)
      await startSession(ctx.response, ctx.session, id, 'full')
      return ctx.redirect('/security')
    },
    'GET /signin': (ctx) => ctx.page('Sign in', pages.signin(ctx.session)),
    'POST /signin': async (ctx, body) => {
      const email = String(body.email ?? '')
        .trim()
        .toLowerCase()
      const again = (message) => ctx.page('Sign in', pages.signin(ctx.session, message, email))
      const wait = await throttle.waitMs(email)
      if (wait > 0) {
        return again(notice('error', 'password_locked', `Too many wrong passwords: try again in ${waitText(wait)}.`))
      }
      const user = await findUser('email', email)
      if (!(await checkPassword(String(body.password ?? ''), user?.password))) {
        const lock = await throttle.fail(email)
        return again(
          lock
            ? notice(
                'error',
                'password_locked',
                `Wrong email or password. Too many attempts: try again in ${waitText(lock)}.`,
              )
            : notice('error', 'password_wrong', 'Wrong email or password.'),
        )
      }
      await throttle.succeed(email)
      const status = await mfa.status(user.id)
      if (status.state === 'active') {
        const deviceToken = deviceCookie(ctx.request, user.id)
        if (deviceToken) {
          // a trusted browser: its token is used once and replaced (a copied cookie, used before or after, revokes it)
          const device = await mfa.verifyTrustedDevice(user.id, deviceToken)
          if (device.ok) {
            keepDevice(ctx.response, user.id, device)
            await startSession(ctx.response, ctx.session, user.id, 'full')
            return ctx.redirect(`${user.role === 'support' ? '/support' : '/security'}?done=trusted`)
          }
          setCookie(ctx.response, DEVICE_COOKIE, '', 0)
        }
        await startSession(ctx.response, ctx.session, user.id, 'mfa')
        return ctx.redirect(await secondStep(user.id))
      }
      await startSession(ctx.response, ctx.session, user.id, 'full')
      return ctx.redirect(user.role === 'support' ? '/support' : '/security')
    },
    'GET /signin/code': async (ctx) =>
      ctx.session?.stage === 'mfa' ? codePage(ctx, ctx.session.user_id) : ctx.redirect('/'),
    'POST /signin/code': async (ctx, body) => {
      if (ctx.session?.stage !== 'mfa') return ctx.redirect('/')
      const userId = ctx.session.user_id
      const result = await mfa.verify(userId, String(body.code ?? ''), { trustDevice: trustDevice(ctx, body) })
      if (!result.ok) {
        return codePage(ctx, userId, refusal(result))
      }
      return signedIn(ctx, userId, result)
    },
    ...keys.securityKeyRoutes({
      mfa,
      app: {
        securityPage,
        withProof,
        recheckPassword,
        cleanLabel,
        badLabel,
        receivedCodes,
        keepProof,
        layout,
        signedIn,
        trustDevice,
        identity,
      },
    }),
    'POST /signout': async (ctx) => {
      await endSession(ctx.session)
      setCookie(ctx.response, COOKIE, '', 0)
      return ctx.redirect('/signin')
    },

    'GET /security': (ctx) => ctx.signedIn(async () => ctx.send(await securityPage(ctx))),
    'POST /security/mfa/begin': (ctx, body) =>
      ctx.signedIn(async () => {
        const values = { label: String(body.label ?? '') }
        const wrong = await recheckPassword(ctx.user, body.password)
        if (wrong) return ctx.send(await securityPage(ctx, problem('enable-form', 'password', wrong, values)))
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, problem('enable-form', 'label', badLabel(), values)))
        return ctx.send(await identity.start(ctx, label))
      }),
    ...identity.routes,
    'POST /security/authenticators/add': (ctx, body) =>
      ctx.signedIn(async () => {
        const values = { label: String(body.label ?? ''), code: String(body.code ?? '') }
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, problem('add-form', 'label', badLabel(), values)))
        return withProof(ctx, body, 'add-form', values, async (proof) => {
          const started = await mfa.beginEnrollment(ctx.user.id, { accountName: ctx.user.email, label, proof })
          if (started.ok) {
            await keepSetup(ctx.session, 'authenticator_id', started.authenticatorId)
            return ctx.send(enrollPage(ctx, started, '', true))
          }
          // at the cap, the code is not the problem: the message goes with the form as a whole
          return started.reason === 'limit_reached' ? problem('add-form', 'form', refusal(started), values) : started
        })
      }),
    'POST /security/mfa/confirm': (ctx, body) =>
      ctx.signedIn(async () => {
        const result = await mfa.confirmEnrollment(ctx.user.id, String(body.code1 ?? ''), String(body.code2 ?? ''))
        if (!result.ok) {
          // the same QR code again (the entry the user scanned keeps working): a typo costs no new secret
          const adding = (await mfa.status(ctx.user.id)).state === 'active'
          return ctx.send(enrollPage(ctx, await enrollingHere(ctx), refusal(result), adding))
        }
        // recovery codes come with the first authenticator only. A double submit or a reload repeats the same
        // confirmation, which answers with the same codes; the page that shows them is a GET, so a reload re-reads.
        if (result.recoveryCodes.length === 0) return ctx.redirect('/security?done=added')
        await receivedCodes(ctx)
        return ctx.redirect('/security/recovery-codes?after=enabled')
      }),
    'POST /security/authenticators/rename': (ctx, body) =>
      ctx.signedIn(async () => {
        const values = { label: String(body.label ?? '') }
        const formId = await rowForm(ctx, 'rename', body.id)
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, problem(formId, 'label', badLabel(), values)))
        const result = await mfa.renameAuthenticator(ctx.user.id, String(body.id ?? ''), label)
        if (!result.ok) return ctx.send(await securityPage(ctx, problem('authenticators', 'form', refusal(result))))
        return ctx.redirect('/security?done=renamed')
      }),
    'POST /security/authenticators/remove': (ctx, body) =>
      ctx.signedIn(async () => {
        const formId = await rowForm(ctx, 'remove', body.id)
        return withProof(ctx, body, formId, { code: String(body.code ?? '') }, async (proof) => {
          const result = await mfa.removeAuthenticator(ctx.user.id, String(body.id ?? ''), proof)
          if (result.ok) return ctx.redirect('/security?done=removed')
          return result.reason === 'not_found' ? problem('authenticators', 'form', refusal(result)) : result
        })
      }),
    'POST /security/mfa/disable': (ctx, body) =>
      ctx.signedIn(async () =>
        withProof(ctx, body, 'disable-form', { code: String(body.code ?? '') }, async (proof) => {
          const result = await mfa.disable(ctx.user.id, proof)
          return result.ok ? ctx.redirect('/security?done=disabled') : result
        }),
      ),
    'POST /security/recovery': (ctx, body) =>
      ctx.signedIn(async () =>
        withProof(ctx, body, 'regenerate-form', { code: String(body.code ?? '') }, async (proof) => {
          const result = await mfa.regenerateRecoveryCodes(ctx.user.id, proof)
          if (!result.ok) return result
          await receivedCodes(ctx)
          return ctx.redirect('/security/recovery-codes?after=regenerated')
        }),
      ),

    'GET /security/recovery-codes': (ctx) =>
      ctx.signedIn(async () => {
        const unsaved = await unsavedHere(ctx)
        if (!unsaved) return ctx.redirect('/security')
        const after = ctx.url.searchParams.get('after') === 'regenerated' ? 'regenerated' : 'enabled'
        return ctx.send(recoveryPage(ctx, unsaved, after))
      }),
    'POST /security/recovery-codes/saved': (ctx, body) =>
      ctx.signedIn(async () => {
        await mfa.acknowledgeRecoveryCodes(ctx.user.id)
        return ctx.redirect(`/security?done=${body.after === 'regenerated' ? 'codes-saved' : 'enabled'}`)
      }),

    'POST /security/step-up': (ctx, body) =>
      ctx.signedIn(async () => {
        const typed = String(body.code ?? '')
        if (looksLikeRecoveryCode(typed)) {
          // checked before the service sees it: verify would spend the code, and a recovery code confirms nothing here
          const text =
            'That is a recovery code: here it would be spent for nothing, since it signs you in but does not confirm changes. It was not used. Type a code from your app.'
          const refused = notice('error', 'recovery_not_step_up', text)
          return ctx.send(await securityPage(ctx, problem('step-up-form', 'code', refused)))
        }
        const result = await mfa.verify(ctx.user.id, typed)
        if (!result.ok) return ctx.send(await securityPage(ctx, problem('step-up-form', 'code', refusal(result))))
        await keepProof(ctx.session, result.proof)
        return ctx.redirect('/security?done=confirmed')
      }),
    'POST /security/devices/revoke': (ctx, body) =>
      ctx.signedIn(async () => {
        const id = String(body.id ?? '')
        const result = await mfa.revokeTrustedDevice(ctx.user.id, id)
        if (!result.ok) return ctx.send(await securityPage(ctx, problem('devices', 'form', refusal(result))))
        if (deviceCookie(ctx.request, ctx.user.id)?.split('.')[0] === id) setCookie(ctx.response, DEVICE_COOKIE, '', 0)
        return ctx.redirect('/security?done=revoked')
      }),
    'POST /security/devices/revoke-all': (ctx) =>
      ctx.signedIn(async () => {
        await mfa.revokeTrustedDevices(ctx.user.id)
        setCookie(ctx.response, DEVICE_COOKIE, '', 0)
        return ctx.redirect('/security?done=revoked-all')
      }),

    'GET /dev/outbox': (ctx) =>
      ctx.signedIn(async () => {
        if (!outbox) return send(ctx.response, 404, 'not found\n', 'text/plain; charset=utf-8')
        // a user sees the messages sent to them; support sees every one
        const messages = await outbox.list(ctx.user.role === 'support' ? undefined : ctx.user.email)
        return ctx.page('Development outbox', pages.outbox(messages))
      }),

    'GET /support': (ctx) => ctx.support(async () => ctx.send(await supportPage(ctx))),
    'POST /support/reset': (ctx, body) =>
      ctx.support(async () => {
        const email = String(body.email ?? '')
          .trim()
          .toLowerCase()
        const reason = String(body.reason ?? '').trim()
        const values = { email: String(body.email ?? ''), reason: String(body.reason ?? '') }
        const target = await findUser('email', email)
        if (target?.role !== 'user') {
          const unknown = notice('error', 'unknown_user', 'There is no user with that email.')
          return ctx.send(await supportPage(ctx, problem('reset-form', 'email', unknown, values)))
        }
        if (reason.length < 5 || reason.length > 500) {
          const short = notice('error', 'reason', 'Give a reason of 5 to 500 characters.')
          return ctx.send(await supportPage(ctx, problem('reset-form', 'reason', short, values)))
        }
        await mfa.reset(target.id, { actor: `support:${ctx.user.email}`, reason })
        return ctx.redirect('/support?done=reset')
      }),
  }

  async function handle(request, response) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.method === 'GET' && url.pathname === '/style.css') {
      return send(response, 200, STYLE, 'text/css; charset=utf-8')
    }
    if (request.method === 'GET' && url.pathname === '/security-keys.js') {
      return send(response, 200, keys.SCRIPT, 'text/javascript; charset=utf-8')
    }
    const route = routes[`${request.method} ${url.pathname}`]
    if (!route) return send(response, 404, 'not found\n', 'text/plain; charset=utf-8')
    let session = await loadSession(request)
    let body = {}
    if (request.method === 'POST') {
      // SameSite=Strict keeps the cookie off cross-site posts; the token catches the rest (and pre-login forms).
      const origin = request.headers.origin
      if (origin !== undefined && origin !== `http://${request.headers.host}`) {
        return send(response, 403, 'cross-origin form post refused\n', 'text/plain; charset=utf-8')
      }
      try {
        body = await readForm(request)
      } catch (error) {
        if (!error.page) throw error
        // a page that says what happened, in the frame the user knows, instead of a bare error
        const user = session?.stage === 'full' && session.user_id ? await findUser('id', session.user_id) : undefined
        const frame = { title: 'This form is too large', session: session ?? { stage: 'visitor' }, user }
        response.setHeader('connection', 'close')
        return send(response, 413, layout({ ...frame, body: pages.tooLarge(), where: db.describe }))
      }
      if (!session || !same(body.csrf, session.csrf)) {
        return send(
          response,
          403,
          'the form expired: go back, reload the page and try again\n',
          'text/plain; charset=utf-8',
        )
      }
    } else if (!session) {
      session = await startSession(response, null, null, 'visitor')
    }
    const user = session.user_id && session.stage === 'full' ? await findUser('id', session.user_id) : undefined
    const ctx = {
      url,
      request,
      response,
      session,
      user,
      where: db.describe,
      send: (markup, status = 200) => send(response, status, markup),
      outbox: outbox !== null,
      page: (title, body, { script = false } = {}) =>
        send(
          response,
          200,
          layout({ title, session, user, body, where: db.describe, outbox: outbox !== null, script }),
        ),
      json: (value, status = 200) => send(response, status, JSON.stringify(value), 'application/json; charset=utf-8'),
      redirect: (location) => redirect(response, location),
      signedIn: (next) => (user ? next() : redirect(response, '/signin')),
      support: (next) => (user?.role === 'support' ? next() : send(response, 403, 'support only\n', 'text/plain')),
    }
    const after = await beforeRoute?.(request)
    try {
      return await route(ctx, body)
    } finally {
      after?.()
    }
  }

  return {
    /** The node:http request handler; a failure is a 500 with no detail (logged by the caller). */
    async handle(request, response) {
      try {
        await handle(request, response)
      } catch (error) {
        if (!response.headersSent)
          send(response, error.status ?? 500, 'something went wrong\n', 'text/plain; charset=utf-8')
        else response.end()
        if (!error.status) throw error
      }
    },
    /** Removes expired sessions (and their step-up proofs) and expired MFA store rows; the server runs it hourly. */
    async purge() {
      await db.query('DELETE FROM console_sessions WHERE expires_at <= ?', [now()])
      await db.query('DELETE FROM console_step_up WHERE session_id NOT IN (SELECT id FROM console_sessions)')
      await db.query('DELETE FROM console_setup WHERE session_id NOT IN (SELECT id FROM console_sessions)')
      await db.mfaStore.purgeExpired?.()
    },
    /** Creates the support account, or sets its password (each start of the demo prints a fresh one). */
    async ensureSupportAccount(email, password) {
      const existing = await findUser('email', email)
      if (!existing) return createUser(email, password, 'support')
      await db.query('UPDATE console_users SET password = ? WHERE id = ?', [await hashPassword(password), existing.id])
      return existing.id
    },
  }
}
