import { problemSchema, type Problem } from '@syncline/protocol';
import type { Outcome } from '@syncline/server';
import { choicesFromLines } from '../poll-choices.js';
import { run, type Caller } from './poll-data.js';
import { POLLS_PATH, pollPath, votePath } from './polls-routes.js';
import type { FormValues } from './views.js';

/** The fields of a posted form. */
export interface FormFields {
  get(name: string): string | null;
}

/** A form's outcome: 303 to a page, or the page again with why it was refused (and what was typed). */
export type FormResult =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'refused'; readonly status: number; readonly message: string; readonly page: string; readonly values?: FormValues };

const FIELD_NAMES: Readonly<Record<string, string>> = { question: 'Question', choices: 'Choices', choice: 'Your vote' };

/**
 * What a refused write says to the user: each field's problem, or the problem's detail.
 *
 * @example
 * refusalMessage(outcome); // 'Choices: Too small: expected array to have >=2 items.'
 */
export function refusalMessage(outcome: Outcome): string {
  const parsed = problemSchema.safeParse(outcome.body);
  const problem: Partial<Problem> = parsed.success ? parsed.data : {};
  const fields = (problem.errors ?? []).map((error) => `${FIELD_NAMES[String(error.path[0])] ?? String(error.path[0] ?? 'Form')}: ${error.message}.`);
  if (fields.length > 0) return fields.join(' ');
  if (outcome.status === 404) return 'This poll does not exist (any more).';
  if (outcome.status === 403) return 'You may not do that to this poll.';
  return problem.detail ?? problem.title ?? `The server answered ${outcome.status}.`;
}

/**
 * Creates a poll from the `/polls` form (`question`, and `choices` one per line) as the
 * caller: 303 to the new poll's page, or the form again with the problem.
 *
 * @example
 * await createPollFromForm(caller, new URLSearchParams('question=Tea%3F&choices=Yes%0ANo'));
 */
export async function createPollFromForm(caller: Caller, form: FormFields): Promise<FormResult> {
  const question = form.get('question') ?? '';
  const choices = form.get('choices') ?? '';
  const outcome = await run(caller, 'POST', POLLS_PATH, { question, choices: choicesFromLines(choices) });
  if (outcome.status === 201) return { kind: 'redirect', location: pollPath(String((outcome.body as { id: unknown }).id)) };
  return { kind: 'refused', status: outcome.status, message: refusalMessage(outcome), page: POLLS_PATH, values: { question, choices } };
}

/**
 * Runs the poll's `vote` action for the vote form (`choice`, a choice id): 303 back to the
 * results, or the poll's page again with the problem (no answer chosen: 422).
 *
 * @example
 * await voteFromForm(caller, '42', new URLSearchParams('choice=2')); // { kind: 'redirect', location: '/polls/42' }
 */
export async function voteFromForm(caller: Caller, pollId: string, form: FormFields): Promise<FormResult> {
  const choice = form.get('choice');
  if (choice === null || choice === '') return { kind: 'refused', status: 422, message: 'Choose one of the answers, then vote.', page: pollPath(pollId) };
  const outcome = await run(caller, 'POST', votePath(pollId), { choice });
  if (outcome.status === 200) return { kind: 'redirect', location: pollPath(pollId) };
  return { kind: 'refused', status: outcome.status, message: refusalMessage(outcome), page: outcome.status === 404 ? POLLS_PATH : pollPath(pollId) };
}

/**
 * Deletes a poll (its owner's form): 303 to every poll's page.
 *
 * @example
 * await deletePollFromForm(caller, '42'); // { kind: 'redirect', location: '/polls' }
 */
export async function deletePollFromForm(caller: Caller, pollId: string): Promise<FormResult> {
  const outcome = await run(caller, 'DELETE', pollPath(pollId));
  if (outcome.status === 204 || outcome.status === 404) return { kind: 'redirect', location: POLLS_PATH };
  return { kind: 'refused', status: outcome.status, message: refusalMessage(outcome), page: pollPath(pollId) };
}
