// Types of server.mjs, for the end-to-end test (test/e2e/console.test.ts) that starts the console in-process.
export declare const SUPPORT_EMAIL: string

export interface ConsoleOptions {
  /** TCP port on 127.0.0.1 (0: any free port; default 3000), served as http://localhost:<port>/. */
  port?: number
  /** The SQLite file and the generated encryption key live here (default examples/console/data/). */
  dataDir?: string
  /** A postgres:// URL (default: SQLite). */
  databaseUrl?: string
  /** A redis:// URL for the MFA records (default: the database). */
  redisUrl?: string
  /** The clock, in milliseconds since the Unix epoch (default Date.now). */
  now?: () => number
  /** The support account's password (default: random, returned). */
  supportPassword?: string
  /** 32 bytes in base64 sealing the MFA secrets (default: generated into dataDir). */
  encryptionKey?: string
  /** 32 bytes in base64 signing step-up proofs (default: generated into dataDir). */
  proofKey?: string
  /**
   * Sends the security notifications and verification codes (default: SMTP with `smtpUrl`, else the development
   * outbox at /dev/outbox, nothing sent).
   */
  mailer?: { send(message: { to: string; subject: string; text: string }): Promise<unknown> | unknown }
  /** Sends email through this SMTP server with nodemailer (e.g. `smtp://127.0.0.1:2525`), unless `mailer` is given. */
  smtpUrl?: string
  /**
   * Awaited once a request's form is read, before its route runs; may return a function called once the route has
   * answered. Tests slow the server down with it.
   */
  beforeRoute?: (
    request: import('node:http').IncomingMessage,
  ) => Promise<(() => void) | undefined> | (() => void) | undefined
  /** The host name security keys are registered to (default localhost; an IP address cannot be one). */
  rpId?: string
  /** The origins security keys may sign for (default `http://localhost:<port>`, or `https://<rpId>`). */
  origins?: string[]
}

export interface RunningConsole {
  url: string
  supportEmail: string
  supportPassword: string
  /** Where the data lives, as the page states it. */
  storage: string
  /** The host name security keys are registered to. */
  rpId: string
  close(): Promise<void>
}

export declare function startConsole(options?: ConsoleOptions): Promise<RunningConsole>
