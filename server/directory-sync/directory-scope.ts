import type { DirectoryInvitePolicy } from '../generated/prisma/enums.ts';
import type { AppSettings, OrganizationScope } from '../kernel/scope.ts';
import type { EntryInStatement } from './request-log.ts';

// What a SCIM request works with: the organization scope of its connection
// (writes are recorded as done by Parkpass, the summaries naming the
// connection), the connection itself, and what the request changed, in words,
// for the request log.

export interface DirectoryConnectionFacts {
  id: string;
  organizationId: string;
  name: string;
  invitePolicy: DirectoryInvitePolicy;
  goLiveAt: Date | null;
}

export interface DirectoryScope extends OrganizationScope {
  settings: AppSettings;
  connection: DirectoryConnectionFacts;
  /** The absolute base URL of /scim/v2, for `meta.location`. */
  baseUrl: string;
  /** What the request changed, in words (the request log's summary). */
  changes: string[];
  /**
   * The request, as its log entry names it. A statement that stores the entry itself (ownEntryWrites, in the same
   * round trip) sets `stored` to the status it stored once it succeeded; the entry is not written again after it.
   */
  request?: Pick<EntryInStatement, 'method' | 'resource' | 'started'> & { stored?: number };
}

/** How the connection is named in audit summaries. */
export const connectionWords = (connection: { name: string }) => `directory connection "${connection.name}"`;
