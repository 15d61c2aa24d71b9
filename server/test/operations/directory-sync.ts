import {
  DirectoryConnectionCreateDocument,
  DirectoryConnectionDeleteDocument,
  DirectoryConnectionRotateTokenDocument,
  DirectoryConnectionUpdateDocument,
  type DirectoryConnectionUpdateInput,
  DirectoryGroupMapDocument,
  type DirectoryGroupMapInput,
  DirectoryRequestLogDocument,
  ProfileDirectoryDocument,
} from '../generated/graphql.ts';
import { type Call, toGlobalId } from './call.ts';

/** Directory sync (server/test/documents/directory-sync.graphql). Connection ids are global ids; group and profile ids database ids. */
export const directorySyncOperations = (call: Call) => ({
  directoryConnectionCreate: async (name: string) => (await call(DirectoryConnectionCreateDocument, { name })).directoryConnectionCreate,
  directoryConnectionRotateToken: async (id: string) => (await call(DirectoryConnectionRotateTokenDocument, { id })).directoryConnectionRotateToken,
  directoryConnectionDelete: async (id: string) => (await call(DirectoryConnectionDeleteDocument, { id })).directoryConnectionDelete,
  directoryConnectionUpdate: async (id: string, input: DirectoryConnectionUpdateInput) =>
    (await call(DirectoryConnectionUpdateDocument, { id, input })).directoryConnectionUpdate,
  directoryGroupMap: async (groupId: string, input: DirectoryGroupMapInput) =>
    (await call(DirectoryGroupMapDocument, { id: toGlobalId('DirectoryGroup', groupId), input })).directoryGroupMap,
  /** Each connection with its user count and its last `first` requests (and how many were refused). */
  directoryRequestLog: async (first = 10) => (await call(DirectoryRequestLogDocument, { first })).directoryConnections,
  profileDirectory: async (profileId: string) => (await call(ProfileDirectoryDocument, { id: toGlobalId('Profile', profileId) })).profile,
});
