/**
 * CSV datasets for uploads and `{ "path": "file.csv" }` specs. The first line is a header of
 * column names; every other non-empty line is one row of decimal numbers. One column is the target
 * (default: the last), an optional one the difficulty (curriculum learning); the rest are
 * features. Records are split by csv-parse: double-quoted fields ("" escapes a quote) may span
 * lines, a UTF-8 byte-order mark is skipped, lines end in LF or CRLF, spaces around fields are
 * ignored. Input may arrive in chunks (strings or UTF-8 bytes), so uploads stream through
 * without holding the text. Every rejection names the line (the header is line 1) and the column.
 */
import { parse as parseStream, CsvError as ParseError, type Info, type Options as ParseOptions, type Parser } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';
import { datasetLimits, type Dataset } from './dataset.ts';
import { joinBlocks, type DatasetBlock, type DatasetShape } from './dataset-blocks.ts';
import { unstorableTextReason } from '../unstorable-text.ts';

interface CsvLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxBytes: number;
}

const defaultCsvLimits: CsvLimits = { maxRows: datasetLimits.maxRows, maxColumns: 10_000, maxBytes: 256 * 1024 * 1024 };

export interface CsvOptions {
  /** Name or 0-based index of the target column; default the last column. */
  readonly targetColumn?: string | number;
  /** Name or 0-based index of a difficulty column for curriculum learning; default none. */
  readonly difficultyColumn?: string | number;
  readonly limits?: Partial<CsvLimits>;
  /**
   * Values per block, about (each row's features and target): a reader hands out each block of
   * rows (takeBlocks) as soon as it is read, instead of holding every row until the end.
   * Default: one block, the whole file.
   */
  readonly blockValues?: number;
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

/** Column names are at most as long as a JSON dataset's `columnNames`. */
const maxColumnNameLength = 200;
/** Characters of a cell or a name an error quotes: enough to recognise it, however large it is. */
const quotedLength = 40;
/** Column names an error lists. */
const listedNames = 10;

/** A cell or a name as an error quotes it: whole when short, else its start and its length. */
function quoted(text: string): string {
  return text.length <= quotedLength ? `'${text}'` : `'${text.slice(0, quotedLength)}…' (${text.length} characters)`;
}

/** The value of a cell; NaN when it is not a decimal number (Number also reads `0x10`, `0o7`, `0b1`). */
function decimal(cell: string): number {
  const radix = cell.length > 2 && cell.charCodeAt(0) === 48 ? cell.charCodeAt(1) | 32 : 0;
  return radix === 98 || radix === 111 || radix === 120 ? NaN : Number(cell);
}

/** How records are split (the same for a stream and a whole text). */
const parseOptions: ParseOptions = { bom: true, trim: true, relax_column_count: true, skip_empty_lines: true };

/** Builds the dataset record by record: the header first, then rows of numbers. */
class DatasetBuilder {
  private bytes = 0;
  private header: string[] | null = null;
  private targetIndex = -1;
  private difficultyIndex = -1;
  /** Data rows read so far. */
  rows = 0;
  /** Rows of the block being filled. */
  private blockRows = 0;
  private readonly sealed: DatasetBlock[] = [];
  private features = new Float64Array(1024);
  private targets = new Float64Array(256);
  private difficulty: Float64Array | null = null;
  /** The first problem with a record. */
  failure: CsvError | null = null;

  constructor(
    private readonly options: CsvOptions,
    readonly limits: CsvLimits,
  ) {}

  /**
   * Takes the record that ends on `line`; a problem becomes `failure` (and is thrown) on the
   * spot, even where the parser would report it a turn later.
   */
  take(record: string[], line: number): void {
    if (this.failure) return;
    try {
      this.accept(record, line);
    } catch (error) {
      this.failure = error as CsvError;
      throw error;
    }
  }

  /** Counts the bytes of the next piece of input, against the limit. */
  count(bytes: number, line: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.maxBytes) throw new CsvError(`the file exceeds ${this.limits.maxBytes} bytes`, line, 0, 'bytes');
  }

  private accept(cells: string[], line: number): void {
    if (cells.length === 1 && cells[0] === '') return;
    if (this.header === null) {
      this.acceptHeader(cells);
      return;
    }
    const header = this.header;
    if (cells.length !== header.length) {
      const column = Math.min(cells.length, header.length) + 1;
      throw new CsvError(`line ${line} has ${cells.length} fields, the header has ${header.length}`, line, column);
    }
    if (this.rows >= this.limits.maxRows) throw new CsvError(`the file has more than ${this.limits.maxRows} data rows`, line, 0, 'rows');
    const columns = header.length - 1 - (this.difficultyIndex >= 0 ? 1 : 0);
    if ((this.rows + 1) * columns > datasetLimits.maxDenseCells) {
      throw new CsvError(`the file has more than ${datasetLimits.maxDenseCells} cells (rows × feature columns)`, line, 0, 'rows');
    }
    if (this.blockRows * (columns + 1) >= (this.options.blockValues ?? Infinity)) this.seal();
    this.reserve(columns);
    const row = this.blockRows;
    let offset = row * columns;
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j];
      const where = `line ${line}, column ${j + 1} ('${header[j]}')`;
      if (cell === '') {
        const what = j === this.targetIndex ? 'target' : j === this.difficultyIndex ? 'difficulty' : 'feature';
        throw new CsvError(`${where}: missing ${what} value`, line, j + 1);
      }
      const value = decimal(cell);
      if (!Number.isFinite(value)) throw new CsvError(`${where}: ${quoted(cell)} is not a finite number`, line, j + 1);
      if (j === this.targetIndex) this.targets[row] = value;
      else if (j === this.difficultyIndex) this.difficulty![row] = value;
      else this.features[offset++] = value;
    }
    this.rows++;
    this.blockRows++;
  }

  /** The layout and names, once the header is read. */
  get shape(): DatasetShape | null {
    if (this.header === null) return null;
    const columnNames = this.header.filter((_, j) => j !== this.targetIndex && j !== this.difficultyIndex);
    return { layout: 'dense', columns: columnNames.length, columnNames, targetName: this.header[this.targetIndex]!, difficulty: this.difficulty !== null };
  }

  /** Ends the block being filled (copies of its rows; the buffers are filled again). */
  private seal(): void {
    if (this.blockRows === 0) return;
    const rows = this.blockRows;
    const columns = this.shape!.columns;
    this.sealed.push({
      rows,
      features: { kind: 'dense', values: this.features.slice(0, rows * columns) },
      targets: this.targets.slice(0, rows),
      ...(this.difficulty ? { difficulty: this.difficulty.slice(0, rows) } : {}),
    });
    this.blockRows = 0;
  }

  /** The blocks filled since the last call. */
  takeBlocks(): DatasetBlock[] {
    return this.sealed.splice(0);
  }

  private acceptHeader(names: string[]): void {
    if (names.length > this.limits.maxColumns) {
      throw new CsvError(`the header has ${names.length} columns; at most ${this.limits.maxColumns} are allowed`, 1, 0, 'columns');
    }
    // A set, not names.indexOf per name: the header of 10,000 columns took 0.4 s on the event loop that way.
    const seen = new Set<string>();
    names.forEach((name, j) => {
      if (name === '') throw new CsvError(`line 1, column ${j + 1}: empty column name`, 1, j + 1);
      const unstorable = unstorableTextReason(name);
      if (unstorable !== null) throw new CsvError(`line 1, column ${j + 1}: the column name ${unstorable}`, 1, j + 1);
      if (name.length > maxColumnNameLength) {
        throw new CsvError(`line 1, column ${j + 1}: the column name has ${name.length} characters; at most ${maxColumnNameLength} are allowed`, 1, j + 1);
      }
      if (seen.has(name)) throw new CsvError(`line 1, column ${j + 1}: duplicate column name ${quoted(name)}`, 1, j + 1);
      seen.add(name);
    });
    this.targetIndex = columnIndex(names, this.options.targetColumn ?? names.length - 1, 'target');
    if (this.options.difficultyColumn !== undefined) {
      this.difficultyIndex = columnIndex(names, this.options.difficultyColumn, 'difficulty');
      if (this.difficultyIndex === this.targetIndex) throw new CsvError('the difficulty column cannot be the target column', 1, 0);
      this.difficulty = new Float64Array(this.targets.length);
    }
    if (names.length - 1 - (this.difficultyIndex >= 0 ? 1 : 0) < 1) {
      throw new CsvError('the header needs at least one feature column besides the target', 1, 0);
    }
    this.header = names;
  }

  /** Once the input has ended: checks it had rows and seals the last block. */
  end(): DatasetShape {
    if (this.header === null) throw new CsvError('the file is empty: expected a header row and data rows', 1, 0);
    if (this.rows === 0) throw new CsvError('the file has a header but no data rows', 2, 0);
    this.seal();
    return this.shape!;
  }

  /** The dataset, once the input has ended (the blocks not taken yet). */
  finish(): Dataset {
    const shape = this.end();
    return joinBlocks(shape, this.takeBlocks());
  }

  /** Grows the row buffers (doubling) so that one more row fits. */
  private reserve(columns: number): void {
    if (this.blockRows < this.targets.length && (this.blockRows + 1) * columns <= this.features.length) return;
    const grow = (array: Float64Array, size: number) => {
      const larger = new Float64Array(Math.max(size, array.length * 2));
      larger.set(array);
      return larger;
    };
    const rows = this.blockRows;
    if ((rows + 1) * columns > this.features.length) this.features = grow(this.features, (rows + 1) * columns);
    if (rows >= this.targets.length) {
      this.targets = grow(this.targets, rows + 1);
      if (this.difficulty) this.difficulty = grow(this.difficulty, rows + 1);
    }
  }
}

function columnIndex(names: string[], column: string | number, role: string): number {
  const index = typeof column === 'number' ? column : names.indexOf(column);
  if (!Number.isInteger(index) || index < 0 || index >= names.length) {
    const listed = names.length <= listedNames ? names.join(', ') : `${names.slice(0, listedNames).join(', ')}, … ${names.length} columns`;
    throw new CsvError(`the ${role} column ${quoted(String(column))} is not in the header (${listed})`, 1, 0);
  }
  return index;
}

/** Our error for one of the parser's (a quote left open, text after a closing quote, …). */
function fromParseError(error: unknown): unknown {
  if (error instanceof CsvError || !(error instanceof ParseError)) return error;
  const { lines, index } = error as ParseError & { lines?: number; index?: number };
  const line = lines ?? 0;
  const column = (index ?? 0) + 1;
  const what: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
    CSV_INVALID_CLOSING_QUOTE: 'a closing quote must be followed by a comma or the end of the line',
    INVALID_OPENING_QUOTE: 'a quote may only open a field',
  };
  return new CsvError(`line ${line}, column ${column}: ${what[error.code] ?? error.message}`, line, column);
}

/** UTF-8 text of the bytes, chunk after chunk; an invalid sequence is a CsvError. */
class Utf8 {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  decode(bytes: Uint8Array, stream: boolean, line: number): string {
    try {
      return this.decoder.decode(bytes, { stream });
    } catch {
      throw new CsvError('the file is not valid UTF-8 text', line, 0);
    }
  }
}

/**
 * Reads a CSV dataset piece by piece: `push` each chunk as it arrives (it throws as soon as the
 * input is known to be bad), then `finish`.
 */
export class CsvDatasetReader {
  private readonly builder: DatasetBuilder;
  private readonly parser: Parser;
  private readonly utf8 = new Utf8();
  private readonly ended: Promise<void>;

  constructor(options: CsvOptions = {}) {
    this.builder = new DatasetBuilder(options, { ...defaultCsvLimits, ...options.limits });
    this.parser = parseStream(parseOptions);
    this.ended = new Promise<void>((resolve, reject) => {
      this.parser.on('end', resolve);
      this.parser.on('error', (error) => reject(fromParseError(error)));
    });
    this.ended.catch(() => undefined);
    // Flowing: each record is handed over as soon as it is split, while info.lines is its line.
    this.parser.on('data', (record: string[]) => {
      try {
        this.builder.take(record, this.line);
      } catch {
        // Kept as the builder's failure: the next push or finish throws it.
      }
    });
  }

  private get line(): number {
    return this.parser.info.lines;
  }

  /** Feeds the next piece of the file. */
  push(chunk: string | Uint8Array): void {
    if (this.builder.failure) throw this.builder.failure;
    this.builder.count(typeof chunk === 'string' ? utf8Length(chunk) : chunk.length, this.line);
    const text = typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, true, this.line);
    if (text.length > 0) this.parser.write(text);
    if (this.builder.failure) throw this.builder.failure;
  }

  /** The layout and names, once the header is read. */
  get shape(): DatasetShape | null {
    return this.builder.shape;
  }

  /** The blocks of rows read since the last call (see CsvOptions.blockValues). */
  takeBlocks(): DatasetBlock[] {
    return this.builder.takeBlocks();
  }

  /** Ends the input; the last block is then among takeBlocks'. Resolves to the layout and names, and the rows read. */
  async end(): Promise<{ readonly shape: DatasetShape; readonly rows: number }> {
    if (this.builder.failure) throw this.builder.failure;
    const rest = this.utf8.decode(new Uint8Array(0), false, this.line);
    if (rest.length > 0) this.parser.write(rest);
    this.parser.end();
    await this.ended;
    if (this.builder.failure) throw this.builder.failure;
    return { shape: this.builder.end(), rows: this.builder.rows };
  }

  /** Ends the input and returns the dataset (the blocks not taken yet). */
  async finish(): Promise<Dataset> {
    const { shape } = await this.end();
    return joinBlocks(shape, this.takeBlocks());
  }
}

/** Parses a whole CSV text at once (see CsvDatasetReader). */
export function parseCsvDataset(text: string | Uint8Array, options: CsvOptions = {}): Dataset {
  const builder = new DatasetBuilder(options, { ...defaultCsvLimits, ...options.limits });
  builder.count(typeof text === 'string' ? utf8Length(text) : text.length, 1);
  const decoded = typeof text === 'string' ? text : new Utf8().decode(text, false, 1);
  try {
    parseText(decoded, {
      ...parseOptions,
      on_record: (record: string[], info: Info) => {
        builder.take(record, info.lines);
        return null;
      },
    });
  } catch (error) {
    throw fromParseError(error);
  }
  return builder.finish();
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
