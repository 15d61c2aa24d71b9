import { builder } from '../graphql/builder.ts';
import type { BoundedCount } from './profile-queries.ts';

// The count contract of large lists (as Shopify's `Count { count precision }`):
// a count reads at most `limit` + 1 rows, so it costs the same at a thousand
// profiles and at a million. Up to the limit it is exact; beyond, it says
// "at least the limit". Where a user acts on the number (select all N search
// results, invite them), the exact figures come from `totalCount` and
// `profilesInvitePreview`.

export const CountPrecisionEnum = builder.enumType('CountPrecision', {
  description: 'Whether a count is exact or a lower bound.',
  values: {
    EXACT: { description: 'The count is exact.' },
    AT_LEAST: { description: 'More match than the limit the count stopped at: the count is that limit, a lower bound.' },
  } as const,
});

export const CountRef = builder.objectRef<BoundedCount>('Count').implement({
  description: 'A count bounded by a limit: exact up to the limit, "at least the limit" beyond (see precision).',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many match; with precision AT_LEAST, a lower bound (the limit).' }),
    precision: t.field({ type: CountPrecisionEnum, description: 'EXACT, or AT_LEAST when more match than the limit.', resolve: (count) => count.precision }),
  }),
});
