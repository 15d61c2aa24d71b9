// The layers of server/, checked in CI (npm run lint → depcruise). What each
// rule holds and what imports cannot show is in docs/architecture.md, "The layer check".

/** Everything of GraphQL: the libraries, the schema modules, the app and its context. */
const GRAPHQL = [
  '^node_modules/(graphql|graphql-yoga|@pothos|@envelop|@escape\\.tech)/',
  '^server/.+\\.graphql\\.ts$',
  '^server/(builder|schema|schema-docs|yoga|context)\\.ts$',
  '^server/errors/(graphql-errors|mask-error)\\.ts$',
  '^server/access/refusals\\.ts$',
];

/** The services: where the rules live. */
const SERVICES = ['^server/.+-service\\.ts$', '^server/email/(?!mailbox-page\\.ts$).+\\.ts$', '^server/profiles/profile-(search|queries|filter)\\.ts$'];

/** The database bootstrap (server, worker, operator commands, tests, benches all start here). */
const BOOTSTRAP = '^server/database/(index|connections|embedded-postgres|migrate|prisma|job-queue-schema|paths|free-port)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'services-import-no-graphql',
      comment: 'Services and email hold the rules; they take a scope (server/scope.ts), never a GraphQL context, and raise domain errors, never GraphQL errors.',
      severity: 'error',
      from: { path: SERVICES, pathNot: '\\.test\\.ts$' },
      to: { path: GRAPHQL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'services-reach-no-schema',
      comment: 'Not even through another module: nothing a service imports leads to a schema module, the builder or the app.',
      severity: 'error',
      from: { path: SERVICES, pathNot: '\\.test\\.ts$' },
      to: { path: ['^server/.+\\.graphql\\.ts$', '^server/(builder|schema|yoga|context)\\.ts$'], reachable: true },
    },
    {
      name: 'bootstrap-imports-no-domain',
      comment: 'The database bootstrap knows the database only: no domain module, no job runner (the queue schema is job-queue-schema.ts).',
      severity: 'error',
      from: { path: BOOTSTRAP },
      to: { path: '^server/', pathNot: ['^server/database/', '^server/generated/', '^server/config\\.ts$', '^server/sha256\\.ts$'] },
    },
    {
      name: 'bootstrap-reaches-no-worker',
      severity: 'error',
      from: { path: BOOTSTRAP },
      to: { path: ['^server/jobs/worker\\.ts$', '^server/worker-main\\.ts$'], reachable: true },
    },
    {
      name: 'resolvers-reach-the-database-through-services',
      comment:
        'Schema modules import no database client, bootstrap or raw SQL helper: they read through the request scope (context.scope.db, confined to the organization) or call a service. Type-only imports of Prisma types are fine.',
      severity: 'error',
      from: { path: '^server/.+\\.graphql\\.ts$' },
      to: {
        path: ['^server/database/(?!confined-client\\.ts$)', '^server/profiles/profile-(queries|filter)\\.ts$', '^server/jobs/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^server/', pathNot: ['\\.test\\.ts$', '^server/test/'] },
      to: { path: ['^server/test/', '\\.test\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^server/generated/', '^sdk/dist/', '^admin/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
