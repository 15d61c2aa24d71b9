import {
  type Answered,
  answered,
  asFirstAttempt,
  type Caller,
  type CallOptions,
  orThrow,
  type Page,
  type PageArgs,
  paginate,
  type Success,
  type WriteOptions,
} from '../call.ts';
import {
  ParkingLotCreateDocument,
  type ParkingLotCreateMutation,
  ParkingLotDeleteDocument,
  type ParkingLotDeleteMutation,
  ParkingLotsDocument,
  type ParkingLotsQuery,
  ParkingLotUpdateDocument,
  type ParkingLotUpdateMutation,
  TagCreateDocument,
  type TagCreateMutation,
  TagDeleteDocument,
  type TagDeleteMutation,
  TagsDocument,
  type TagsQuery,
  TagUpdateDocument,
  type TagUpdateMutation,
} from '../generated/graphql.ts';

export type ParkingLot = ParkingLotsQuery['parkingLots']['edges'][number]['node'];
export type ParkingLotResult = Success<ParkingLotCreateMutation['parkingLotCreate']>;
export type ParkingLotUpdateResult = Success<ParkingLotUpdateMutation['parkingLotUpdate']>;
export type ParkingLotDeleteResult = Success<ParkingLotDeleteMutation['parkingLotDelete']>;
export type Tag = TagsQuery['tags']['edges'][number]['node'];
export type TagResult = Success<TagCreateMutation['tagCreate']>;
export type TagUpdateResult = Success<TagUpdateMutation['tagUpdate']>;
export type TagDeleteResult = Success<TagDeleteMutation['tagDelete']>;

export function parkingLotsResource(caller: Caller) {
  const parkingLots = {
    /** One page of the organization's parking lots, by name. */
    list: async (args: PageArgs = {}, call?: CallOptions): Promise<Answered<Page<ParkingLot>>> => {
      const answer = await caller.query('parkingLots.list', ParkingLotsDocument, args, call);
      return answered(answer.data.parkingLots, answer);
    },
    /** Every parking lot, page after page. */
    all: (args: { pageSize?: number | undefined } = {}, call?: CallOptions): AsyncGenerator<ParkingLot> =>
      paginate((after) => parkingLots.list({ first: args.pageSize ?? 500, after }, call)),
    /** Adds a parking lot. Idempotent: a retry, or the same `idempotencyKey` again, returns the first one. */
    create: async (name: string, call?: WriteOptions): Promise<Answered<ParkingLotResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate('parkingLots.create', ParkingLotCreateDocument, { input: { name, idempotencyKey } }, call, {
        idempotent: true,
        idempotencyKey,
      });
      return asFirstAttempt(orThrow('parkingLots.create', answer.data.parkingLotCreate, answer), !call?.idempotencyKey);
    },
    rename: async (id: string, name: string, call?: CallOptions): Promise<Answered<ParkingLotUpdateResult>> => {
      const answer = await caller.mutate('parkingLots.rename', ParkingLotUpdateDocument, { id, input: { name } }, call, { idempotent: true });
      return orThrow('parkingLots.rename', answer.data.parkingLotUpdate, answer);
    },
    /** Deletes a parking lot; its profiles lose access to it. */
    delete: async (id: string, call?: CallOptions): Promise<Answered<ParkingLotDeleteResult>> => {
      const answer = await caller.mutate('parkingLots.delete', ParkingLotDeleteDocument, { id }, call, { idempotent: true });
      return orThrow('parkingLots.delete', answer.data.parkingLotDelete, answer);
    },
  };
  return parkingLots;
}

export function tagsResource(caller: Caller) {
  const tags = {
    /** One page of the organization's tags, by name. */
    list: async (args: PageArgs = {}, call?: CallOptions): Promise<Answered<Page<Tag>>> => {
      const answer = await caller.query('tags.list', TagsDocument, args, call);
      return answered(answer.data.tags, answer);
    },
    /** Every tag, page after page. */
    all: (args: { pageSize?: number | undefined } = {}, call?: CallOptions): AsyncGenerator<Tag> =>
      paginate((after) => tags.list({ first: args.pageSize ?? 500, after }, call)),
    /** Adds a tag. Idempotent: a retry, or the same `idempotencyKey` again, returns the first one. */
    create: async (name: string, call?: WriteOptions): Promise<Answered<TagResult>> => {
      const idempotencyKey = caller.key(call);
      const answer = await caller.mutate('tags.create', TagCreateDocument, { input: { name, idempotencyKey } }, call, { idempotent: true, idempotencyKey });
      return asFirstAttempt(orThrow('tags.create', answer.data.tagCreate, answer), !call?.idempotencyKey);
    },
    rename: async (id: string, name: string, call?: CallOptions): Promise<Answered<TagUpdateResult>> => {
      const answer = await caller.mutate('tags.rename', TagUpdateDocument, { id, input: { name } }, call, { idempotent: true });
      return orThrow('tags.rename', answer.data.tagUpdate, answer);
    },
    /** Deletes a tag; its profiles lose it. */
    delete: async (id: string, call?: CallOptions): Promise<Answered<TagDeleteResult>> => {
      const answer = await caller.mutate('tags.delete', TagDeleteDocument, { id }, call, { idempotent: true });
      return orThrow('tags.delete', answer.data.tagDelete, answer);
    },
  };
  return tags;
}

/** `parkpass.parkingLots`. */
export interface ParkingLotsResource extends ReturnType<typeof parkingLotsResource> {}
/** `parkpass.tags`. */
export interface TagsResource extends ReturnType<typeof tagsResource> {}
