/**
 * Pages of a stored dataset's rows: the blocks that hold the page are read and no others, so a
 * page costs its own rows whatever the dataset's size (256 MiB at most), on node-postgres (see
 * readStoredBlocks).
 */
import { joinBlocks, selectRows, type Dataset } from '../core/datasets/index.ts';
import { decodeBlock, shapeOfDescription, StoredDatasetError, readStoredBlocks, toDescription, type DescriptionRow } from './datasets.ts';
import type { Pool } from './pool.ts';
import { isUuid } from './uuid.ts';

interface DatasetRow extends DescriptionRow {
  /** The blocks' seq and rows, in order. */
  readonly seqs: number[] | null;
  readonly blockRows: number[] | null;
}

const datasetStatement = `
  SELECT d.id, d.name, d.format, d.row_count AS "rowCount", d.columns, d.created_at AS "createdAt",
         b.seqs, b.rows AS "blockRows"
    FROM datasets d
    LEFT JOIN LATERAL (SELECT array_agg(seq ORDER BY seq) AS seqs, array_agg(rows ORDER BY seq) AS rows
                         FROM dataset_blocks WHERE dataset_id = d.id) b ON true
   WHERE d.id = $1::uuid AND d.tenant_id = $2::uuid`;

export function createDatasetPages(pool: Pool) {
  return {
    /**
     * Rows `offset … offset + limit − 1` of the tenant's dataset (fewer at its end) with its row
     * count; `page` is null when `offset` is past the last row, the answer null when the
     * dataset is absent (or another tenant's).
     */
    async read(tenantId: string, id: string, offset: number, limit: number): Promise<{ readonly totalRows: number; readonly page: Dataset | null } | null> {
      if (!isUuid(id)) return null;
      const { rows: [row] } = await pool.query<DatasetRow>(datasetStatement, [id, tenantId]);
      if (!row) return null;
      const description = toDescription(row);
      const seqs = row.seqs ?? [];
      const blockRows = row.blockRows ?? [];
      const storedRows = blockRows.reduce((sum, rows) => sum + rows, 0);
      if (storedRows !== row.rowCount) throw new StoredDatasetError(`dataset ${id} has ${storedRows} rows in its blocks, ${row.rowCount} described`);
      if (offset >= row.rowCount) return { totalRows: row.rowCount, page: null };
      const end = Math.min(row.rowCount, offset + limit);
      // The blocks overlapping [offset, end), and the row the first of them starts at.
      let start = 0;
      let first = 0;
      while (start + blockRows[first]! <= offset) start += blockRows[first++]!;
      let last = first;
      for (let blockEnd = start + blockRows[first]!; blockEnd < end; blockEnd += blockRows[last]!) last++;
      const blocks = await readStoredBlocks(pool, id, seqs[first]!, seqs[last]!);
      if (blocks.length !== last - first + 1) return null; // deleted meanwhile
      const shape = shapeOfDescription(description);
      const held = joinBlocks(shape, blocks.map((block) => decodeBlock(block, shape)));
      return { totalRows: row.rowCount, page: selectRows(held, Int32Array.from({ length: end - offset }, (_, i) => offset - start + i)) };
    },
  };
}

export type DatasetPages = ReturnType<typeof createDatasetPages>;
