export declare const serversRequired: boolean
export declare function findPostgres(): string | null
export declare function findRedis(): string | null
export declare function findMariaDB(): { server: string; install: string } | null
export declare function findRedisCli(): string | null
export declare function freePort(): Promise<number>

export interface ServerHandle {
  host: string
  port: number
  dir: string
  /** The running process's id (undefined before the first start). */
  readonly pid: number | undefined
  start(): Promise<void>
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  cleanup(): Promise<void>
}
export interface PostgresHandle extends ServerHandle {
  user: string
  database: string
  connectionString: string
}
export interface RedisHandle extends ServerHandle {
  url: string
}
export declare function startPostgres(options?: { bin?: string; port?: number }): Promise<PostgresHandle>
export declare function startRedis(options?: {
  bin?: string
  port?: number
  persist?: boolean
  extra?: string[]
}): Promise<RedisHandle>
export interface MariaDBHandle extends ServerHandle {
  user: string
  uri: string
}
export declare function startMariaDB(options?: {
  bins?: { server: string; install: string }
  port?: number
}): Promise<MariaDBHandle>
export interface RedisClusterHandle {
  nodes: RedisHandle[]
  ports: number[]
  startupNodes: { host: string; port: number }[]
  cleanup(): Promise<void>
}
export declare function startRedisCluster(options?: {
  bin?: string
  cli?: string
  masters?: number
  persist?: boolean
}): Promise<RedisClusterHandle>

export interface SkippedSuite {
  suite: string
  reason: string
}
export declare function recordSkipped(entries: SkippedSuite[], file?: string): void
export declare function readSkipped(file?: string): SkippedSuite[]
