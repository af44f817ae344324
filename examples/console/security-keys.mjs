// Security keys and passkeys in the console: the routes that register one and sign in or confirm a change with it,
// and the parts of the security and sign-in pages that offer them. The browser side is security-keys.js, the only
// script of the console, served on the pages here that use a key; everything it sends is checked by the MFA service
// (mfa.mjs), like a typed code.
import { readFileSync } from 'node:fs'
import { date, form, html, identityRefusal, kept, problem, REASONS, raw, refusal, refusalText, said } from './pages.mjs'

/** The browser side, served as /security-keys.js. */
export const SCRIPT = readFileSync(new URL('security-keys.js', import.meta.url))

/** Messages shown after a redirect (`?done=...`), beside the console's own. */
export const KEY_DONE = {
  'key-added': ['ok', 'The security key is set up: it signs you in too.'],
  webauthn: ['ok', 'Signed in with your security key.'],
}

/**
 * What a refusal of a key's answer says where the console's table (pages.mjs, docs/reasons.md) speaks of typed codes
 * or QR codes; every other reason reads as there.
 */
export const KEY_REASONS = {
  malformed: 'Your browser sent no answer from a security key. Press the button again and use your key.',
  invalid:
    "The security key's answer did not check out. Use a key or passkey registered to this account, on this site's own address.",
  not_pending: 'There is no security key setup in progress (finished, or started again in another tab). Start over.',
  enrollment_expired: 'This setup has expired. Start over, and use your key within a few minutes.',
  replayed: 'That answer from your security key was used already. Press the button again for a new one.',
  locked: 'Too many failed attempts, with codes or keys.',
}
const MESSAGES = { ...REASONS, ...KEY_REASONS }

/** The kind of an authenticator, as the list shows it: an app, a security key or a passkey, and how it connects. */
export function kindOf(a) {
  if (a.kind !== 'webauthn') return 'Authenticator app'
  const kind = a.backupEligible ? 'Passkey' : 'Security key'
  return a.transports.length > 0 ? `${kind} (${a.transports.join(', ')})` : kind
}

/** Whether a key is backed up (a synced passkey), as the list shows it; nothing for an app. */
export const backedUpOf = (a) => (a.kind === 'webauthn' ? (a.backedUp ? 'yes' : 'no') : '')

/** True when one of `authenticators` is a security key or passkey. */
export const hasKey = (authenticators) => authenticators.some((a) => a.kind === 'webauthn')

/** True when every one of `authenticators` is a key: there is no app to type a code from. */
export const onlyKeys = (authenticators) => authenticators.every((a) => a.kind === 'webauthn')

/**
 * What the browser posted in the `response` field: the credential's JSON as an object, or null when it is not one
 * (no script ran, or something else was sent).
 */
function posted(text) {
  try {
    const value = JSON.parse(String(text ?? ''))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

/** A refusal of what the browser sent, in the words of {@link KEY_REASONS}. */
const keyRefusal = (result) => refusal(result, 'message', MESSAGES)

/** A form whose button runs a WebAuthn ceremony in security-keys.js and posts the key's answer in `response`. */
const ceremonyForm = (session, action, id, button, extra = '') =>
  form(
    session,
    action,
    html`<input type="hidden" name="response" value="">${extra}${button}
      <p class="message error webauthn-message" role="alert" hidden></p>
      <noscript><p class="message warning">This step needs JavaScript: it lets the browser talk to your security
        key.</p></noscript>`,
    `id="${id}"`,
  )

/**
 * "Use your security key" under Sensitive changes: a proof from the key confirms the changes for 10 minutes. `alone`:
 * the user has no app, so this is the only way (a recovery code does not confirm changes).
 */
export const stepUpWithKey = (session, shown, alone) =>
  html`<p>${alone ? 'Confirm with your security key or passkey:' : 'Or confirm with your security key or passkey:'}</p>
    ${ceremonyForm(
      session,
      '/security/step-up/key#step-up',
      'step-up-key-form',
      html`<button type="button" class="secondary" id="step-up-key" data-webauthn="get"
        data-options="/security/keys/options">Use your security key</button>`,
    )}${said(shown, 'step-up-key-form', 'form')}`

const KEY_HINT = html`<p class="hint">A USB or NFC security key, or a passkey kept by this device or your password
  manager. It signs you in with a touch (and your PIN or fingerprint if it asks), and it cannot be phished: it answers
  only this site.</p>`

/**
 * "Add a security key or passkey" on the security page of a user with MFA on; `codeInput` is the page's proof field
 * (not needed while a recent code or key confirms changes).
 */
export const addKeySection = (session, shown, codeInput) =>
  html`<h3>Add a security key or passkey</h3>${KEY_HINT}
    ${form(
      session,
      '/security/keys/begin#key-form',
      html`<label>Name <input name="label" id="key-label" maxlength="64"
        value="${kept(shown, 'key-form', 'label', 'Security key')}" required></label>${said(shown, 'key-form', 'label')}
      ${codeInput('key-form', 'key-code')}${said(shown, 'key-form', 'form')}
      <button type="submit" id="add-key">Add a security key or passkey</button>`,
      'id="key-form"',
    )}`

/** With MFA off: turning it on with a security key instead of an app (the password again, as for an app). */
export const enableWithKeySection = (session, shown) =>
  html`<section id="mfa-key">
    <h2>Or use a security key or passkey</h2>${KEY_HINT}
    ${form(
      session,
      '/security/keys/begin#mfa-key',
      html`<label>Your password, to confirm it is you <input name="password" type="password"
        autocomplete="current-password" required></label>${said(shown, 'key-enable-form', 'password')}
      <label>A name for this key <input name="label" id="key-enable-label" maxlength="64"
        value="${kept(shown, 'key-enable-form', 'label', 'Security key')}" required></label>${said(shown, 'key-enable-form', 'label')}
      ${said(shown, 'key-enable-form', 'form')}<button type="submit" id="enable-key">Turn on MFA with a security
        key</button>`,
      'id="key-enable-form"',
    )}</section>`

/** The link from the code page to the key page, for a user who has a key. */
export const useKeyInstead = () =>
  html`<p><a href="/signin/key" id="use-key-instead">Use your security key or passkey instead</a></p>`

/**
 * The sign-in page of a user with a key: the key first, a code or recovery code as the way round (a recovery code
 * only, for a user with no app).
 */
const signInPage = (session, withApp, message = '') =>
  html`${message}
    <p>This account has MFA on. Use your security key or passkey to finish signing in.</p>
    ${ceremonyForm(
      session,
      '/signin/key',
      'key-signin-form',
      html`<button type="button" id="use-key" data-webauthn="get" data-options="/signin/key/options">Use your
        security key</button>`,
      html`<label class="check"><input type="checkbox" name="trust" id="trust" value="1"> Trust this browser for 30
        days: do not ask it for a key or code again (you can revoke it under Security settings)</label>`,
    )}
    <p><a href="/signin/code" id="use-code">${withApp ? 'Use a code from your app, or a recovery code' : 'Lost your key? Use a recovery code'}</a></p>`

/** The page after "Add a security key": the options for navigator.credentials.create, and the button. */
function registerPage(ctx, layout, started, first) {
  // JSON in a script element is data, never run; `<` escaped so no text in it (the email) can close the element
  const options = JSON.stringify(started.options).replace(/</g, '\\u003c')
  return layout({
    title: first ? 'Turn on MFA with a security key' : 'Add a security key or passkey',
    ...ctx,
    script: true,
    body: html`<script type="application/json" id="webauthn-options">${raw(options)}</script>
      <ol class="steps">
        <li>Have your security key at hand (plugged in, or near the phone for NFC), or be ready to use this device's
          passkey.</li>
        <li>Press the button, then touch the key, or confirm with your fingerprint, face or PIN.</li>
      </ol>
      ${ceremonyForm(
        ctx.session,
        '/security/keys/finish',
        'register-form',
        html`<button type="button" id="register-key" data-webauthn="create">Use your security key</button>`,
      )}
      ${started.expiresAt ? html`<p class="hint">This setup is valid until ${date(started.expiresAt)}.</p>` : ''}
      <p><a href="/security" id="cancel">Cancel</a></p>`,
  })
}

/**
 * "Turn on MFA with a security key" once the identity check passed (identity.mjs): its proof begins the first key's
 * registration, answered with the key's page, or the refusal beside the form that turns MFA on with a key.
 *
 * @param deps.app - `{ securityPage, layout }` of the console (app.mjs)
 * @param proof - the emailed code's step-up proof, `{ proof, maxAgeMs, bindTo }`
 */
export async function beginFirstKey(ctx, { mfa, app }, label, proof) {
  const started = await mfa.beginSecurityKeyRegistration(ctx.user.id, { accountName: ctx.user.email, label, proof })
  if (started.ok) return ctx.send(registerPage(ctx, app.layout, started, true))
  return ctx.send(await app.securityPage(ctx, problem('key-enable-form', 'form', identityRefusal(started), { label })))
}

/**
 * The routes, given the console's own helpers (app.mjs): `securityPage(ctx, shown)`, `withProof`, `recheckPassword`,
 * `cleanLabel`, `badLabel`, `receivedCodes`, `keepProof`, `signedIn(ctx, userId, result)` (a sign-in accepted),
 * `layout` (pages.mjs) and `identity` (identity.mjs: the emailed code before the first key).
 */
export function securityKeyRoutes({ mfa, app }) {
  const { securityPage, withProof, recheckPassword, cleanLabel, badLabel, receivedCodes, keepProof } = app
  const active = async (ctx) => (await mfa.status(ctx.user.id)).state === 'active'
  const withApp = async (userId) => !onlyKeys(await mfa.listAuthenticators(userId))
  /** The options of a fresh challenge, as JSON; else 409 with what to show (locked, or no key any more). */
  const options = async (ctx, userId) => {
    const challenge = await mfa.challenge(userId)
    if (challenge.ok && challenge.options) return ctx.json(challenge.options)
    const refused = challenge.ok ? { reason: 'not_enrolled' } : challenge
    return ctx.json({ reason: refused.reason, message: refusalText(refused, MESSAGES) }, 409)
  }

  return {
    'POST /security/keys/begin': (ctx, body) =>
      ctx.signedIn(async () => {
        const first = !(await active(ctx))
        const formId = first ? 'key-enable-form' : 'key-form'
        const values = { label: String(body.label ?? ''), code: String(body.code ?? '') }
        const show = async (field, message, kept = values) =>
          ctx.send(await securityPage(ctx, problem(formId, field, message, kept)))
        if (first) {
          const wrong = await recheckPassword(ctx.user, body.password)
          if (wrong) return show('password', wrong)
        }
        const label = cleanLabel(body.label)
        if (!label) return show('label', badLabel())
        // the first key, as the first app: the emailed code's proof begins its registration (beginFirstKey)
        if (first) return ctx.send(await app.identity.start(ctx, label, 'key'))
        return withProof(ctx, body, formId, values, async (proof) => {
          const started = await mfa.beginSecurityKeyRegistration(ctx.user.id, {
            accountName: ctx.user.email,
            label,
            proof,
          })
          if (started.ok) return ctx.send(registerPage(ctx, app.layout, started, false))
          // at the cap, the code is not the problem: the message goes with the form as a whole
          return started.reason === 'limit_reached' ? problem(formId, 'form', refusal(started), values) : started
        })
      }),
    'POST /security/keys/finish': (ctx, body) =>
      ctx.signedIn(async () => {
        const response = posted(body.response)
        const result = response
          ? await mfa.finishSecurityKeyRegistration(ctx.user.id, response)
          : { ok: false, reason: 'malformed' }
        if (!result.ok) {
          // the challenge is spent: the message goes beside the form that starts over
          const formId = (await active(ctx)) ? 'key-form' : 'key-enable-form'
          return ctx.send(await securityPage(ctx, problem(formId, 'form', keyRefusal(result))))
        }
        if (result.recoveryCodes.length === 0) return ctx.redirect('/security?done=key-added')
        await receivedCodes(ctx)
        return ctx.redirect('/security/recovery-codes?after=enabled')
      }),
    'POST /security/keys/options': (ctx) => ctx.signedIn(() => options(ctx, ctx.user.id)),
    'POST /security/step-up/key': (ctx, body) =>
      ctx.signedIn(async () => {
        const response = posted(body.response)
        const result = response ? await mfa.verify(ctx.user.id, response) : { ok: false, reason: 'malformed' }
        if (!result.ok)
          return ctx.send(await securityPage(ctx, problem('step-up-key-form', 'form', keyRefusal(result))))
        await keepProof(ctx.session, result.proof)
        return ctx.redirect('/security?done=confirmed')
      }),

    'GET /signin/key': async (ctx) =>
      ctx.session?.stage === 'mfa'
        ? ctx.page('Use your security key', signInPage(ctx.session, await withApp(ctx.session.user_id)), {
            script: true,
          })
        : ctx.redirect('/'),
    'POST /signin/key/options': (ctx) =>
      ctx.session?.stage === 'mfa'
        ? options(ctx, ctx.session.user_id)
        : ctx.json({ reason: 'signed_out', message: 'This sign-in has ended: sign in again.' }, 409),
    'POST /signin/key': async (ctx, body) => {
      if (ctx.session?.stage !== 'mfa') return ctx.redirect('/')
      const userId = ctx.session.user_id
      const response = posted(body.response)
      const result = response
        ? await mfa.verify(userId, response, { trustDevice: app.trustDevice(ctx, body) })
        : { ok: false, reason: 'malformed' }
      if (!result.ok) {
        const page = signInPage(ctx.session, await withApp(userId), keyRefusal(result))
        return ctx.page('Use your security key', page, { script: true })
      }
      return app.signedIn(ctx, userId, result)
    },
  }
}
