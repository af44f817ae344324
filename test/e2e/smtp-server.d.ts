// Minimal types for smtp-server (the repo installs no @types for it): only what the console's SMTP e2e calls.
declare module 'smtp-server' {
  import type { Readable } from 'node:stream'

  interface Address {
    address: string
  }
  interface Session {
    envelope: { mailFrom: Address | false; rcptTo: Address[] }
  }
  interface Options {
    authOptional?: boolean
    disabledCommands?: string[]
    logger?: boolean
    onData?(stream: Readable, session: Session, callback: (error?: Error | null) => void): void
  }
  export class SMTPServer {
    constructor(options: Options)
    listen(port: number, host: string, callback?: () => void): void
    close(callback?: () => void): void
    server: import('node:net').Server
  }
}
