import { defineConfig } from 'vitest/config'

// Two projects: fast unit tests, and integration tests that start real servers and processes on
// loopback. `npm test` runs both (see test/run-all.mjs).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 }
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests spawn servers and processes; two cores do not like running many at once.
          maxWorkers: 2,
          // Unit tests first, then integration tests (which start servers and processes).
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
