/** How many users the rules scenario's subscribers are spread over (round robin). */
export const RULE_USERS = 100;

export function userName(index: number): string {
  return `user${index % RULE_USERS}`;
}
