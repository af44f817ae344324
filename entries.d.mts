/** subpath (as imported, after `mfa-core`) -> [source file, built file without extension] */
export declare const ENTRIES: Record<string, [string, string]>
export declare function existingEntries(): [string, [string, string]][]
export declare function packageAliases(target: 'src' | 'dist'): { find: RegExp; replacement: string }[]
