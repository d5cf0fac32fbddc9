/**
 * A dataset's content hash: 64-bit FNV-1a over a header (layout, sizes, names) and the raw
 * little-endian bytes of its rows, in order. Written in plain JS because the core has no
 * node:crypto; it identifies content, it is not a defence against forgery: two datasets of one
 * FNV hash can be made on purpose. The same bytes can go to a cryptographic digest alongside
 * (ContentDigest, given by a layer that has one: src/db/dataset-digest.ts), which is what
 * tells whether content stored before may be reused.
 */
import type { Dataset } from './dataset.ts';
import { shapeOf, type DatasetBlock, type DatasetShape } from './dataset-blocks.ts';

/** FNV-1a 64 with the state in four 16-bit limbs (h0 least significant), exact in float64. */
class Fnv1a64 {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  update(bytes: Uint8Array): void {
    let { h0, h1, h2, h3 } = this;
    for (let i = 0; i < bytes.length; i++) {
      h0 ^= bytes[i];
      // h ← h · (2^40 + 0x1b3) mod 2^64, limb by limb with carries.
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
      const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    Object.assign(this, { h0, h1, h2, h3 });
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
  }
}

/** A digest that the bytes a DatasetHasher hashes are given to as well, in order. */
export interface ContentDigest {
  update(bytes: Uint8Array): unknown;
}

const bytesOf = (array: Float64Array | Int32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * A dataset's content hash, taken block by block as it is read: a header (layout, sizes, names),
 * then row after row its features (a sparse row: its entry count, indices and values), its
 * target and its difficulty. Rows hash alike however they are cut into blocks, so a dataset
 * uploaded as CSV and as JSON has one hash.
 */
export class DatasetHasher {
  private readonly fnv = new Fnv1a64();
  private readonly count = new Int32Array(1);

  /** `alongside` is given the same bytes as the FNV hash, in the same order. */
  constructor(shape: DatasetShape, private readonly alongside?: ContentDigest) {
    const header = JSON.stringify({
      layout: shape.layout,
      columns: shape.columns,
      columnNames: shape.columnNames,
      targetName: shape.targetName,
      difficulty: shape.difficulty,
    });
    this.update(new TextEncoder().encode(header));
  }

  private update(bytes: Uint8Array): void {
    this.fnv.update(bytes);
    this.alongside?.update(bytes);
  }

  add(block: DatasetBlock): void {
    const { features, targets, difficulty } = block;
    const columns = features.kind === 'dense' ? features.values.length / Math.max(1, block.rows) : 0;
    for (let r = 0; r < block.rows; r++) {
      if (features.kind === 'dense') this.update(bytesOf(features.values.subarray(r * columns, (r + 1) * columns)));
      else {
        const from = features.rowStarts[r]!;
        const to = features.rowStarts[r + 1]!;
        this.count[0] = to - from;
        this.update(bytesOf(this.count));
        this.update(bytesOf(features.indices.subarray(from, to)));
        this.update(bytesOf(features.values.subarray(from, to)));
      }
      this.update(bytesOf(targets.subarray(r, r + 1)));
      if (difficulty) this.update(bytesOf(difficulty.subarray(r, r + 1)));
    }
  }

  /** `fnv1a64:<16 hex digits>`. */
  digest(): string {
    return `fnv1a64:${this.fnv.hex()}`;
  }
}

/** `fnv1a64:<16 hex digits>`; equal datasets (same layout, names and values) hash equally. `alongside` is given the bytes hashed. */
export function datasetContentHash(dataset: Dataset, alongside?: ContentDigest): string {
  const hasher = new DatasetHasher(shapeOf(dataset), alongside);
  const { features } = dataset;
  hasher.add({ rows: dataset.rows, features, targets: dataset.targets, ...(dataset.difficulty ? { difficulty: dataset.difficulty } : {}) });
  return hasher.digest();
}

/** The hash of raw bytes (exported for tests against published FNV-1a vectors). */
export function fnv1a64Hex(bytes: Uint8Array): string {
  const hash = new Fnv1a64();
  hash.update(bytes);
  return hash.hex();
}
