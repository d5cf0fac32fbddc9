/**
 * CSV for a metrics page: a header row, then one line per row or bucket. Parameters become one
 * column each (`params[0]`, `params[1]`, …); missing and non-finite values are empty cells.
 */
import type { MetricsPage } from './metrics.ts';

export function metricsCsv(page: MetricsPage): string {
  const columns = page.downsampled ? bucketColumns(page) : rowColumns(page);
  const lines = [columns.map((column) => column.name).join(',')];
  for (const point of page.points) lines.push(columns.map((column) => cell(column.value(point))).join(','));
  return lines.join('\n') + '\n';
}

interface Column {
  readonly name: string;
  readonly value: (point: Record<string, unknown>) => unknown;
}

const field = (name: string): Column => ({ name, value: (point) => point[name] });

function rowColumns(page: MetricsPage): Column[] {
  const columns = [field('step')];
  for (const name of page.fields) {
    if (name === 'params') columns.push(...paramColumns(page));
    else columns.push(field(name));
  }
  return columns;
}

function bucketColumns(page: MetricsPage): Column[] {
  const columns = ['step', 'stepEnd', 'count'].map(field);
  for (const name of page.fields) {
    if (name === 'params') {
      columns.push(...paramColumns(page));
      continue;
    }
    columns.push(field(name));
    if (name !== 'epoch' && name !== 'elapsedSeconds') columns.push(field(`${name}Min`), field(`${name}Max`));
  }
  return columns;
}

/** One column per parameter, as wide as the widest point's parameters. */
function paramColumns(page: MetricsPage): Column[] {
  const width = Math.max(0, ...page.points.map((point) => (Array.isArray(point.params) ? point.params.length : 0)));
  return Array.from({ length: width }, (_, i) => ({
    name: `params[${i}]`,
    value: (point: Record<string, unknown>) => (Array.isArray(point.params) ? point.params[i] : null),
  }));
}

function cell(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}
