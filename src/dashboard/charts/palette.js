/** Series colours: one per field on a run's chart, one per run when runs are compared. */
const palette = ['#2f5bd3', '#d9480f', '#2b8a3e', '#862e9c', '#b08900', '#0b7285', '#c2255c', '#5c940d', '#495057', '#e8590c'];

export const colourAt = (index) => palette[index % palette.length];

/** Line dashes telling fields apart when colours tell runs apart. */
export const dashes = [[], [7, 4], [2, 3], [10, 3, 2, 3]];

/** The colour with an alpha, for bands: `#rrggbb` + two hex digits. */
export const translucent = (colour, alpha = 0.16) => `${colour}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
