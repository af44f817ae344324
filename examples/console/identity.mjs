// The identity check before a first authenticator ("to bind a virtual MFA device, you must pass identity
// authentication first"): "Turn on MFA", with an app or with a security key, emails a code to the account's address;
// the code, checked by mfa-core, gives a step-up proof bound to this session, and only that proof lets the first
// enrollment or key registration begin (the service runs with `policy.requireIdentityProof`). The mail goes through the console's mailer: SMTP (nodemailer, smtp.mjs) when
// SMTP_URL is set, else the development outbox (mail.mjs), which sends nothing.
import { date, form, html, notice, REASONS, waitText } from './pages.mjs'

/** How long after the code the proof still lets the setup begin. */
const IDENTITY_MAX_AGE_MS = 10 * 60_000
const PURPOSE = 'enroll'
/** What the check leads to: an authenticator app's setup, or a security key's registration (the `kind` field). */
const KINDS = {
  app: { bound: 'an authenticator app is bound to your account', label: 'My phone' },
  key: { bound: 'a security key or passkey is registered to your account', label: 'Security key' },
}

/**
 * How this page words a verification code's refusals: as the table of docs/reasons.md, except where that table
 * speaks of authenticator apps or authenticators (`malformed`, `invalid`, `limit_reached` mean the same here, said
 * for an emailed code).
 */
const CODE_REASONS = {
  ...REASONS,
  malformed: 'That is not a code: type the 6 digits from the email.',
  invalid: 'That code is not right: check the latest email from Example Cloud.',
  limit_reached: 'You have asked for as many codes as allowed in an hour.',
}

/** A verification code's refusal as a message element (`data-reason` carries the code). */
export function codeRefusal(result) {
  let text = CODE_REASONS[result.reason] ?? `Refused (${result.reason}).`
  if (result.reason === 'invalid') {
    const left = result.attemptsLeft
    text +=
      left > 0
        ? ` ${left} more attempt${left === 1 ? '' : 's'} with this code.`
        : ' That code no longer works: ask for a new one.'
  }
  if (result.retryAfterMs) {
    const wait = waitText(result.retryAfterMs)
    text +=
      result.reason === 'locked' || result.reason === 'invalid'
        ? ` Locked: try again in ${wait}.`
        : ` Ask again in ${wait}.`
  }
  return html`<p class="message error" id="message" role="alert" data-reason="${result.reason}">${text}</p>`
}

/**
 * The email that carries a verification code. It says what the code is for, until when it works, and what to do if
 * the user did not ask for it; nothing else of the account.
 *
 * @returns `{ to, subject, text, type, at }` for the console's mailer
 */
export function verificationMail({ to, code, expiresAt, at }) {
  const text = `Hello,

Your Example Cloud verification code is: ${code}

Type it on the page that asked for it, to confirm it is you before multi-factor authentication is turned on. It
works once, until ${date(expiresAt)}.

If you did not ask for it, someone may know your password: sign in and change it now. Never give this code to
anyone: Example Cloud never asks for it by phone, chat or email.
`
  return { to, subject: 'Your Example Cloud verification code', text, type: 'verification_code', at }
}

/**
 * The identity-check routes, given the console's MFA calls and page helpers.
 *
 * @param deps.mfa - the console's MFA (mfa.mjs)
 * @param deps.now - the app's clock (ms)
 * @param deps.layout - renders a page in the console's frame
 * @param deps.begin - `(ctx, label, proof, kind)`: begins the enrollment (`kind` `'app'`) or the key's registration
 * (`'key'`) with the identity proof, and answers with the QR code page or the key's page
 */
export function identityRoutes({ mfa, now, layout, begin }) {
  const page = (ctx, { kind, label, resendAt, message = '' }) => {
    const wait = Math.max(resendAt - now(), 0)
    return layout(
      ctx,
      'Confirm it is you',
      html`${message}
      <p id="identity-intro">Before ${KINDS[kind].bound}, confirm it is you: we emailed a 6-digit code to
        <strong id="identity-address">${ctx.user.email}</strong>.</p>
      ${form(
        ctx.session,
        '/security/mfa/identity',
        html`${hidden(kind, label, resendAt)}
        <label>Code from the email <input name="code" id="identity-code" autocomplete="one-time-code"
          inputmode="numeric" required autofocus></label>
        <button type="submit">Confirm</button>`,
        'id="identity-form"',
      )}
      ${form(
        ctx.session,
        '/security/mfa/resend',
        html`${hidden(kind, label, resendAt)}
        <button type="submit" class="secondary" id="resend" data-wait-ms="${wait}">${
          wait > 0 ? `Resend the code (possible in ${waitText(wait)})` : 'Resend the code'
        }</button>`,
        'id="resend-form"',
      )}
      <p class="hint" id="resend-hint">${
        wait > 0
          ? `A new code can be sent from ${date(resendAt)}; the last one keeps working until then.`
          : 'No email? Check the spam folder, or send a new code: it replaces the last one.'
      }</p>`,
    )
  }
  const hidden = (kind, label, resendAt) =>
    html`<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="label" value="${label}"><input
      type="hidden" name="resendAt" value="${resendAt}">`
  const sendCode = (ctx) =>
    mfa.sendVerificationCode(ctx.user.id, { channel: 'email', destination: ctx.user.email, purpose: PURPOSE })
  /** The answer to a send: the page, with the new code's notice or why none was sent. */
  const afterSend = async (ctx, kind, label, previous) => {
    const sent = await sendCode(ctx)
    if (sent.ok) {
      const text = `We sent a code to ${ctx.user.email}. It works until ${date(sent.expiresAt)}.`
      return page(ctx, { kind, label, resendAt: now() + sent.resendAfterMs, message: notice('ok', 'code_sent', text) })
    }
    const resendAt = sent.reason === 'locked' ? previous : now() + sent.retryAfterMs
    return page(ctx, { kind, label, resendAt, message: codeRefusal(sent) })
  }
  const readKind = (body) => (body.kind === 'key' ? 'key' : 'app')
  const readLabel = (body) => String(body.label ?? '').slice(0, 64) || KINDS[readKind(body)].label
  const readResendAt = (body) => Number(body.resendAt) || 0

  return {
    /** "Turn on MFA" with an app (`kind` `'app'`) or a key (`'key'`), once the password was checked: the first code goes out. */
    start: (ctx, label, kind = 'app') => afterSend(ctx, kind, label, 0),
    routes: {
      'POST /security/mfa/resend': (ctx, body) =>
        ctx.signedIn(async () => ctx.send(await afterSend(ctx, readKind(body), readLabel(body), readResendAt(body)))),
      'POST /security/mfa/identity': (ctx, body) =>
        ctx.signedIn(async () => {
          const kind = readKind(body)
          const label = readLabel(body)
          const checked = await mfa.checkVerificationCode(ctx.user.id, String(body.code ?? ''), {
            purpose: PURPOSE,
            proof: { bindTo: ctx.session.digest },
          })
          if (!checked.ok) {
            return ctx.send(page(ctx, { kind, label, resendAt: readResendAt(body), message: codeRefusal(checked) }))
          }
          // the proof is bound to this session and lives 10 minutes: the setup begins on it, here only
          const proof = { proof: checked.proof, maxAgeMs: IDENTITY_MAX_AGE_MS, bindTo: ctx.session.digest }
          return begin(ctx, label, proof, kind)
        }),
    },
  }
}
