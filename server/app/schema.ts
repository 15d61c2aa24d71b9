import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { lexicographicSortSchema, printSchema, specifiedDirectives } from 'graphql';
import { builder } from '../graphql/builder.ts';
import { documentGeneratedTypes } from './schema-docs.ts';
// Each module registers its types, queries and mutations on the builder.
import '../graphql/errors.graphql.ts';
import '../graphql/access.graphql.ts';
import '../admins/admin.graphql.ts';
import '../admins/admin-invitation.graphql.ts';
import '../auth/api-key.graphql.ts';
import '../auth/session.graphql.ts';
import '../auth/viewer.graphql.ts';
import '../organizations/organization.graphql.ts';
import '../organizations/parking-lots-and-tags.graphql.ts';
import '../invitations/invitation.graphql.ts';
import '../invitations/invitation-list.graphql.ts';
import '../profiles/profile.graphql.ts';
import '../profiles/profile-upsert.graphql.ts';
import '../profiles/profile-invite.graphql.ts';
import '../profiles/profile-bulk.graphql.ts';
import '../bulk-invitations/bulk-invitation.graphql.ts';
import '../invitations/invitation-accept.graphql.ts';
import '../invitations/invitation-renewal.graphql.ts';
import '../bulk-invitations/bulk-invitation-list.graphql.ts';
import '../audit/audit.graphql.ts';
import '../webhooks/webhook.graphql.ts';
import '../directory-sync/directory-sync.graphql.ts';

// @defer and @stream (incremental delivery, served by yoga's defer-stream plugin in yoga.ts) are part of the
// schema itself, so schema.graphql, codegen and the typed documents know them: a page of profiles asks its
// count in a deferred fragment and gets its rows first.
export const schema = documentGeneratedTypes(
  builder.toSchema({ sortSchema: true, directives: [...specifiedDirectives, GraphQLDeferDirective, GraphQLStreamDirective] }),
);

/** The SDL committed as schema.graphql. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
