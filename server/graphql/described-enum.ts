/**
 * GraphQL enum values from a map of name → description, so an enum is
 * generated from the table in the code that defines it (error codes, plans,
 * actions, skip reasons) and documented from the same words.
 */
export function describedEnumValues<K extends string>(descriptions: Record<K, string>): Record<K, { value: K; description: string }> {
  return Object.fromEntries(Object.entries(descriptions).map(([name, description]) => [name, { value: name, description }])) as Record<
    K,
    { value: K; description: string }
  >;
}
