// The layers of server/, checked in CI (npm run lint → depcruise), by folder.
// docs/architecture.md draws them; what imports cannot show is written there.
//
//   app, pages, operator, seed, tools   the wiring: yoga, the schema's assembly, the worker's tasks, commands
//   directory-sync … access             the domains, each above the ones listed after it in DOMAINS
//   graphql, security, i18n             the schema kit (builder, context type, error types), request limits, languages
//   outbox                              emails, webhook events, jobs and progress notices written in the causing transaction
//   database, observability             connections, migrations, the tenant-confined client, request ids
//   kernel                              scope and clock, error catalogue, global ids, actor, policy, limits, settings

/** The domains, highest first: a domain may import only the ones after it, and only through their public entry. */
const DOMAINS = [
  'directory-sync',
  'bulk-invitations',
  'email',
  'profiles',
  'invitations',
  'admins',
  'auth',
  'webhooks',
  'organizations',
  'audit',
];

/** The wiring: free to import anything below it; nothing below imports it. */
const WIRING = ['app', 'pages', 'operator', 'seed', 'tools'];

/** Below every domain. */
const PLATFORM = ['kernel', 'database', 'observability', 'outbox', 'graphql', 'security', 'i18n'];

const folders = (names) => `^server/(${names.join('|')})/`;

/** Everything of GraphQL: the libraries, the schema modules, the schema kit. */
const GRAPHQL = ['^node_modules/(graphql|graphql-yoga|@pothos|@envelop|@escape\\.tech)/', '^server/.+\\.graphql\\.ts$', '^server/graphql/'];

/** A domain's rules: every module of a domain folder that is not a schema module. */
const DOMAIN_SERVICES = `${folders(DOMAINS)}(?!.+\\.graphql\\.ts$).+\\.ts$`;

/** The database bootstrap (server, worker, operator commands, tests, benches all start here). */
const BOOTSTRAP = '^server/database/(index|connections|embedded-postgres|migrate|prisma|job-queue-schema|paths|free-port)\\.ts$';

const NOT_TESTS = ['\\.test\\.ts$', '^server/test/'];

/** One rule per domain: it imports no domain above it (so the graph of domains has no cycle). */
const domainOrder = DOMAINS.slice(1).map((domain, index) => ({
  name: `domain-order-${domain}`,
  comment: `${domain} is below ${DOMAINS.slice(0, index + 1).join(', ')}: it imports none of them (a domain above calls it, or the wiring does).`,
  severity: 'error',
  from: { path: `^server/${domain}/`, pathNot: NOT_TESTS },
  to: { path: folders(DOMAINS.slice(0, index + 1)) },
}));

module.exports = {
  forbidden: [
    {
      name: 'kernel-is-the-bottom',
      comment: 'The kernel imports nothing of the server but itself and the generated Prisma types (and, as types only, the database client it names).',
      severity: 'error',
      from: { path: '^server/kernel/', pathNot: NOT_TESTS },
      to: { path: '^server/', pathNot: ['^server/kernel/', '^server/generated/', '^server/database/'] },
    },
    {
      name: 'kernel-names-the-database-only-as-a-type',
      severity: 'error',
      from: { path: '^server/kernel/', pathNot: NOT_TESTS },
      to: { path: '^server/database/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'platform-imports-no-domain',
      comment: 'The kernel, database, outbox, schema kit, limits and languages serve every domain and know none of them (nor the wiring).',
      severity: 'error',
      from: { path: folders(PLATFORM), pathNot: NOT_TESTS },
      to: { path: [folders(DOMAINS), folders(WIRING)] },
    },
    {
      name: 'outbox-writes-only',
      comment: 'The outbox writes rows and jobs for the domains; it imports no schema kit, limits or languages.',
      severity: 'error',
      from: { path: '^server/outbox/', pathNot: NOT_TESTS },
      to: { path: folders(['graphql', 'security', 'i18n', 'observability']) },
    },
    {
      name: 'domains-enqueue-through-the-outbox',
      comment: 'A domain writes no email, webhook event, job or progress notice itself: it calls enqueue (server/outbox/index.ts).',
      severity: 'error',
      from: { path: folders(DOMAINS), pathNot: NOT_TESTS },
      to: { path: '^server/outbox/(?!index\\.ts$)' },
    },
    {
      name: 'domains-import-no-wiring',
      comment: 'A domain never imports the wiring (yoga, the schema assembly, the worker, pages, commands); the wiring imports it.',
      severity: 'error',
      from: { path: folders(DOMAINS), pathNot: NOT_TESTS },
      to: { path: folders(WIRING) },
    },
    {
      name: 'domains-meet-through-their-entry',
      comment:
        "A domain reaches another only through its public entry, index.ts (services, rules, types). Schema modules may also import another domain's schema modules (*.graphql.ts): the GraphQL types are public by nature.",
      severity: 'error',
      from: { path: `${folders(DOMAINS)}[^/]+(?<!\\.graphql\\.ts)$`, pathNot: NOT_TESTS },
      to: { path: folders(DOMAINS), pathNot: ['^server/$1/', `${folders(DOMAINS)}index\\.ts$`] },
    },
    {
      name: 'schema-modules-meet-through-entry-or-schema',
      severity: 'error',
      from: { path: `${folders(DOMAINS)}[^/]+\\.graphql\\.ts$` },
      to: { path: folders(DOMAINS), pathNot: ['^server/$1/', `${folders(DOMAINS)}(index|[^/]+\\.graphql)\\.ts$`] },
    },
    ...domainOrder,
    {
      name: 'services-import-no-graphql',
      comment: "A domain's rules take a scope (server/kernel/scope.ts), never a GraphQL context, and raise domain errors, never GraphQL errors.",
      severity: 'error',
      from: { path: DOMAIN_SERVICES, pathNot: NOT_TESTS },
      to: { path: GRAPHQL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'services-reach-no-schema',
      comment: 'Not even through another module: nothing a domain service imports leads to a schema module, the builder or the app.',
      severity: 'error',
      from: { path: DOMAIN_SERVICES, pathNot: NOT_TESTS },
      to: { path: ['^server/.+\\.graphql\\.ts$', '^server/graphql/builder\\.ts$', '^server/app/'], reachable: true },
    },
    {
      name: 'bootstrap-imports-no-domain',
      comment: 'The database bootstrap knows the database only: no domain module, no job runner (the queue schema is job-queue-schema.ts).',
      severity: 'error',
      from: { path: BOOTSTRAP },
      // The one logger, the metrics and the tracer are below it: connections log, count their pools and trace their SQL.
      to: { path: '^server/', pathNot: ['^server/database/', '^server/generated/', '^server/kernel/(config|sha256)\\.ts$', '^server/observability/(log|metrics|tracing)\\.ts$'] },
    },
    {
      name: 'bootstrap-reaches-no-worker',
      severity: 'error',
      from: { path: BOOTSTRAP },
      to: { path: ['^server/app/'], reachable: true },
    },
    {
      name: 'resolvers-reach-the-database-through-services',
      comment:
        'Schema modules import no database client, bootstrap, raw SQL helper or outbox: they read through the request scope (context.scope.db, confined to the organization) or call a service. Type-only imports of Prisma types are fine.',
      severity: 'error',
      // The cursor module is the connection's, not a resolver: it reads how many keys an order has.
      from: { path: '^server/.+\\.graphql\\.ts$', pathNot: '^server/profiles/profile-cursor\\.graphql\\.ts$' },
      to: {
        path: ['^server/database/(?!confined-client\\.ts$)', '^server/profiles/profile-(queries|filter)\\.ts$', '^server/outbox/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'every-server-module-in-a-layer',
      comment: 'A new folder of server/ is put in a layer above (DOMAINS, WIRING or PLATFORM), so the rules see it.',
      severity: 'error',
      from: { path: '^server/', pathNot: [folders([...DOMAINS, ...WIRING, ...PLATFORM, 'test', 'generated'])] },
      to: {},
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^server/', pathNot: NOT_TESTS },
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
