import type { DocumentNode } from '@0no-co/graphql.web';

/**
 * A GraphQL document typed with its result and variables: the same shape as
 * `TypedDocumentNode` of `@graphql-typed-document-node/core` and urql, so the
 * documents work with urql, Apollo or graphql-request, but declared on
 * `@0no-co/graphql.web`'s AST types, whose declarations stand without the
 * `graphql` package.
 */
export type TypedDocumentNode<Result = { [key: string]: unknown }, Variables = { [key: string]: unknown }> = DocumentNode & {
  /** Carries the result and variables types (never set at run time). */
  __apiType?: (variables: Variables) => Result;
  /** The same, for `TypedQueryDocumentNode` of `graphql`. */
  __ensureTypesOfVariablesAndResultMatching?: (variables: Variables) => Result;
};
