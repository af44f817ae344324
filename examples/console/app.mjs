// The console's routes: accounts and sessions (the app's job), and the MFA pages, whose every MFA call goes through
// mfa.mjs. Plain node:http: one handler, form posts only, each checked for the session's CSRF token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { formatKeyForManualEntry } from 'mfa-core'
import { renderSVG } from 'mfa-core/qr'
import { createConsoleMFA } from './mfa.mjs'
import { date, form, html, layout, notice, pages, raw, refusal, waitText } from './pages.mjs'
import { checkPassword, hashPassword, passwordThrottle } from './passwords.mjs'

const STYLE = readFileSync(new URL('style.css', import.meta.url))
const COOKIE = 'console_session'
const DEVICE_COOKIE = 'console_device' // a trusted browser: `<user id>~<device token>`
const STEP_UP_MAX_AGE_MS = 10 * 60_000 // a code typed this recently confirms a sensitive change
const SESSION_TTL_MS = 8 * 3600_000 // a signed-in session
const PENDING_TTL_MS = 15 * 60_000 // a visitor, or a password accepted and a code awaited
const HEADERS = {
  'cache-control': 'no-store', // pages show secrets and recovery codes once: never from a cache
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin', // not no-referrer: with it, Chromium sends `Origin: null` on form posts
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}

const digest = (token) => createHash('sha256').update(token).digest('base64url')
const token = () => randomBytes(32).toString('base64url')
const same = (a, b) => {
  const x = Buffer.from(String(a ?? ''))
  const y = Buffer.from(String(b ?? ''))
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Messages shown after a redirect (`?done=...`). */
const DONE = {
  enabled: ['ok', 'MFA is on. The next sign-in asks for a code.'],
  disabled: ['ok', 'MFA is off for this account.'],
  totp: ['ok', 'Signed in with a code from your authenticator app.'],
  recovery: ['ok', 'Signed in with a recovery code: it cannot be used again.'],
  reset: ['ok', 'MFA was reset for that user; the audit log below records it.'],
  added: ['ok', 'The new authenticator is set up: its codes sign you in too.'],
  renamed: ['ok', 'Renamed.'],
  removed: ['ok', 'The authenticator was removed: its codes no longer sign you in.'],
  trusted: ['ok', 'Signed in without a code: this browser is trusted.'],
  revoked: ['ok', 'That browser is no longer trusted: it will be asked for a code.'],
  'revoked-all': ['ok', 'No browser is trusted any more: each will be asked for a code.'],
  confirmed: ['ok', 'Confirmed: for 10 minutes, changes here need no other code.'],
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
const badLabel = () => notice('error', 'label', 'Give the authenticator a name of 1 to 64 characters.')

/**
 * The console as a request handler.
 *
 * @param options.db - from openDatabase
 * @param options.now - the clock (ms since the Unix epoch), shared with the MFA service
 * @param options.encryptionKey - 32 bytes for the MFA secrets at rest
 * @param options.proofKey - 32 bytes signing step-up proofs
 */
export function createConsoleApp({ db, now, encryptionKey, proofKey }) {
  const mfa = createConsoleMFA({ db, store: db.mfaStore, now, encryptionKey, proofKey })
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

  /** What proves a sensitive change: the code typed with it, else a recent step-up proof, else nothing. */
  async function proofFor(ctx, typed) {
    const code = String(typed ?? '').trim()
    if (code) return code
    const proof = await stepUpProof(ctx.session)
    return proof ? { proof, maxAgeMs: STEP_UP_MAX_AGE_MS } : null
  }

  // ---- responses ----
  const send = (response, status, body, type = 'text/html; charset=utf-8') => {
    response.writeHead(status, { ...HEADERS, 'content-type': type })
    response.end(String(body))
  }
  const redirect = (response, location) => {
    response.writeHead(303, { ...HEADERS, location })
    response.end()
  }

  async function readForm(request) {
    let body = ''
    for await (const chunk of request) {
      body += chunk
      if (body.length > 16_384) throw Object.assign(new Error('form too large'), { status: 413 })
    }
    return Object.fromEntries(new URLSearchParams(body))
  }

  // ---- the MFA pages ----
  const securityPage = async (ctx, message = '') => {
    const { user, session } = ctx
    const status = await mfa.status(user.id)
    const done = DONE[ctx.url.searchParams.get('done')]
    let body
    if (status.state === 'active') {
      const authenticators = await mfa.listAuthenticators(user.id)
      const devices = await mfa.listTrustedDevices(user.id)
      const thisDevice = deviceCookie(ctx.request, user.id)?.split('.')[0]
      // a code typed in the last 10 minutes (at sign-in, or below) confirms the changes on this page
      const proof = await stepUpProof(session)
      const recent = proof ? await mfa.checkProof(user.id, proof, STEP_UP_MAX_AGE_MS) : null
      const confirmedUntil = recent?.ok ? recent.verifiedAt + STEP_UP_MAX_AGE_MS : null
      const codeInput = (id, label = 'Current code') =>
        html`<label>${label}${confirmedUntil ? ' (not needed now)' : ''} <input name="code" id="${id}"
          autocomplete="one-time-code" ${raw(confirmedUntil ? '' : 'required')}></label>`
      body = html`<section id="mfa" data-state="on">
          <h2>Multi-factor authentication: <span class="on">on</span></h2>
          <p id="mfa-status">${`On since ${date(status.enabledAt)}; ${status.authenticators} authenticator${status.authenticators === 1 ? '' : 's'}, ${status.recoveryCodesLeft} recovery codes left.`}
            ${status.lockedUntil ? `Codes are locked until ${date(status.lockedUntil)}.` : ''}</p>
        </section>
        <section id="step-up" data-confirmed="${confirmedUntil ? 'yes' : 'no'}">
          <h2>Sensitive changes</h2>
          ${
            confirmedUntil
              ? html`<p id="step-up-status">You typed a code at ${date(recent.verifiedAt)}: until ${date(confirmedUntil)}
                  the changes below need no other code.</p>`
              : html`<p id="step-up-status">Changes below need a current code. Type one here once, and for 10 minutes
                  you need not type another.</p>
                ${form(
                  session,
                  '/security/step-up',
                  html`<label>Current code <input name="code" id="step-up-code" autocomplete="one-time-code"
                    required></label><button type="submit" class="secondary">Confirm it is you</button>`,
                  'id="step-up-form"',
                )}`
          }
        </section>
        <section id="authenticators">
          <h2>Authenticators</h2>
          <p class="hint">Any of them signs you in. Adding or removing one, like every change below, takes a current
            code (from any of them, typed here or in the last 10 minutes) or a recovery code.</p>
          <table><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr>
          ${authenticators.map(
            (a, i) => html`<tr class="authenticator" data-label="${a.label}">
              <td>${form(
                session,
                '/security/authenticators/rename',
                html`<input type="hidden" name="id" value="${a.id}"><input name="label" aria-label="Name"
                  value="${a.label}" maxlength="64" required><button type="submit" class="secondary">Rename</button>`,
                `id="rename-${i}" class="inline"`,
              )}</td>
              <td class="when">${date(a.createdAt)}</td>
              <td class="when">${a.lastUsedAt === null ? 'never' : date(a.lastUsedAt)}</td>
              <td>${form(
                session,
                '/security/authenticators/remove',
                html`<input type="hidden" name="id" value="${a.id}">${
                  confirmedUntil
                    ? ''
                    : html`<input name="code" aria-label="Current code" placeholder="Current code"
                      autocomplete="one-time-code" required>`
                }<button type="submit" class="danger">Remove</button>`,
                `id="remove-${i}" class="inline"`,
              )}</td></tr>`,
          )}</table>
          <h3>Add another authenticator</h3>
          <p class="hint">For a second phone, or a colleague who shares this account. Type a current code of one you
            already have (or a recovery code); the new one is set up like the first.</p>
          ${form(
            session,
            '/security/authenticators/add',
            html`<label>Name <input name="label" id="add-label" maxlength="64" placeholder="Work phone" required></label>
            ${codeInput('add-code')}<button type="submit">Add authenticator</button>`,
            'id="add-form"',
          )}
        </section>
        <section id="devices">
          <h2>Trusted browsers</h2>
          <p class="hint">Browsers where you ticked "trust this browser" at sign-in: they sign in with the password
            alone until the date shown. Removing an authenticator, new recovery codes or disabling MFA revokes them all.</p>
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
                      '/security/devices/revoke',
                      html`<input type="hidden" name="id" value="${d.id}"><button type="submit"
                        class="secondary">Revoke</button>`,
                      `id="revoke-${i}" class="inline"`,
                    )}</td></tr>`,
                )}</table>
                ${form(
                  session,
                  '/security/devices/revoke-all',
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
            '/security/recovery',
            html`${codeInput('regenerate-code')}<button type="submit" class="secondary">New recovery codes</button>`,
            'id="regenerate-form"',
          )}
        </section>
        <section id="disable">
          <h2>Disable MFA</h2>
          <p>A sensitive operation: type a current code from one of your authenticators, or a recovery code. Lost
            every phone and every recovery code? Support can reset MFA after checking who you are.</p>
          ${form(
            session,
            '/security/mfa/disable',
            html`${codeInput('disable-code', 'Current code or recovery code')}<button type="submit"
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
            '/security/mfa/begin',
            html`<label>Your password, to confirm it is you <input name="password" type="password"
              autocomplete="current-password" required></label>
            <label>A name for this authenticator <input name="label" maxlength="64" value="My phone" required></label>
            <button type="submit">Enable MFA</button>`,
            'id="enable-form"',
          )}
        </section>`
    }
    return layout({
      title: 'Security settings',
      ...ctx,
      body: html`${done ? notice(done[0], ctx.url.searchParams.get('done'), done[1], 'done') : ''}${message}${body}`,
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
        <p class="hint">This setup is valid until ${date(enrollment.expiresAt)}. The key is shown only now.</p>`
      : html`<p>Type the code your app shows, wait for the next one, and type that too. If you did not add the key
          to your app, <a href="/security">start over</a>.</p>`
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

  /** Recovery codes, shown once, with a download of the same text. */
  const recoveryPage = (ctx, codes) => {
    const file = `Example Cloud recovery codes for ${ctx.user.email}\nEach code works once.\n\n${codes.join('\n')}\n`
    return layout({
      title: 'Save your recovery codes',
      ...ctx,
      body: html`${notice('ok', 'enabled', 'MFA is on. Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are not shown again.')}
        <ol id="recovery-codes" class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
        <p><a class="button secondary" id="download" download="example-cloud-recovery-codes.txt"
          href="${`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`}">Download as a text file</a>
        <a class="button" id="saved" href="/security?done=enabled">I have saved them</a></p>`,
    })
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

  const supportPage = async (ctx, message = '') => {
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
      body: html`${done ? notice(done[0], 'reset', done[1], 'done') : ''}${message}
        <section><h2>Reset a user's MFA</h2>
        <p>For a user who lost their phone and their recovery codes. Check who they are out of band first (a call
          back, an ID check): a reset lets the password alone sign in.</p>
        ${form(
          ctx.session,
          '/support/reset',
          html`<label>User's email <input name="email" id="reset-email" type="email" required></label>
          <label>Reason (recorded in the audit log) <input name="reason" id="reset-reason" required minlength="5"
            maxlength="500"></label>
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
      if (ctx.session?.stage === 'mfa') return ctx.redirect('/signin/code')
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
        return ctx.redirect('/signin/code')
      }
      await startSession(ctx.response, ctx.session, user.id, 'full')
      return ctx.redirect(user.role === 'support' ? '/support' : '/security')
    },
    'GET /signin/code': (ctx) =>
      ctx.session?.stage === 'mfa' ? ctx.page('Sign-in code', pages.signinCode(ctx.session)) : ctx.redirect('/'),
    'POST /signin/code': async (ctx, body) => {
      if (ctx.session?.stage !== 'mfa') return ctx.redirect('/')
      const userId = ctx.session.user_id
      const trustDevice = body.trust === '1' ? { label: browserLabel(ctx.request.headers['user-agent']) } : undefined
      const result = await mfa.verify(userId, String(body.code ?? ''), { trustDevice })
      if (!result.ok) return ctx.page('Sign-in code', pages.signinCode(ctx.session, refusal(result)))
      const session = await startSession(ctx.response, ctx.session, userId, 'full', now())
      // a code from the app confirms changes for 10 minutes; a recovery code only signs in
      if (result.method === 'totp') await keepProof(session, result.proof)
      if (result.device) keepDevice(ctx.response, userId, result.device)
      const user = await findUser('id', userId)
      return ctx.redirect(`${user.role === 'support' ? '/support' : '/security'}?done=${result.method}`)
    },
    'POST /signout': async (ctx) => {
      await endSession(ctx.session)
      setCookie(ctx.response, COOKIE, '', 0)
      return ctx.redirect('/signin')
    },

    'GET /security': (ctx) => ctx.signedIn(async () => ctx.send(await securityPage(ctx))),
    'POST /security/mfa/begin': (ctx, body) =>
      ctx.signedIn(async () => {
        const wrong = await recheckPassword(ctx.user, body.password)
        if (wrong) return ctx.send(await securityPage(ctx, wrong))
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, badLabel()))
        const started = await mfa.beginEnrollment(ctx.user.id, { accountName: ctx.user.email, label })
        if (!started.ok) return ctx.send(await securityPage(ctx, refusal(started)))
        return ctx.send(enrollPage(ctx, started))
      }),
    'POST /security/authenticators/add': (ctx, body) =>
      ctx.signedIn(async () => {
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, badLabel()))
        const proof = await proofFor(ctx, body.code)
        if (!proof) return ctx.send(await securityPage(ctx, refusal({ reason: 'proof_required' })))
        const started = await mfa.beginEnrollment(ctx.user.id, { accountName: ctx.user.email, label, proof })
        if (!started.ok) return ctx.send(await securityPage(ctx, refusal(started)))
        return ctx.send(enrollPage(ctx, started, '', true))
      }),
    'POST /security/mfa/confirm': (ctx, body) =>
      ctx.signedIn(async () => {
        const result = await mfa.confirmEnrollment(ctx.user.id, String(body.code1 ?? ''), String(body.code2 ?? ''))
        if (!result.ok) {
          const adding = (await mfa.status(ctx.user.id)).state === 'active'
          return ctx.send(enrollPage(ctx, null, refusal(result), adding))
        }
        // recovery codes come with the first authenticator only
        if (result.recoveryCodes.length === 0) return ctx.redirect('/security?done=added')
        return ctx.send(recoveryPage(ctx, result.recoveryCodes))
      }),
    'POST /security/authenticators/rename': (ctx, body) =>
      ctx.signedIn(async () => {
        const label = cleanLabel(body.label)
        if (!label) return ctx.send(await securityPage(ctx, badLabel()))
        const result = await mfa.renameAuthenticator(ctx.user.id, String(body.id ?? ''), label)
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        return ctx.redirect('/security?done=renamed')
      }),
    'POST /security/authenticators/remove': (ctx, body) =>
      ctx.signedIn(async () => {
        const proof = await proofFor(ctx, body.code)
        if (!proof) return ctx.send(await securityPage(ctx, refusal({ reason: 'proof_required' })))
        const result = await mfa.removeAuthenticator(ctx.user.id, String(body.id ?? ''), proof)
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        return ctx.redirect('/security?done=removed')
      }),
    'POST /security/mfa/disable': (ctx, body) =>
      ctx.signedIn(async () => {
        const proof = await proofFor(ctx, body.code)
        if (!proof) return ctx.send(await securityPage(ctx, refusal({ reason: 'proof_required' })))
        const result = await mfa.disable(ctx.user.id, proof)
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        return ctx.redirect('/security?done=disabled')
      }),
    'POST /security/recovery': (ctx, body) =>
      ctx.signedIn(async () => {
        const proof = await proofFor(ctx, body.code)
        if (!proof) return ctx.send(await securityPage(ctx, refusal({ reason: 'proof_required' })))
        const result = await mfa.regenerateRecoveryCodes(ctx.user.id, proof)
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        return ctx.send(recoveryPage(ctx, result.recoveryCodes))
      }),

    'POST /security/step-up': (ctx, body) =>
      ctx.signedIn(async () => {
        const result = await mfa.verify(ctx.user.id, String(body.code ?? ''))
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        if (result.method !== 'totp') {
          const text = 'A recovery code signs you in but does not confirm changes: use a code from your app.'
          return ctx.send(await securityPage(ctx, notice('error', 'recovery_not_step_up', text)))
        }
        await keepProof(ctx.session, result.proof)
        return ctx.redirect('/security?done=confirmed')
      }),
    'POST /security/devices/revoke': (ctx, body) =>
      ctx.signedIn(async () => {
        const id = String(body.id ?? '')
        const result = await mfa.revokeTrustedDevice(ctx.user.id, id)
        if (!result.ok) return ctx.send(await securityPage(ctx, refusal(result)))
        if (deviceCookie(ctx.request, ctx.user.id)?.split('.')[0] === id) setCookie(ctx.response, DEVICE_COOKIE, '', 0)
        return ctx.redirect('/security?done=revoked')
      }),
    'POST /security/devices/revoke-all': (ctx) =>
      ctx.signedIn(async () => {
        await mfa.revokeTrustedDevices(ctx.user.id)
        setCookie(ctx.response, DEVICE_COOKIE, '', 0)
        return ctx.redirect('/security?done=revoked-all')
      }),

    'GET /support': (ctx) => ctx.support(async () => ctx.send(await supportPage(ctx))),
    'POST /support/reset': (ctx, body) =>
      ctx.support(async () => {
        const email = String(body.email ?? '')
          .trim()
          .toLowerCase()
        const reason = String(body.reason ?? '').trim()
        const target = await findUser('email', email)
        if (target?.role !== 'user') {
          return ctx.send(await supportPage(ctx, notice('error', 'unknown_user', 'There is no user with that email.')))
        }
        if (reason.length < 5 || reason.length > 500) {
          return ctx.send(await supportPage(ctx, notice('error', 'reason', 'Give a reason of 5 to 500 characters.')))
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
      body = await readForm(request)
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
      page: (title, body) => send(response, 200, layout({ title, session, user, body, where: db.describe })),
      redirect: (location) => redirect(response, location),
      signedIn: (next) => (user ? next() : redirect(response, '/signin')),
      support: (next) => (user?.role === 'support' ? next() : send(response, 403, 'support only\n', 'text/plain')),
    }
    return route(ctx, body)
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
