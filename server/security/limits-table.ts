import { MAX_OPEN_ADMIN_INVITATIONS, MAX_UPSERT_BATCH } from '../kernel/limits.ts';
import { PUBLIC_OPERATION_LIMITS, REQUEST_LIMITS } from '../kernel/limits.ts';
import { requestRefusalCodes } from '../kernel/request-refusals.ts';

const n = (value: number) => value.toLocaleString('en-US');

/** The limits as Markdown, for docs/operations.md, "Limits on one request" (a test keeps the two equal). */
export function limitsTableMarkdown(): string {
  const rows: [string, string, string][] = [
    ['request body', `${n(REQUEST_LIMITS.bodyBytes / 1024 / 1024)} MiB (read no further)`, '`REQUEST_TOO_LARGE` (413)'],
    ['tokens in the document', n(REQUEST_LIMITS.tokens), '`TOO_MANY_TOKENS`'],
    ['depth of the selection (fragments flattened, introspection exempt)', n(REQUEST_LIMITS.depth), '`QUERY_TOO_DEEP`'],
    ['brackets `{ [ (` open at once in the document, values included (checked before parsing)', n(REQUEST_LIMITS.nesting), '`QUERY_TOO_DEEP`'],
    ['aliases', n(REQUEST_LIMITS.aliases), '`TOO_MANY_ALIASES`'],
    ['directives', n(REQUEST_LIMITS.directives), '`TOO_MANY_DIRECTIVES`'],
    ['cost of one operation (points)', n(REQUEST_LIMITS.cost), '`QUERY_TOO_COSTLY`'],
    ['`first` / `last` of a connection', n(REQUEST_LIMITS.pageSize), '`PAGE_SIZE_TOO_LARGE`'],
    ['ids in `nodes(ids:)`', n(REQUEST_LIMITS.nodeIds), '`LIST_TOO_LONG`'],
    ['`profileIds` of `profilesInvitePreview`', "the caller's plan's largest bulk invitation", '`LIST_TOO_LONG`'],
    ['`profileIds` of `profilesInvite`', "the caller's plan's largest bulk invitation", '`SelectionTooLarge` (typed result)'],
    ['profiles selected by `invitationsRevoke`', "the caller's plan's largest bulk invitation", '`SelectionTooLarge` (typed result)'],
    [
      'profiles selected by `profilesUpdateAccess`, `profilesDelete`',
      "the caller's plan's largest bulk change (`Viewer.maxBulkEditSize`)",
      '`SelectionTooLarge` (typed result)',
    ],
    ['any other list argument', n(REQUEST_LIMITS.listItems), '`LIST_TOO_LONG`'],
    ['rows of `profilesUpsert`', n(MAX_UPSERT_BATCH), '`BatchTooLarge` (typed result)'],
    ['open admin invitations of an organization', n(MAX_OPEN_ADMIN_INVITATIONS), '`AdminInvitationLimitReached` (typed result)'],
    ...(Object.entries(PUBLIC_OPERATION_LIMITS).map(([operation, perMinute]) => [
      `\`${operation}\` calls per address`,
      `${n(perMinute)} a minute`,
      '`RATE_LIMITED` (429)',
    ]) as [string, string, string][]),
  ];
  return ['| limit | value | refusal |', '| --- | --- | --- |', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The refusal codes of request-refusals.ts as Markdown, for docs/operations.md (a test keeps the two equal). */
export function refusalCodesMarkdown(): string {
  return ['| code | meaning |', '| --- | --- |', ...Object.entries(requestRefusalCodes).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`)].join('\n');
}
