import { globalIdOf } from '../kernel/global-ids.ts';
import { accessRefusals } from '../graphql/access.graphql.ts';
import { wasReplayed } from '../kernel/idempotency.ts';
import { builder } from '../graphql/builder.ts';
import { IdempotencyKeyReusedError, InvalidInputError, NameAlreadyUsedError, NotFoundError } from '../kernel/errors.ts';
import { idempotencyKeyDescription } from '../kernel/idempotency.ts';
import type { ParkingLot, Tag } from '../generated/prisma/client.ts';
import { ParkingLotRef, TagRef } from './organization.graphql.ts';
import { createLotOrTag, deleteLotOrTag, MAX_LOT_OR_TAG_NAME_LENGTH, renameLotOrTag } from './parking-lot-and-tag-service.ts';

// Creating, renaming and deleting parking lots and tags (Settings in the admin UI).

const nameDescription = `The name (1 to ${MAX_LOT_OR_TAG_NAME_LENGTH} characters), unique in the organization; "North lot" and "north LOT" are the same name.`;

const keyDescription = (what: string) => `${idempotencyKeyDescription(what)} Only parking lot and tag creates read it; a rename ignores it.`;

const ParkingLotInput = builder.inputType('ParkingLotInput', {
  description: 'A parking lot: its name.',
  fields: (t) => ({
    name: t.string({ required: true, description: nameDescription }),
    idempotencyKey: t.string({ description: keyDescription('parking lot') }),
  }),
});

const TagInput = builder.inputType('TagInput', {
  description: 'A tag: its name.',
  fields: (t) => ({
    name: t.string({ required: true, description: nameDescription }),
    idempotencyKey: t.string({ description: keyDescription('tag') }),
  }),
});

const ParkingLotPayload = builder.objectRef<{ parkingLot: ParkingLot }>('ParkingLotPayload').implement({
  description: 'The parking lot as it now is.',
  fields: (t) => ({
    parkingLot: t.field({ type: ParkingLotRef, description: 'The parking lot.', resolve: (payload) => payload.parkingLot }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.',
      resolve: (payload) => wasReplayed(payload.parkingLot),
    }),
  }),
});

const TagPayload = builder.objectRef<{ tag: Tag }>('TagPayload').implement({
  description: 'The tag as it now is.',
  fields: (t) => ({
    tag: t.field({ type: TagRef, description: 'The tag.', resolve: (payload) => payload.tag }),
    replayed: t.boolean({
      description: 'True when an earlier request with the same idempotency key created it and this is that result again; nothing new was created.',
      resolve: (payload) => wasReplayed(payload.tag),
    }),
  }),
});

type Deleted = { id: string; name: string; profileCount: number };

const ParkingLotDeletePayload = builder.objectRef<Deleted>('ParkingLotDeletePayload').implement({
  description: 'The parking lot was deleted; the profiles that had access to it lost that access.',
  fields: (t) => ({
    deletedParkingLotId: t.id({ description: 'Global id of the deleted parking lot.', resolve: (deleted) => globalIdOf('ParkingLot', deleted.id) }),
    name: t.exposeString('name', { description: 'Its name.' }),
    profileCount: t.exposeInt('profileCount', { description: 'How many profiles had access to it (and no longer do).' }),
  }),
});

const TagDeletePayload = builder.objectRef<Deleted>('TagDeletePayload').implement({
  description: 'The tag was deleted and taken off the profiles that had it.',
  fields: (t) => ({
    deletedTagId: t.id({ description: 'Global id of the deleted tag.', resolve: (deleted) => globalIdOf('Tag', deleted.id) }),
    name: t.exposeString('name', { description: 'Its name.' }),
    profileCount: t.exposeInt('profileCount', { description: 'How many profiles had the tag (and no longer do).' }),
  }),
});

const writeErrors = [InvalidInputError, NameAlreadyUsedError, ...accessRefusals];
const createErrors = [...writeErrors, IdempotencyKeyReusedError, NotFoundError];

builder.mutationFields((t) => ({
  parkingLotCreate: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: ParkingLotPayload,
    description: 'Creates a parking lot; profiles can then be given access to it.',
    errors: { types: createErrors },
    args: { input: t.arg({ type: ParkingLotInput, required: true, description: 'The new parking lot.' }) },
    resolve: async (_root, { input }, context) => ({
      parkingLot: (await createLotOrTag(context.scope, 'parkingLot', input.name, input.idempotencyKey)) as ParkingLot,
    }),
  }),
  parkingLotUpdate: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: ParkingLotPayload,
    description: 'Renames a parking lot; the profiles with access to it keep it.',
    errors: { types: [...writeErrors, NotFoundError] },
    args: {
      id: t.arg.globalID({ for: ParkingLotRef, required: true, description: 'Global id of the parking lot.' }),
      input: t.arg({ type: ParkingLotInput, required: true, description: 'Its new name.' }),
    },
    resolve: async (_root, { id, input }, context) => ({
      parkingLot: (await renameLotOrTag(context.scope, 'parkingLot', id.id, input.name)) as ParkingLot,
    }),
  }),
  parkingLotDelete: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: ParkingLotDeletePayload,
    description:
      'Deletes a parking lot. Every profile that had access to it loses that access (its other lots stay); ' +
      'the payload says how many. Nothing is sent to anyone.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: ParkingLotRef, required: true, description: 'Global id of the parking lot.' }) },
    resolve: (_root, { id }, context) => deleteLotOrTag(context.scope, 'parkingLot', id.id),
  }),
  tagCreate: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: TagPayload,
    description: 'Creates a tag, to put on profiles and filter by.',
    errors: { types: createErrors },
    args: { input: t.arg({ type: TagInput, required: true, description: 'The new tag.' }) },
    resolve: async (_root, { input }, context) => ({ tag: (await createLotOrTag(context.scope, 'tag', input.name, input.idempotencyKey)) as Tag }),
  }),
  tagUpdate: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: TagPayload,
    description: 'Renames a tag; the profiles that have it keep it.',
    errors: { types: [...writeErrors, NotFoundError] },
    args: {
      id: t.arg.globalID({ for: TagRef, required: true, description: 'Global id of the tag.' }),
      input: t.arg({ type: TagInput, required: true, description: 'Its new name.' }),
    },
    resolve: async (_root, { id, input }, context) => ({ tag: (await renameLotOrTag(context.scope, 'tag', id.id, input.name)) as Tag }),
  }),
  tagDelete: t.withAuth({ allowed: 'MANAGE_PARKING_LOTS_AND_TAGS' }).field({
    type: TagDeletePayload,
    description: 'Deletes a tag. It is taken off every profile that had it (their other tags stay); the payload says how many.',
    errors: { types: [InvalidInputError, NotFoundError, ...accessRefusals] },
    args: { id: t.arg.globalID({ for: TagRef, required: true, description: 'Global id of the tag.' }) },
    resolve: (_root, { id }, context) => deleteLotOrTag(context.scope, 'tag', id.id),
  }),
}));
