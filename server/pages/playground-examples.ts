import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rootDir } from '../database/paths.ts';

// The GraphQL playground opens with the SDK's own operations as saved tabs
// (one per file of sdk/src/operations), so a developer can try the whole
// flow by clicking: the same documents the SDK and the admin UI send.

const operationsDir = path.join(rootDir, 'sdk/src/operations');

const VARIABLES: Record<string, object> = {
  'profiles.graphql': {
    filter: { statuses: ['NOT_INVITED'] },
    first: 10,
    input: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com' },
  },
  'invitations.graphql': { filter: { statuses: ['NOT_INVITED'] }, input: { profileId: '<a profile id from Profiles>' } },
};

export function playgroundTabs(): { query: string; variables?: string }[] {
  let files: string[];
  try {
    files = readdirSync(operationsDir)
      .filter((file) => file.endsWith('.graphql'))
      .sort();
  } catch {
    return []; // Deployed without the SDK sources: GraphiQL's default tab.
  }
  return files.map((file) => ({
    query: `# ${file}: the SDK's operations. Pick one with the ▶ button's menu.\n${readFileSync(path.join(operationsDir, file), 'utf8')}`,
    ...(VARIABLES[file] ? { variables: JSON.stringify(VARIABLES[file], null, 2) } : {}),
  }));
}
