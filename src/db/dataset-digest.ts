/**
 * A dataset's sha256 content digest: `sha256:` and 64 lowercase hex digits over the bytes its
 * FNV content hash covers (a header of layout, sizes and names, then its rows; see
 * src/core/datasets/content-hash.ts), so equal datasets, however uploaded, have one digest. Unlike
 * the FNV hash, two datasets of one digest cannot be made on purpose: it is what tells that a
 * dataset stored before holds the content of a file (`descent submit` reusing it).
 */
import { createHash } from 'node:crypto';
import { datasetContentHash, type ContentDigest, type Dataset } from '../core/datasets/index.ts';

/** How a digest is written. */
export const contentSha256Pattern = /^sha256:[0-9a-f]{64}$/;

/** A sha256 digest fed as a DatasetHasher's `alongside`. */
export class ContentSha256 implements ContentDigest {
  private readonly hash = createHash('sha256');

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /** `sha256:<64 hex digits>`; once. */
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** The dataset's `sha256:<64 hex digits>`. */
export function datasetContentSha256(dataset: Dataset): string {
  const digest = new ContentSha256();
  datasetContentHash(dataset, digest);
  return digest.digest();
}
