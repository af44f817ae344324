// Minimal types for the two drivers the storage suites use (the repo installs no @types for them). Only what the
// suites and docs/storage.md call. Delete this file if @types/better-sqlite3 and @types/pg are ever installed.
declare module 'better-sqlite3' {
  namespace Database {
    interface Statement {
      readonly reader: boolean
      all(...params: unknown[]): unknown[]
      get(...params: unknown[]): unknown
      run(...params: unknown[]): { changes: number }
    }
    interface Options {
      timeout?: number
    }
  }
  class Database {
    constructor(path: string, options?: Database.Options)
    prepare(sql: string): Database.Statement
    pragma(text: string): unknown
    exec(sql: string): this
    close(): void
  }
  export = Database
}

declare module 'pg' {
  export interface QueryResult {
    rows: Record<string, unknown>[]
    rowCount: number | null
  }
  export interface PoolConfig {
    connectionString?: string
    max?: number
    statement_timeout?: number
    query_timeout?: number
    connectionTimeoutMillis?: number
    idleTimeoutMillis?: number
  }
  export class Pool {
    constructor(config?: PoolConfig)
    query(sql: string, params?: unknown[]): Promise<QueryResult>
    connect(): Promise<PoolClient>
    on(event: 'error', listener: (error: Error) => void): this
    end(): Promise<void>
  }
  export interface PoolClient {
    query(sql: string, params?: unknown[]): Promise<QueryResult>
    release(destroy?: boolean): void
  }
  export class Client {
    constructor(config?: PoolConfig)
    connect(): Promise<void>
    query(sql: string, params?: unknown[]): Promise<QueryResult>
    on(event: 'error', listener: (error: Error) => void): this
    end(): Promise<void>
  }
  const pg: { Pool: typeof Pool; Client: typeof Client }
  export default pg
}
