import { SYSTEM_FIELDS, queryFieldInfo, type FieldInfo, type ResourceDefinition } from '@syncline/schema';
import { didYouMean, type DefinitionProblem } from './definition-problem.js';

/** URI segments after a resource or record that are not actions (protocol §11: `<uri>/presence`). */
const RESERVED_SEGMENTS: ReadonlySet<string> = new Set(['presence']);

/** The names a definition's options may use: its own fields, and system fields where `withSystem`. */
function knownFields(definition: ResourceDefinition, withSystem: boolean): string[] {
  return withSystem ? [...Object.keys(definition.fields), ...SYSTEM_FIELDS] : Object.keys(definition.fields);
}

function ownField(definition: ResourceDefinition, field: string): FieldInfo | undefined {
  return Object.hasOwn(definition.fields, field) ? definition.fields[field] : undefined;
}

function unknownField(definition: ResourceDefinition, field: string, withSystem = false): string {
  return `unknown field "${field}"${didYouMean(field, knownFields(definition, withSystem))}`;
}

/** A reference: its field holds ids, its resource exists, and each inherited field is the same on both sides. */
function checkReferences(definition: ResourceDefinition, byName: ReadonlyMap<string, ResourceDefinition>, problems: DefinitionProblem[]): void {
  for (const [field, reference] of Object.entries(definition.references)) {
    const place = `reference "${field}"`;
    const info = ownField(definition, field);
    if (info === undefined) problems.push({ resource: definition.name, place, field, message: unknownField(definition, field) });
    else if (info.kind !== 'string') problems.push({ resource: definition.name, place, field, message: `"${field}" holds ids, so it must be a string field, not ${info.kind}` });
    const target = byName.get(reference.resource);
    if (target === undefined) {
      const message = `refers to unknown resource "${reference.resource}"${didYouMean(reference.resource, byName.keys())}`;
      problems.push({ resource: definition.name, place, field, message });
      continue;
    }
    for (const name of reference.inherit) {
      const mine = ownField(definition, name);
      const theirs = queryFieldInfo(target, name);
      if (mine === undefined) problems.push({ resource: definition.name, place, field: name, message: `inherits ${unknownField(definition, name)}` });
      if (theirs === undefined) {
        const message = `inherits "${name}", which ${target.name} does not have${didYouMean(name, knownFields(target, true))}`;
        problems.push({ resource: definition.name, place, field: name, message });
      }
      if (mine === undefined || theirs === undefined) continue;
      if (mine.kind !== theirs.kind) {
        problems.push({ resource: definition.name, place, field: name, message: `inherits "${name}" as ${mine.kind}, but it is ${theirs.kind} on ${target.name}` });
      } else if (theirs.nullable && !mine.nullable) {
        problems.push({ resource: definition.name, place, field: name, message: `inherits "${name}", which may be null on ${target.name}, into a field that may not` });
      }
    }
  }
}

function checkOwnOptions(definition: ResourceDefinition, problems: DefinitionProblem[]): void {
  const resource = definition.name;
  for (const field of Object.keys(definition.fields)) {
    if ((SYSTEM_FIELDS as readonly string[]).includes(field)) problems.push({ resource, place: 'schema', field, message: `"${field}" is a system field the server sets; the schema may not declare it` });
  }
  for (const field of Object.keys(definition.fieldRules)) {
    if (ownField(definition, field) === undefined) problems.push({ resource, place: 'field rule', field, message: unknownField(definition, field) });
  }
  definition.indexes.forEach((index, position) => {
    const place = `index ${position + 1}`;
    if (index.length === 0) problems.push({ resource, place, message: 'an index names no field' });
    for (const field of index) {
      if (queryFieldInfo(definition, field) === undefined) problems.push({ resource, place, field, message: unknownField(definition, field, true) });
    }
  });
  for (const name of Object.keys(definition.actions)) {
    if (RESERVED_SEGMENTS.has(name)) problems.push({ resource, place: `action "${name}"`, message: `"${name}" is a reserved URI segment, not an action name` });
  }
}

/**
 * What can be checked without calling anything: names unique, and every field named by a
 * reference, an inherited field, a field rule or an index exists where it must. Definitions
 * made by `defineResource` already pass most of this; one assembled or altered by hand may not.
 *
 * @example
 * checkStructure([lists, todos]); // [] when every name resolves
 */
export function checkStructure(definitions: readonly ResourceDefinition[]): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const byName = new Map<string, ResourceDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) problems.push({ resource: definition.name, place: 'name', message: `"${definition.name}" is defined twice` });
    byName.set(definition.name, definition);
  }
  for (const definition of definitions) {
    checkOwnOptions(definition, problems);
    checkReferences(definition, byName, problems);
  }
  return problems;
}
