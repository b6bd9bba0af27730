import { z } from 'zod';

/** One answer of a poll and how many users chose it. */
export interface Choice {
  readonly id: string;
  readonly text: string;
  readonly votes: number;
}

/** At least two answers, at most {@link MAX_CHOICES}. */
export const MAX_CHOICES = 12;
/** The longest answer text. */
export const MAX_CHOICE_TEXT = 100;

const CHOICE_ID = /^[a-z0-9-]{1,32}$/;

/** A stored choice: what `GET /polls/<id>` answers in `choices`. */
export const choiceSchema = z.object({
  id: z.string().regex(CHOICE_ID),
  text: z.string().trim().min(1).max(MAX_CHOICE_TEXT),
  votes: z.number().int().min(0),
});

/**
 * A poll's `choices` field. A client creating a poll sends the answers' texts
 * (`["Red", "Blue"]`); each becomes `{ id, text, votes: 0 }`, its id being its position
 * (`"1"`, `"2"`, …). Stored choices pass through unchanged, so what a client reads it can
 * send back (a PUT of the whole poll). Ids must be unique, and so must texts.
 *
 * @example
 * choicesSchema.parse(['Red', 'Blue']); // [{ id: '1', text: 'Red', votes: 0 }, { id: '2', text: 'Blue', votes: 0 }]
 */
export const choicesSchema = z
  .array(z.union([z.string(), choiceSchema]))
  .min(2)
  .max(MAX_CHOICES)
  .transform((items) => items.map((item, index) => (typeof item === 'string' ? { id: String(index + 1), text: item.trim(), votes: 0 } : item)))
  .pipe(
    z
      .array(choiceSchema)
      .refine((choices) => new Set(choices.map((choice) => choice.id)).size === choices.length, { message: 'Choice ids must be unique' })
      .refine((choices) => new Set(choices.map((choice) => choice.text.toLowerCase())).size === choices.length, { message: 'Choices must differ' }),
  );

/**
 * The counts after one user's vote moves from `previous` (their earlier choice, if any) to
 * `next`: one less for the old choice, one more for the new. Equal choices change nothing.
 *
 * @example
 * moveVote([{ id: '1', text: 'Red', votes: 2 }, { id: '2', text: 'Blue', votes: 0 }], '1', '2'); // Red 1, Blue 1
 */
export function moveVote(choices: readonly Choice[], previous: string | undefined, next: string): Choice[] {
  if (previous === next) return [...choices];
  return choices.map((choice) => {
    const delta = (choice.id === next ? 1 : 0) - (choice.id === previous ? 1 : 0);
    return delta === 0 ? choice : { ...choice, votes: Math.max(0, choice.votes + delta) };
  });
}

/**
 * Whether two lists of choices are the same answers with the same counts.
 *
 * @example
 * sameChoices(poll.choices, next.choices); // false when a count or a text changed
 */
export function sameChoices(a: readonly Choice[], b: readonly Choice[]): boolean {
  return a.length === b.length && a.every((choice, i) => choice.id === b[i]?.id && choice.text === b[i]?.text && choice.votes === b[i]?.votes);
}

/**
 * The answers typed one per line in the page's form: blank lines dropped, each trimmed.
 *
 * @example
 * choicesFromLines('Red\r\n\r\n Blue '); // ['Red', 'Blue']
 */
export function choicesFromLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
