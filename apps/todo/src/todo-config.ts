import { DEFAULT_SHARE_LIMIT, type ShareLimitOptions } from './share-limit.js';

/** The TODO app's own settings (the server's are `loadConfig`'s). */
export interface TodoConfig {
  readonly sharing: Required<Pick<ShareLimitOptions, 'maxNewMembers' | 'windowMs'>>;
}

/** The variables {@link loadTodoConfig} reads, with their defaults (docs/configuration.md, "The demo app"). */
export const TODO_ENVIRONMENT = {
  TODO_SHARE_MAX_NEW_MEMBERS: DEFAULT_SHARE_LIMIT.maxNewMembers,
  TODO_SHARE_WINDOW_MS: DEFAULT_SHARE_LIMIT.windowMs,
} as const;

/**
 * Reads the TODO app's settings from the environment, as `loadConfig` reads the server's: an
 * unset or empty variable takes its default, an invalid one stops the app at start with its name.
 *
 * @example
 * const todo = loadTodoConfig(process.env); // TODO_SHARE_MAX_NEW_MEMBERS=50 …
 * await createTodoApp({ config: loadConfig(process.env), sharing: todo.sharing });
 */
export function loadTodoConfig(env: Readonly<Record<string, string | undefined>>): TodoConfig {
  const problems: string[] = [];
  const positive = (name: keyof typeof TODO_ENVIRONMENT): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return TODO_ENVIRONMENT[name];
    if (/^[1-9]\d*$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
    problems.push(`${name}=${JSON.stringify(raw)}: must be a positive integer`);
    return TODO_ENVIRONMENT[name];
  };
  const config: TodoConfig = { sharing: { maxNewMembers: positive('TODO_SHARE_MAX_NEW_MEMBERS'), windowMs: positive('TODO_SHARE_WINDOW_MS') } };
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
