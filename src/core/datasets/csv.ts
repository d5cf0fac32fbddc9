/**
 * CSV datasets for uploads and `{ "path": "file.csv" }` specs. The first line is a header of
 * column names; every other non-empty line is one row of numbers. One column is the target
 * (default: the last), an optional one the difficulty (curriculum learning); the rest are
 * features. Input may arrive in chunks (strings or UTF-8 bytes), so uploads stream through
 * without holding the text. Fields may be double-quoted ("" escapes a quote) but may not span
 * lines. Every rejection names the line (the header is line 1) and the column.
 */
import { datasetLimits, type Dataset } from './dataset.ts';

export interface CsvLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxBytes: number;
}

export const defaultCsvLimits: CsvLimits = { maxRows: datasetLimits.maxRows, maxColumns: 10_000, maxBytes: 256 * 1024 * 1024 };

export interface CsvOptions {
  /** Name or 0-based index of the target column; default the last column. */
  readonly targetColumn?: string | number;
  /** Name or 0-based index of a difficulty column for curriculum learning; default none. */
  readonly difficultyColumn?: string | number;
  readonly limits?: Partial<CsvLimits>;
}

/**
 * A rejected CSV input; `line` and `column` are 1-based (0 when not about one cell). `limit`
 * names the exceeded limit when the input is well-formed but too large (a service answers 413).
 */
export class CsvError extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly limit: 'rows' | 'columns' | 'bytes' | null = null) {
    super(message);
    this.name = 'CsvError';
  }
}

export class CsvDatasetParser {
  private readonly limits: CsvLimits;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private pending = '';
  private bytes = 0;
  private line = 0;
  private header: string[] | null = null;
  private targetIndex = -1;
  private difficultyIndex = -1;
  private rows = 0;
  private features = new Float64Array(1024);
  private targets = new Float64Array(256);
  private difficulty: Float64Array | null = null;

  constructor(private readonly options: CsvOptions = {}) {
    this.limits = { ...defaultCsvLimits, ...options.limits };
  }

  /** Feeds the next piece of the file. */
  push(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decode(chunk, true);
    this.bytes += typeof chunk === 'string' ? utf8Length(chunk) : chunk.length;
    if (this.bytes > this.limits.maxBytes) throw new CsvError(`the file exceeds ${this.limits.maxBytes} bytes`, this.line + 1, 0, 'bytes');
    let start = 0;
    const combined = this.pending + text;
    for (let end = combined.indexOf('\n'); end !== -1; end = combined.indexOf('\n', start)) {
      this.acceptLine(combined.slice(start, end));
      start = end + 1;
    }
    this.pending = combined.slice(start);
  }

  /** Ends the input and returns the dataset. */
  finish(): Dataset {
    const rest = this.pending + this.decode(new Uint8Array(0), false);
    this.pending = '';
    if (rest.length > 0) this.acceptLine(rest);
    if (this.header === null) throw new CsvError('the file is empty: expected a header row and data rows', 1, 0);
    if (this.rows === 0) throw new CsvError('the file has a header but no data rows', 2, 0);
    const featureNames = this.header.filter((_, j) => j !== this.targetIndex && j !== this.difficultyIndex);
    const columns = featureNames.length;
    return {
      rows: this.rows,
      columns,
      features: { kind: 'dense', values: this.features.slice(0, this.rows * columns) },
      targets: this.targets.slice(0, this.rows),
      columnNames: featureNames,
      targetName: this.header[this.targetIndex],
      ...(this.difficulty ? { difficulty: this.difficulty.slice(0, this.rows) } : {}),
    };
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    try {
      return this.decoder.decode(bytes, { stream });
    } catch {
      throw new CsvError('the file is not valid UTF-8 text', this.line + 1, 0);
    }
  }

  private acceptLine(raw: string): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    const cells = splitFields(text, this.line);
    if (this.header === null) {
      this.acceptHeader(cells);
      return;
    }
    const header = this.header;
    if (cells.length !== header.length) {
      const column = Math.min(cells.length, header.length) + 1;
      throw new CsvError(`line ${this.line} has ${cells.length} fields, the header has ${header.length}`, this.line, column);
    }
    if (this.rows >= this.limits.maxRows) throw new CsvError(`the file has more than ${this.limits.maxRows} data rows`, this.line, 0, 'rows');
    const columns = header.length - 1 - (this.difficultyIndex >= 0 ? 1 : 0);
    this.reserve(columns);
    let offset = this.rows * columns;
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j].trim();
      const where = `line ${this.line}, column ${j + 1} ('${header[j]}')`;
      if (cell === '') {
        const what = j === this.targetIndex ? 'target' : j === this.difficultyIndex ? 'difficulty' : 'feature';
        throw new CsvError(`${where}: missing ${what} value`, this.line, j + 1);
      }
      const value = Number(cell);
      if (!Number.isFinite(value)) throw new CsvError(`${where}: '${cells[j]}' is not a finite number`, this.line, j + 1);
      if (j === this.targetIndex) this.targets[this.rows] = value;
      else if (j === this.difficultyIndex) this.difficulty![this.rows] = value;
      else this.features[offset++] = value;
    }
    this.rows++;
  }

  private acceptHeader(cells: string[]): void {
    const names = cells.map((cell) => cell.trim());
    if (names.length > this.limits.maxColumns) {
      throw new CsvError(`the header has ${names.length} columns; at most ${this.limits.maxColumns} are allowed`, 1, 0, 'columns');
    }
    names.forEach((name, j) => {
      if (name === '') throw new CsvError(`line 1, column ${j + 1}: empty column name`, 1, j + 1);
      if (names.indexOf(name) !== j) throw new CsvError(`line 1, column ${j + 1}: duplicate column name '${name}'`, 1, j + 1);
    });
    this.targetIndex = this.columnIndex(names, this.options.targetColumn ?? names.length - 1, 'target');
    if (this.options.difficultyColumn !== undefined) {
      this.difficultyIndex = this.columnIndex(names, this.options.difficultyColumn, 'difficulty');
      if (this.difficultyIndex === this.targetIndex) throw new CsvError('the difficulty column cannot be the target column', 1, 0);
      this.difficulty = new Float64Array(this.targets.length);
    }
    if (names.length - 1 - (this.difficultyIndex >= 0 ? 1 : 0) < 1) {
      throw new CsvError('the header needs at least one feature column besides the target', 1, 0);
    }
    this.header = names;
  }

  private columnIndex(names: string[], column: string | number, role: string): number {
    const index = typeof column === 'number' ? column : names.indexOf(column);
    if (!Number.isInteger(index) || index < 0 || index >= names.length) {
      throw new CsvError(`the ${role} column '${column}' is not in the header (${names.join(', ')})`, 1, 0);
    }
    return index;
  }

  /** Grows the row buffers (doubling) so that one more row fits. */
  private reserve(columns: number): void {
    if (this.rows < this.targets.length && (this.rows + 1) * columns <= this.features.length) return;
    const grow = (array: Float64Array, size: number) => {
      const larger = new Float64Array(Math.max(size, array.length * 2));
      larger.set(array);
      return larger;
    };
    if ((this.rows + 1) * columns > this.features.length) this.features = grow(this.features, (this.rows + 1) * columns);
    if (this.rows >= this.targets.length) {
      this.targets = grow(this.targets, this.rows + 1);
      if (this.difficulty) this.difficulty = grow(this.difficulty, this.rows + 1);
    }
  }
}

/** Parses a whole CSV text (see CsvDatasetParser). */
export function parseCsvDataset(text: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const parser = new CsvDatasetParser(options);
  parser.push(text);
  return parser.finish();
}

/** Splits one line at commas, honouring double quotes. */
function splitFields(text: string, line: number): string[] {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new CsvError(`line ${line}, column ${fields.length + 1}: unterminated quoted field`, line, fields.length + 1);
  fields.push(field);
  return fields;
}

function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // 2 bytes below U+0800, 3 above, 4 for a surrogate pair (2 per half).
    if (code >= 0x80) length += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return length;
}
