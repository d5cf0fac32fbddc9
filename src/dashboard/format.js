/** Numbers for axes, tables and tooltips. */

/** A number for people: `digits` significant digits, exponent notation when very large or small. */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  return written(value, digits, needsExponent(value));
}

const needsExponent = (value) => value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3);

/**
 * `value` in `digits` significant digits, trailing zeros dropped. The mantissa is trimmed as
 * text, not read as a number: 17 digits then always give the value back (−1.0000000000000994e8,
 * not −1.0000000000000995e8, the shortest text of its mantissa read alone).
 */
function written(value, digits, exponential) {
  if (value === 0) return '0';
  if (!exponential) return Number(value.toPrecision(digits)).toString();
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${Number(exponent)}`;
}

/**
 * The labels of one axis's ticks, in order: `digits` significant digits, or as many more as it
 * takes for every label to give back its tick to within a hundredth of the gap to its nearest
 * neighbour. No two labels then read the same, and each reads as the value where it stands: ticks
 * 0.0001 apart near 259 read 259.0001, 259.0002, not 259 each, nor 259.0013 for 259.00125.
 * One notation for the whole axis: exponent notation for every label when one needs it (999995
 * and 1e6 read 9.99995e5 and 1e6, not 999995 and 1e6).
 * Null ticks (uPlot's unlabelled splits) stay null. A tick past the largest number (a log axis
 * topped at 10^309) reads Infinity, and its neighbours are told apart from each other alone.
 */
export function tickTexts(ticks, digits = 3) {
  const finite = ticks.filter(Number.isFinite);
  const tolerances = finite.map((tick, index) => Math.min(Math.abs(tick - (finite[index - 1] ?? Infinity)), Math.abs(tick - (finite[index + 1] ?? Infinity))) / 100);
  const exponential = finite.some(needsExponent);
  const inPlace = (texts) => {
    let next = 0;
    return ticks.map((tick) => (tick === null || tick === undefined ? null : Number.isFinite(tick) ? texts[next++] : formatNumber(tick)));
  };
  for (let precision = digits; precision < 17; precision++) {
    const texts = finite.map((tick) => written(tick, precision, exponential));
    if (texts.every((text, index) => Math.abs(Number(text) - finite[index]) <= tolerances[index])) return inPlace(texts);
  }
  // 17 significant digits give every tick back exactly.
  return inPlace(finite.map((tick) => written(tick, 17, exponential)));
}

/** A step count for an axis: whole numbers, with k and M once they get long. */
export function formatStep(step) {
  const magnitude = Math.abs(step);
  if (magnitude >= 1e6) return `${Number((step / 1e6).toPrecision(4))}M`;
  if (magnitude >= 1e4) return `${Number((step / 1e3).toPrecision(4))}k`;
  return String(Math.round(step));
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  // Rounded before it is split: 179.6 s is 3 min 0 s, not 2 min 60 s.
  const whole = Math.round(seconds);
  if (whole < 7200) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  if (whole < 172_800) return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
  return `${Math.floor(whole / 86_400)} d ${Math.floor((whole % 86_400) / 3600)} h`;
}
