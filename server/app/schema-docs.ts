import { type GraphQLSchema, isInterfaceType, isObjectType, isUnionType } from 'graphql';

// Descriptions for the plumbing that Pothos' Relay and errors plugins generate
// (pagination arguments, PageInfo, edges, result unions), written once here so
// that every type, field and argument of the playground is documented.

const PAGINATION_ARGS: Record<string, string> = {
  first: 'Returns the first n items after `after` (forward pagination).',
  after: 'A cursor: returns items after it.',
  last: 'Returns the last n items before `before` (backward pagination).',
  before: 'A cursor: returns items before it.',
};

const PAGE_INFO_FIELDS: Record<string, string> = {
  hasNextPage: 'True when more items follow this page.',
  hasPreviousPage: 'True when items come before this page.',
  startCursor: 'Cursor of the first item of the page.',
  endCursor: 'Cursor of the last item of the page: pass it as `after` for the next page.',
};

const CONNECTION_FIELDS: Record<string, string> = {
  edges: 'The items of this page, each with its cursor.',
  pageInfo: 'Where this page sits, and the cursors to move on.',
  totalCount: 'How many items match in all, across every page.',
};

const EDGE_FIELDS: Record<string, string> = {
  cursor: 'Pass as `after` or `before` to page from this item.',
  node: 'The item.',
};

export function documentGeneratedTypes(schema: GraphQLSchema): GraphQLSchema {
  const describe = (target: { description?: string | null }, text: string | undefined) => {
    if (!target.description && text) target.description = text;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isUnionType(type) && type.name.endsWith('Result')) {
      describe(type, 'The success payload, or one of the typed errors the operation may return (branch on `__typename`).');
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const table =
      type.name === 'PageInfo' ? PAGE_INFO_FIELDS : type.name.endsWith('Connection') ? CONNECTION_FIELDS : type.name.endsWith('Edge') ? EDGE_FIELDS : {};
    for (const field of Object.values(type.getFields())) {
      describe(field, table[field.name]);
      if (type.name === 'Node' && field.name === 'id') describe(field, 'Global id: opaque, unique across types.');
      for (const arg of field.args) {
        describe(arg, PAGINATION_ARGS[arg.name]);
        if (field.name === 'node' && arg.name === 'id') describe(arg, 'A global id.');
        if (field.name === 'nodes' && arg.name === 'ids') describe(arg, 'Global ids.');
      }
    }
  }
  return schema;
}
