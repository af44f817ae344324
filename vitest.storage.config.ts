import { defineConfig } from 'vitest/config'
import { packageAliases } from './entries.mjs'

// The storage suites against real servers (test/storage): `npm run test:storage`. They start PostgreSQL and Redis
// themselves; missing binaries skip loudly, or fail when CI or MFA_REQUIRE_SERVERS=1 is set.
// MFA_STORAGE_TARGET=dist runs them against the built package instead of src/.
export default defineConfig({
  resolve: { alias: packageAliases(process.env.MFA_STORAGE_TARGET === 'dist' ? 'dist' : 'src') },
  test: {
    name: 'storage',
    include: ['test/storage/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/storage/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suites share two servers and two cores; the race suite forks 8 processes of its own.
    fileParallelism: false,
    coverage: {
      provider: 'v8',
      include: ['src/storage/**', 'src/testing/**'],
      exclude: ['src/storage/store.ts'],
      reportsDirectory: 'coverage/storage',
      reporter: ['text-summary'],
      thresholds: { branches: 85, lines: 95, functions: 95, statements: 95 },
    },
  },
})
