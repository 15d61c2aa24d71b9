import { ProfileTotalDocument } from '../generated/graphql.ts';
import type { Call } from './call.ts';

/** Profiles, read and written (server/test/documents/profiles.graphql); the SDK's own profile documents are in ../operations.ts. */
export const profileOperations = (call: Call) => ({
  /** How many profiles the caller sees (`profiles(first: 1) { totalCount }`). */
  profileTotal: async () => (await call(ProfileTotalDocument, {})).profiles.totalCount,
});
