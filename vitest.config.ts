import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Pothos and graphql-yoga load graphql's CommonJS build; make the tests use the same
    // copy, or graphql's instanceof checks see two modules.
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['server/**/*.test.ts', 'sdk/test/**/*.test.ts', 'admin/test/**/*.test.ts'],
    // The SDK's tests use its build (sdk/dist), as an outside app would; the production tests, the server's (dist/server);
    // the admin UI's browser tests click its build (admin/dist), built when stale.
    globalSetup: ['server/test/global-setup.ts', 'sdk/test/build-sdk.ts', 'server/test/build-server.ts', 'admin/test/build-admin.ts'],
    // Each test file gets its own database, cloned from a migrated template.
    pool: 'forks',
    testTimeout: 30_000,
    // A busy machine (CI beside other jobs) can take seconds to settle a click; polls wait up to 10 s rather than 1 s.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
  },
});
