/**
 * The media type an `Accept` header prefers among those a route offers (RFC 9110 §12.5.1). Each
 * offered type takes the quality of the most specific range that names it (`text/csv`, else
 * `text/*`, else `*\/*`; none: 0); the highest quality wins, a tie going to the type named most
 * specifically, then to the one whose range comes first in the header, then to the first offered,
 * the route's default, which is also the answer when nothing offered is acceptable (as the
 * `negotiator` package ranks them). So `text/csv, application/json` is CSV,
 * `text/csv;q=0.5, application/json` is JSON, `text/csv;q=0` refuses CSV, and a browser's
 * `…, *\/*;q=0.8` gets the default. A q that is not a qvalue (`q=1.5`, `q=abc`, `q=0.0001`) makes
 * its range unacceptable, as `q=0` does.
 */
export function preferredMediaType<Type extends string>(accept: string | undefined, offered: readonly [Type, ...Type[]]): Type {
  if (accept === undefined) return offered[0];
  const ranges = accept.split(',').map((entry, position) => {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    return { range, position, quality: q === undefined ? 1 : qvalue(q.slice(2)) };
  });
  const scored = offered.map((type, index) => {
    const [kind] = type.split('/');
    // Specificity 3: the type itself, 2: its kind's wildcard, 1: any type.
    let best = { quality: 0, specificity: 0, position: Infinity };
    for (const { range, position, quality } of ranges) {
      const specificity = range === type ? 3 : range === `${kind}/*` ? 2 : range === '*/*' ? 1 : 0;
      // Among ranges as specific, the highest quality counts, as `negotiator` takes it.
      if (specificity > best.specificity || (specificity === best.specificity && specificity > 0 && quality > best.quality)) best = { quality, specificity, position };
    }
    return { type, index, ...best };
  });
  const [chosen] = scored
    .filter(({ quality }) => quality > 0)
    .sort((a, b) => b.quality - a.quality || b.specificity - a.specificity || a.position - b.position || a.index - b.index);
  return chosen?.type ?? offered[0];
}

/** A weight's qvalue (RFC 9110 §12.4.2: `0` to `1` with at most three decimals); 0 when malformed. */
function qvalue(text: string): number {
  return /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text) ? Number(text) : 0;
}
