/** Reading a statement's plan as EXPLAIN (ANALYZE, FORMAT JSON) gives it: what its scans read. */

export interface PlanNode {
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}

/** The rows the plan's scans of `table` read, at every loop: those they gave and those they read to throw away. */
export const tableRowsRead = (table: string, node: PlanNode): number => (node['Relation Name'] === table
  ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
  : 0) + (node.Plans ?? []).reduce((sum, child) => sum + tableRowsRead(table, child), 0);
