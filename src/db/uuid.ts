/** Whether a string is a UUID: ids that are not never reach a query (PostgreSQL would reject them as uuid). */
/** A UUID's text, unanchored (for finding ids in a longer text; match it ignoring case). */
export const uuidText = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const uuidPattern = new RegExp(`^${uuidText}$`, 'i');

export const isUuid = (value: string): boolean => uuidPattern.test(value);
