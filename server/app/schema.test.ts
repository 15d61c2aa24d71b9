import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isInputObjectType, isInterfaceType, isObjectType, isEnumType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../database/paths.ts';
import { printedSchema, schema } from './schema.ts';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema` when this fails)', async () => {
    expect(await readFile(path.join(rootDir, 'schema.graphql'), 'utf8')).toBe(printedSchema());
  });

  it('describes every type, field, argument and enum value: the playground is the documentation', () => {
    const missing: string[] = [];
    const ownTypes = Object.values(schema.getTypeMap()).filter((type: GraphQLNamedType) => !type.name.startsWith('__'));
    for (const type of ownTypes) {
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
