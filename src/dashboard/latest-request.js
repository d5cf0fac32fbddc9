/**
 * Only the latest request's answer is shown. A view that asks again (a live refresh, a filter or
 * page chosen while a refresh is on its way) may get its answers out of order: a slow answer for
 * the filter before would otherwise be drawn over the one for the filter chosen since.
 */
export function latestRequests() {
  let sent = 0;
  return {
    /** Counts a request sent; the function it returns tells whether that request is still the latest. */
    begin() {
      const request = ++sent;
      return () => request === sent;
    },
  };
}
