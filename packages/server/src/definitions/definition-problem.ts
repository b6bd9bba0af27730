import { SynclineError } from '@syncline/protocol';
import { closestName } from '@syncline/schema';

/** One mistake in a resource definition, found before the server serves anything. */
export interface DefinitionProblem {
  /** The resource whose definition holds the mistake. */
  readonly resource: string;
  /** Where in it: `reference "list"`, `index 1`, `field rule`, `read rule (anonymous)`… */
  readonly place: string;
  /** The field named, when the mistake is about one. */
  readonly field?: string;
  readonly message: string;
}

/** ` (did you mean "owner"?)` when a known name is close to the unknown one, else nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const suggestion = closestName(name, known);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}

/** How one problem reads in the error's detail: `todos, read rule (signed in): …`. */
export function describeProblem(problem: DefinitionProblem): string {
  return `${problem.resource}, ${problem.place}: ${problem.message}`;
}

/**
 * The one error for every mistake found: its detail lists them all, one a line, and its
 * `errors` give each as a path (resource, place, field) for programs and tests.
 *
 * @example
 * throw invalidDefinition([{ resource: 'todos', place: 'index 1', field: 'titel', message: 'unknown field "titel" (did you mean "title"?)' }]);
 */
export function invalidDefinition(problems: readonly DefinitionProblem[]): SynclineError {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `- ${describeProblem(problem)}`);
  return new SynclineError('invalid-definition', {
    detail: `The resource definitions have ${count}:\n${lines.join('\n')}`,
    errors: problems.map((problem) => ({
      path: problem.field === undefined ? [problem.resource, problem.place] : [problem.resource, problem.place, problem.field],
      message: problem.message,
    })),
  });
}
