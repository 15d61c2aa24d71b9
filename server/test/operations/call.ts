import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A GraphQL answer, typed by its document. */
export interface TypedResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** Sends a document as some caller; the kit provides one per caller (an organization's key, its admin, a token, nobody). */
export type Send = <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => Promise<TypedResponse<Result>>;

/** Sends a document and gives its data; a GraphQL error fails the test (typed errors of mutations are data). */
export type Call = <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => Promise<Result>;

/** The data of an answer that must have no GraphQL error. */
export async function dataOf<Result>(response: Promise<TypedResponse<Result>>): Promise<Result> {
  const { data, errors } = await response;
  if (errors?.length || !data) throw new Error(`Unexpected GraphQL errors: ${JSON.stringify(errors)}`);
  return data;
}

/** Global id of a database id, as the API gives them. */
export const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
