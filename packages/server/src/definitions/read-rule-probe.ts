import { isSynclineError } from '@syncline/protocol';
import type { Principal, RequestContext, ResourceDefinition } from '@syncline/schema';
import type { DefinitionProblem } from './definition-problem.js';
import { filterMistakes } from './filter-check.js';

/** The principal read rules are tried with at start when the application gives none. */
export const PROBE_PRINCIPAL: Principal = Object.freeze({ id: 'syncline-start-up-probe' });

interface Probe {
  readonly label: string;
  readonly context: RequestContext;
  /** Whether an exception here is a mistake: the server never asks the rule for internal operations. */
  readonly mustNotThrow: boolean;
}

function probesFor(definition: ResourceDefinition, principal: Principal): Probe[] {
  const signedIn: RequestContext = { transport: 'http', principal, session: { id: 'syncline-start-up-probe', expiresAt: Date.now() + 3_600_000, via: 'cookie' } };
  const probes: Probe[] = [
    { label: 'signed in', context: signedIn, mustNotThrow: true },
    { label: 'internal', context: { transport: 'internal' }, mustNotThrow: false },
  ];
  // An anonymous caller of a `signedIn` resource is answered 401 before its read rule runs.
  if (!definition.signedIn) probes.unshift({ label: 'anonymous', context: { transport: 'http' }, mustNotThrow: true });
  return probes;
}

/** What one probe found: an unexpected exception, a result that is no filter, or mistakes in the filter. */
function probeOnce(definition: ResourceDefinition, probe: Probe): Array<{ field?: string; message: string }> {
  const rule = definition.rules.read;
  if (rule === undefined) return [];
  let scope: unknown;
  try {
    scope = rule(probe.context);
  } catch (error) {
    // A SynclineError is an answer the rule means to give (401 to an anonymous caller, say).
    if (isSynclineError(error) || !probe.mustNotThrow) return [];
    return [{ message: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}; a rule that refuses a caller returns false or throws a SynclineError` }];
  }
  if (scope === true || scope === false) return [];
  if (scope instanceof Promise) {
    scope.catch(() => undefined);
    return [{ message: 'returned a Promise: read rules are synchronous (the filter is computed once per request or subscription)' }];
  }
  return filterMistakes(definition, scope);
}

/**
 * Calls each resource's read rule once per probe caller (anonymous, signed in as
 * `principal`, the server's own `internal` operations) and checks the filter it returns,
 * so a misspelt field in this security code stops the server at start instead of failing
 * a request later. Rules must be pure functions of the caller, so calling them is harmless.
 *
 * @example
 * probeReadRules([lists, todos], { principal: { id: 'ann' } }); // [] when every rule's filter names real fields
 */
export function probeReadRules(definitions: readonly ResourceDefinition[], options: { readonly principal?: Principal } = {}): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const definition of definitions) {
    // One problem per mistake, with every probe that met it: the same typo seen by three callers is one line.
    const found = new Map<string, { field?: string; message: string; labels: string[] }>();
    for (const probe of probesFor(definition, options.principal ?? PROBE_PRINCIPAL)) {
      for (const mistake of probeOnce(definition, probe)) {
        const key = `${mistake.field ?? ''}\u0000${mistake.message}`;
        const entry = found.get(key) ?? { ...mistake, labels: [] };
        entry.labels.push(probe.label);
        found.set(key, entry);
      }
    }
    for (const { labels, field, message } of found.values()) {
      const place = `read rule (${labels.join(', ')})`;
      problems.push(field === undefined ? { resource: definition.name, place, message } : { resource: definition.name, place, field, message });
    }
  }
  return problems;
}
