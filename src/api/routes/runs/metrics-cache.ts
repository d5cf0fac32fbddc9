/**
 * Recently served metrics pages in this process, keyed by their ETag (which names the run, its
 * last recorded step and the query): many dashboards polling the same run get the page computed
 * for the first of them until a new step lands, without a round trip to the shared tier
 * (queue/shared-pages.ts). Bounded by total size; least recently used go first.
 */
import type { StoredPage } from '../../../queue/shared-pages.ts';

/** A page as served: content type, body, and for CSV pages the next cursor (JSON pages carry it in the body). */
export type CachedPage = StoredPage;

export class MetricsPageCache {
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(etag: string): CachedPage | undefined {
    const page = this.pages.get(etag);
    if (page) {
      // Re-insert to mark it as recently used (Map keeps insertion order).
      this.pages.delete(etag);
      this.pages.set(etag, page);
    }
    return page;
  }

  set(etag: string, page: CachedPage): void {
    const size = page.body.length;
    if (size > this.maxBytes / 4 || this.pages.has(etag)) return;
    this.pages.set(etag, page);
    this.bytes += size;
    for (const [key, oldest] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(key);
      this.bytes -= oldest.body.length;
    }
  }
}
