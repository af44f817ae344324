import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'
import { existingEntries } from './entries.mjs'

const entry = Object.fromEntries(existingEntries().map(([, [source, built]]) => [built.slice('dist/'.length), source]))

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig([
  {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    // keep the CLI's files: the configs build in parallel, and the CLI build may finish first
    clean: ['!cli.js', '!cli.js.map'],
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    minify: false,
  },
  {
    // the `mfa-core` bin (Node only); it imports the package by its own name, so it runs on the built library
    entry: { cli: 'cli/mfa-core.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    external: ['mfa-core', 'mfa-core/qr', 'mfa-core/testing'],
    banner: { js: '#!/usr/bin/env node' },
    define: { __MFA_CORE_VERSION__: JSON.stringify(version) },
    sourcemap: true,
    splitting: false,
    minify: false,
  },
])
