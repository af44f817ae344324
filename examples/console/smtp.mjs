// Real email for the console: a mailer over nodemailer's SMTP transport, used when SMTP_URL is set (for example
// `smtp://user:pass@mail.example.com:587`, or `smtps://...:465`). Without it the console keeps its mail in the
// development outbox (mail.mjs) and sends nothing.
import nodemailer from 'nodemailer'

/**
 * A mailer (`send({ to, subject, text })`) that delivers through an SMTP server.
 *
 * @param url - the SMTP URL (nodemailer's connection URL)
 * @param from - the sender address
 * @returns `{ send, close }`
 */
export function smtpMailer(url, from = 'Example Cloud <no-reply@example.com>') {
  const transport = nodemailer.createTransport(url)
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text })
    },
    close: () => transport.close(),
  }
}
