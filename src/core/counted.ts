/** A count and its noun, in the singular for one: "1 update", "2 updates". */
export const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
