/** What went wrong, in one line for a message or a log: an Error's message, or the thrown value as text. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
