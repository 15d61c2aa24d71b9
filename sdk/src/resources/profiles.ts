import {
  type Answered,
  type ReadonlyLists,
  answered,
  asFirstAttempt,
  type Caller,
  type CallOptions,
  notFound,
  type NonNull,
  orThrow,
  type Page,
  type PageArgs,
  type PageRows,
  paginate,
  type Success,
  type WriteOptions,
} from '../call.ts';
import { ParkpassError } from '../errors.ts';
import { type Selection, selectionArguments } from './invitations.ts';
import {
  ProfileByExternalIdDocument,
  ProfileCountDocument,
  type ProfileCountQuery,
  ProfileCountsDocument,
  type ProfileCountsQuery,
  type ProfileCreateInput,
  ProfileCreateDocument,
  type ProfileCreateMutation,
  ProfileDeleteDocument,
  type ProfileDeleteMutation,
  ProfileDocument,
  type ProfileFieldsFragment,
  type ProfileFilter,
  ProfileInvitationsDocument,
  type ProfileInvitationsQuery,
  type ProfileOrder,
  ProfilesDeleteDocument,
  type ProfilesDeleteMutation,
  ProfilesDocument,
  ProfilesPageDocument,
  ProfilesUpdateAccessDocument,
  type ProfilesUpdateAccessInput,
  type ProfilesUpdateAccessMutation,
  ProfilesUpsertDocument,
  type ProfilesUpsertMutation,
  type ProfileUpdateInput,
  ProfileUpdateDocument,
  type ProfileUpdateMutation,
  type ProfileUpsertInput,
} from '../generated/graphql.ts';

export type Profile = ProfileFieldsFragment;
/** A profile search filter (`ProfileFilter`) whose lists may be readonly. */
export type ProfileFilterInput = ReadonlyLists<ProfileFilter>;
export type ProfileCounts = ProfileCountsQuery['profileCounts'];
/** A bounded count: exact up to its limit (precision EXACT), or the limit itself when more match (AT_LEAST). */
export type ProfileCount = ProfileCountQuery['profiles']['count'];
export type ProfileResult = Success<ProfileCreateMutation['profileCreate']>;
export type ProfileUpdateResult = Success<ProfileUpdateMutation['profileUpdate']>;
export type ProfileDeleteResult = Success<ProfileDeleteMutation['profileDelete']>;
export type UpsertResult = Success<ProfilesUpsertMutation['profilesUpsert']>;
export type UpdateAccessManyResult = Success<ProfilesUpdateAccessMutation['profilesUpdateAccess']>;
export type DeleteManyResult = Success<ProfilesDeleteMutation['profilesDelete']>;
/** What `profiles.updateAccessMany` adds and takes away (global ids of parking lots and tags, payment methods). */
export type AccessChange = ReadonlyLists<Omit<ProfilesUpdateAccessInput, 'profileIds' | 'filter' | 'idempotencyKey'>>;
/** A bulk write's options: `dryRun: true` answers what it would do, writing nothing. */
export type BulkWriteOptions = WriteOptions & { dryRun?: boolean | undefined };
export type UpsertRow = UpsertResult['results'][number];
export type UpsertRowError = NonNull<UpsertRow['error']>;
export type Invitation = NonNull<ProfileInvitationsQuery['profile']>['invitations']['edges'][number]['node'];

/** The sum of one `profiles.upsertAll` run over every batch. */
export interface UpsertAllResult {
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  failedCount: number;
  /** One per input row, in input order; `index`, an error's `path` and a duplicate's `otherIndex` are positions in the whole input. */
  results: UpsertRow[];
}

/**
 * `profiles.upsertAll` stopped part way: a batch failed (its error's `code`,
 * `requestId`… are this error's). `written` holds the rows of the batches
 * answered before it, as a finished run would; rows from `firstUnwrittenIndex`
 * on were not written, or (the failing batch, when no answer came) may have
 * been. Rows are matched by externalId: run the same rows again to finish.
 */
export class UpsertAllError extends ParkpassError {
  /** The rows written, with their results: every row before `firstUnwrittenIndex`. */
  readonly written: UpsertAllResult;
  /** The position of the first row not known to be written. */
  readonly firstUnwrittenIndex: number;

  constructor(cause: ParkpassError, written: UpsertAllResult, firstUnwrittenIndex: number, total: number) {
    super({
      code: cause.code,
      operation: 'profiles.upsertAll',
      message:
        `${firstUnwrittenIndex === 0 ? 'no row' : `rows 0–${firstUnwrittenIndex - 1}`} of ${total} written; the batch from row ${firstUnwrittenIndex} failed ` +
        `(${cause.message}) and later rows were not sent. Run the same rows again to finish (rows are matched by externalId).`,
      requestId: cause.requestId,
      status: cause.status,
      attempts: cause.attempts,
      details: cause.details,
      cause,
    });
    this.written = written;
    this.firstUnwrittenIndex = firstUnwrittenIndex;
  }
}

const MAX_UPSERT_BATCH = 5000;

/** A row's result with its positions moved from the batch to the whole input. */
function inInput(row: UpsertRow, start: number): UpsertRow {
  if (start === 0) return row;
  const error = row.error && {
    ...row.error,
    path: row.error.path.map((part, at) => (at === 2 && row.error?.path[1] === 'profiles' && /^\d+$/.test(part) ? String(Number(part) + start) : part)),
    message: row.error.message.replace(/^Row (\d+) of this batch/, (_all, other: string) => `Row ${Number(other) + start} of the input`),
    ...(row.error.__typename === 'DuplicateInBatch' ? { otherIndex: row.error.otherIndex + start } : {}),
  };
  return { ...row, index: row.index + start, error: error as UpsertRow['error'] };
}

export function profilesResource(caller: Caller) {
  const profiles = {
    /**
     * One page of the organization's profiles matching the filter, with `totalCount`: exact, so at a million profiles
     * a broad filter's page waits a second for it. For a list with its number, ask `page` and `count` side by side.
     */
    search: async (
      args: { filter?: ProfileFilterInput | undefined; orderBy?: ProfileOrder | undefined } & PageArgs = {},
      call?: CallOptions,
    ): Promise<Answered<Page<Profile>>> => {
      const answer = await caller.query('profiles.search', ProfilesDocument, { ...args, filter: args.filter as ProfileFilter | undefined }, call);
      return answered(answer.data.profiles, answer);
    },
    /** One page of the organization's profiles matching the filter, without a count: it never waits for one. */
    page: async (
      args: { filter?: ProfileFilterInput | undefined; orderBy?: ProfileOrder | undefined } & PageArgs = {},
      call?: CallOptions,
    ): Promise<Answered<PageRows<Profile>>> => {
      const answer = await caller.query('profiles.page', ProfilesPageDocument, { ...args, filter: args.filter as ProfileFilter | undefined }, call);
      return answered(answer.data.profiles, answer);
    },
    /**
     * How many profiles match the filter, exact up to `limit` (default 10,000, at most 100,000) and "at least `limit`"
     * beyond: as fast at a million profiles as at a thousand. Sent beside `page`, the rows never wait for it.
     */
    count: async (filter?: ProfileFilterInput, options: { limit?: number } = {}, call?: CallOptions): Promise<Answered<ProfileCount>> => {
      const answer = await caller.query('profiles.count', ProfileCountDocument, { filter: filter as ProfileFilter | undefined, limit: options.limit }, call);
      return answered(answer.data.profiles.count, answer);
    },
    /** Every profile matching the filter, page after page (no count asked). */
    all: (
      args: { filter?: ProfileFilterInput | undefined; orderBy?: ProfileOrder | undefined; pageSize?: number | undefined } = {},
      call?: CallOptions,
    ): AsyncGenerator<Profile> => paginate((after) => profiles.page({ filter: args.filter, orderBy: args.orderBy, first: args.pageSize ?? 200, after }, call)),
    /** How many profiles match the filter, by status (the admin UI's Status column). */
    counts: async (filter?: ProfileFilterInput, call?: CallOptions): Promise<Answered<ProfileCounts>> => {
      const answer = await caller.query('profiles.counts', ProfileCountsDocument, { filter: filter as ProfileFilter | undefined }, call);
      return answered(answer.data.profileCounts, answer);
    },
    /** One profile by global id; throws NOT_FOUND when the organization has none. */
    get: async (id: string, call?: CallOptions): Promise<Answered<Profile>> => {
      const answer = await caller.query('profiles.get', ProfileDocument, { id }, call);
      if (!answer.data.profile) throw notFound('profiles.get', 'profile', answer);
      return answered(answer.data.profile, answer);
    },
    /** One profile by your own id (exact, case-sensitive); null when none has it. */
    findByExternalId: async (externalId: string, call?: CallOptions): Promise<Answered<Profile> | null> => {
      const answer = await caller.query('profiles.findByExternalId', ProfileByExternalIdDocument, { externalId }, call);
      return answer.data.profileByExternalId && answered(answer.data.profileByExternalId, answer);
    },
    /** One page of a profile's invitations, newest first; throws NOT_FOUND for an unknown profile. */
    invitations: async (profileId: string, args: PageArgs = {}, call?: CallOptions): Promise<Answered<Page<Invitation>>> => {
      const answer = await caller.query('profiles.invitations', ProfileInvitationsDocument, { profileId, ...args }, call);
      if (!answer.data.profile) throw notFound('profiles.invitations', 'profile', answer);
      return answered(answer.data.profile.invitations, answer);
    },
    /** Every invitation of a profile, page after page. */
    allInvitations: (profileId: string, args: { pageSize?: number | undefined } = {}, call?: CallOptions): AsyncGenerator<Invitation> =>
      paginate((after) => profiles.invitations(profileId, { first: args.pageSize ?? 100, after }, call)),
    /** Creates a profile (NOT_INVITED). Idempotent: a retry, or the same `idempotencyKey` again, returns the first one. */
    create: async (input: Omit<ProfileCreateInput, 'idempotencyKey'>, call?: WriteOptions): Promise<Answered<ProfileResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate('profiles.create', ProfileCreateDocument, { input: { ...input, idempotencyKey } }, call, {
        idempotent: true,
        idempotencyKey,
      });
      return asFirstAttempt(orThrow('profiles.create', answer.data.profileCreate, answer), !call?.idempotencyKey);
    },
    /** Changes the fields given (null clears an optional one). */
    update: async (id: string, input: ProfileUpdateInput, call?: CallOptions): Promise<Answered<ProfileUpdateResult>> => {
      const answer = await caller.mutate('profiles.update', ProfileUpdateDocument, { id, input }, call, { idempotent: true });
      return orThrow('profiles.update', answer.data.profileUpdate, answer);
    },
    /** Deletes a profile and its invitations. */
    delete: async (id: string, call?: CallOptions): Promise<Answered<ProfileDeleteResult>> => {
      const answer = await caller.mutate('profiles.delete', ProfileDeleteDocument, { id }, call, { idempotent: true });
      return orThrow('profiles.delete', answer.data.profileDelete, answer);
    },
    /**
     * Adds and removes parking lots, tags and payment methods on every profile of the selection, in one transaction (all
     * or none). `dryRun: true` answers the same counts without writing (a preview). Idempotent: a retry, or the same
     * `idempotencyKey` again, answers the first result (`replayed: true` when an earlier call made it).
     */
    updateAccessMany: async (selection: Selection, change: AccessChange, call: BulkWriteOptions = {}): Promise<Answered<UpdateAccessManyResult>> => {
      const idempotencyKey = caller.key(call);
      const lists = Object.fromEntries(Object.entries(change).map(([name, list]) => [name, list ? [...list] : list]));
      const answer = await caller.mutate(
        'profiles.updateAccessMany',
        ProfilesUpdateAccessDocument,
        { input: { ...selectionArguments(selection), ...lists, idempotencyKey }, dryRun: call.dryRun ?? false },
        call,
        { idempotent: true, idempotencyKey },
      );
      return asFirstAttempt(orThrow('profiles.updateAccessMany', answer.data.profilesUpdateAccess, answer), !call.idempotencyKey);
    },
    /**
     * Deletes every profile of the selection with its invitations, in one transaction (all or none). `dryRun: true`
     * counts them without deleting. Idempotent like updateAccessMany: a retry deletes nobody who came to match since.
     */
    deleteMany: async (selection: Selection, call: BulkWriteOptions = {}): Promise<Answered<DeleteManyResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate(
        'profiles.deleteMany',
        ProfilesDeleteDocument,
        { input: { ...selectionArguments(selection), idempotencyKey }, dryRun: call.dryRun ?? false },
        call,
        { idempotent: true, idempotencyKey },
      );
      return asFirstAttempt(orThrow('profiles.deleteMany', answer.data.profilesDelete, answer), !call.idempotencyKey);
    },
    /** Creates or updates up to 5,000 profiles by externalId in one call. */
    upsert: async (rows: readonly ProfileUpsertInput[], call?: CallOptions): Promise<Answered<UpsertResult>> => {
      // Idempotent: rows are matched by externalId, so sending them twice gives the same profiles (the second time UNCHANGED).
      const answer = await caller.mutate('profiles.upsert', ProfilesUpsertDocument, { input: { profiles: [...rows] } }, call, { idempotent: true });
      return orThrow('profiles.upsert', answer.data.profilesUpsert, answer);
    },
    /**
     * The same for any number of rows, in batches of `batchSize` (default 5,000), one after another. A batch that
     * fails throws UpsertAllError, which says which rows were written.
     */
    upsertAll: async (rows: readonly ProfileUpsertInput[], call: CallOptions & { batchSize?: number | undefined } = {}): Promise<UpsertAllResult> => {
      const size = Math.min(Math.max(1, call.batchSize ?? MAX_UPSERT_BATCH), MAX_UPSERT_BATCH);
      const total: UpsertAllResult = { createdCount: 0, updatedCount: 0, unchangedCount: 0, failedCount: 0, results: [] };
      for (let start = 0; start < rows.length; start += size) {
        let batch: UpsertResult;
        try {
          batch = await profiles.upsert(rows.slice(start, start + size), call);
        } catch (error) {
          if (error instanceof ParkpassError) throw new UpsertAllError(error, total, start, rows.length);
          throw error;
        }
        total.createdCount += batch.createdCount;
        total.updatedCount += batch.updatedCount;
        total.unchangedCount += batch.unchangedCount;
        total.failedCount += batch.failedCount;
        for (const row of batch.results) total.results.push(inInput(row, start));
      }
      return total;
    },
  };
  return profiles;
}

/** `parkpass.profiles`. */
export interface ProfilesResource extends ReturnType<typeof profilesResource> {}
