/** Numbers for axes, tables and tooltips. */

/** A number for people: `digits` significant digits, exponent notation when very large or small. */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return Number(value.toPrecision(digits)).toString();
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
