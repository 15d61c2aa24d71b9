import {
  LotsAndTagsDocument,
  ParkingLotCreateDocument,
  ParkingLotDeleteDocument,
  type ParkingLotInput,
  ParkingLotUpdateDocument,
  ProfileAccessDocument,
  TagCreateDocument,
  TagDeleteDocument,
  type TagInput,
  TagUpdateDocument,
} from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** Parking lots and tags (server/test/documents/parking-lots-and-tags.graphql). Ids are global ids. */
export const lotAndTagOperations = (call: Call) => ({
  /** Every lot and tag with its profile count. */
  lotsAndTags: async () => await call(LotsAndTagsDocument, {}),
  parkingLotCreate: async (input: ParkingLotInput) => (await call(ParkingLotCreateDocument, { input })).parkingLotCreate,
  tagCreate: async (input: TagInput) => (await call(TagCreateDocument, { input })).tagCreate,
  parkingLotUpdate: async (id: string, input: ParkingLotInput) => (await call(ParkingLotUpdateDocument, { id, input })).parkingLotUpdate,
  tagUpdate: async (id: string, input: TagInput) => (await call(TagUpdateDocument, { id, input })).tagUpdate,
  parkingLotDelete: async (id: string) => (await call(ParkingLotDeleteDocument, { id })).parkingLotDelete,
  tagDelete: async (id: string) => (await call(TagDeleteDocument, { id })).tagDelete,
  /** The first profiles' lots and tags, by name. */
  profileAccess: async () => (await call(ProfileAccessDocument, {})).profiles,
});
