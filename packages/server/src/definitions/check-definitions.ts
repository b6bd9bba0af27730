import type { Principal, ResourceDefinition } from '@syncline/schema';
import { invalidDefinition, type DefinitionProblem } from './definition-problem.js';
import { probeReadRules } from './read-rule-probe.js';
import { checkStructure } from './structure-check.js';

export interface DefinitionCheckOptions {
  /** The signed-in caller read rules are tried with; give one with your own `Principal` fields. */
  readonly probePrincipal?: Principal | undefined;
}

/**
 * Every mistake in a set of resource definitions: names that resolve to nothing (fields of
 * references, inherited fields, field rules, indexes, referenced resources), inherited
 * fields of different kinds, reserved action names, and read rules whose filters name
 * unknown fields or misuse operators.
 *
 * @example
 * checkDefinitions([lists, todos]); // [] for a valid set
 */
export function checkDefinitions(definitions: readonly ResourceDefinition[], options: DefinitionCheckOptions = {}): DefinitionProblem[] {
  const structure = checkStructure(definitions);
  const rules = probeReadRules(definitions, options.probePrincipal === undefined ? {} : { principal: options.probePrincipal });
  return [...structure, ...rules];
}

/**
 * Throws one `invalid-definition` SynclineError listing every mistake, or returns.
 *
 * @example
 * assertDefinitions([lists, todos]); // throws: "todos, read rule (signed in): names unknown field "ownr" (did you mean "owner"?)"
 */
export function assertDefinitions(definitions: readonly ResourceDefinition[], options: DefinitionCheckOptions = {}): void {
  const problems = checkDefinitions(definitions, options);
  if (problems.length > 0) throw invalidDefinition(problems);
}
