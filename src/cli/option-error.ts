/**
 * What node:util's parseArgs refused, in one line as the commands' own checks say it. Its message
 * for an unknown option goes on about positionals ("To specify a positional argument starting
 * with a '-', place it at the end of the command after '--'"), advice that misleads where the
 * option is simply not one the command has (`descent sweep --remote --jsonl`).
 */
export function optionErrorMessage(error: Error & { code?: string }): string {
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '([^']*)'/.exec(error.message) : null;
  return unknown ? `unknown option '${unknown[1]}'` : error.message.split('\n')[0]!;
}
