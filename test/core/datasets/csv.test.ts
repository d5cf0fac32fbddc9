import { describe, expect, it } from 'vitest';
import { CsvDatasetReader, CsvError, parseCsvDataset } from '../../../src/core/datasets/csv.ts';
import { joinBlocks, type DatasetBlock } from '../../../src/core/datasets/dataset-blocks.ts';

describe('CSV datasets', () => {
  it('reads a header and numeric rows, the last column as target by default', () => {
    const dataset = parseCsvDataset('a,b,y\n1,2,0\n-3.5,4e-2,1\r\n\n');
    expect(dataset.rows).toBe(2);
    expect(dataset.columns).toBe(2);
    expect(dataset.columnNames).toEqual(['a', 'b']);
    expect(dataset.targetName).toBe('y');
    expect(Array.from(dataset.features.kind === 'dense' ? dataset.features.values : [])).toEqual([1, 2, -3.5, 0.04]);
    expect(Array.from(dataset.targets)).toEqual([0, 1]);
  });

  it('takes the target and a difficulty column by name or index, and quoted fields', () => {
    const text = '"label",x,"hard ""level""",z\n1,0.5,3,7\n0,1.5,1,8\n';
    const dataset = parseCsvDataset(text, { targetColumn: 'label', difficultyColumn: 2 });
    expect(dataset.columnNames).toEqual(['x', 'z']);
    expect(Array.from(dataset.targets)).toEqual([1, 0]);
    expect(Array.from(dataset.difficulty!)).toEqual([3, 1]);
  });

  it('streams: any chunking, strings or bytes, gives the same dataset', async () => {
    const text = 'x1,x2,y\n' + Array.from({ length: 500 }, (_, i) => `${i},${i / 7},${i % 3}`).join('\n');
    const whole = parseCsvDataset(text);
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 3, 17, 4096]) {
      const reader = new CsvDatasetReader();
      for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
      expect(await reader.finish()).toEqual(whole);
    }
  });

  it('quoted fields may span lines; lines are counted through them', () => {
    const dataset = parseCsvDataset('"first\nfeature",y\n1,2\n3,4\n');
    expect(dataset.columnNames).toEqual(['first\nfeature']);
    expect(Array.from(dataset.targets)).toEqual([2, 4]);
    expect(() => parseCsvDataset('"first\nfeature",y\n1,2\n3,x\n')).toThrow(/line 4, column 2 \('y'\): 'x' is not a finite number/);
  });

  it('skips a byte-order mark and reads CRLF line ends, from text or bytes', async () => {
    const text = '\uFEFFa,b,y\r\n1,2,3\r\n4,5,6\r\n';
    const expected = { columnNames: ['a', 'b'], targetName: 'y', rows: 2 };
    expect(parseCsvDataset(text)).toMatchObject(expected);
    expect(parseCsvDataset(new TextEncoder().encode(text))).toMatchObject(expected);
    const reader = new CsvDatasetReader();
    reader.push(Uint8Array.of(0xef, 0xbb));
    reader.push(new TextEncoder().encode(text).subarray(2));
    expect(await reader.finish()).toMatchObject(expected);
  });

  const bad: [string, string, Record<string, unknown>, RegExp, number, number][] = [
    ['empty file', '', {}, /the file is empty/, 1, 0],
    ['only blank lines', '\n\n', {}, /the file is empty/, 1, 0],
    ['header only', 'a,b,y\n', {}, /no data rows/, 2, 0],
    ['ragged row (short)', 'a,b,y\n1,2,3\n4,5\n', {}, /line 3 has 2 fields, the header has 3/, 3, 3],
    ['ragged row (long)', 'a,b,y\n1,2,3,4\n', {}, /line 2 has 4 fields, the header has 3/, 2, 4],
    ['non-numeric cell', 'a,b,y\n1,2,3\n4,abc,6\n', {}, /line 3, column 2 \('b'\): 'abc' is not a finite number/, 3, 2],
    ['infinite cell', 'a,b,y\n1,Infinity,3\n', {}, /line 2, column 2 \('b'\): 'Infinity' is not a finite number/, 2, 2],
    ['hexadecimal cell', 'a,b,y\n1,0x10,3\n', {}, /line 2, column 2 \('b'\): '0x10' is not a finite number/, 2, 2],
    ['binary target', 'a,b,y\n1,2,0b1\n', {}, /line 2, column 3 \('y'\): '0b1' is not a finite number/, 2, 3],
    ['octal cell', 'a,b,y\n0o7,2,3\n', {}, /line 2, column 1 \('a'\): '0o7' is not a finite number/, 2, 1],
    ['missing target', 'a,b,y\n1,2,3\n4,5,\n', {}, /line 3, column 3 \('y'\): missing target value/, 3, 3],
    ['missing feature', 'a,b,y\n,2,3\n', {}, /line 2, column 1 \('a'\): missing feature value/, 2, 1],
    ['unknown target column', 'a,b,y\n1,2,3\n', { targetColumn: 'label' }, /target column 'label' is not in the header/, 1, 0],
    ['duplicate column', 'a,a,y\n1,2,3\n', {}, /line 1, column 2: duplicate column name 'a'/, 1, 2],
    ['empty column name', 'a,,y\n1,2,3\n', {}, /line 1, column 2: empty column name/, 1, 2],
    ['column name too long', `a,${'n'.repeat(201)},y\n1,2,3\n`, {}, /line 1, column 2: the column name has 201 characters; at most 200 are allowed/, 1, 2],
    ['target only', 'y\n1\n', {}, /at least one feature column/, 1, 0],
    ['unterminated quote', 'a,b,y\n1,"2,3\n', {}, /line 2, column 2: unterminated quoted field/, 2, 2],
    ['text after a closing quote', 'a,b,y\n1,"2"x,3\n', {}, /line 2, column 2: a closing quote must be followed by a comma/, 2, 2],
    ['too many rows', 'a,y\n1,2\n3,4\n5,6\n', { limits: { maxRows: 2 } }, /more than 2 data rows/, 4, 0],
    ['too many columns', 'a,b,c,y\n1,2,3,4\n', { limits: { maxColumns: 3 } }, /4 columns; at most 3/, 1, 0],
    ['too many bytes', 'a,y\n1,2\n3,4\n', { limits: { maxBytes: 8 } }, /exceeds 8 bytes/, 1, 0],
  ];

  it.each(bad)('rejects %s with line and column', (_name, text, options, message, line, column) => {
    let error: unknown;
    try {
      parseCsvDataset(text, options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toMatch(message);
    expect([(error as CsvError).line, (error as CsvError).column]).toEqual([line, column]);
  });

  it.each(bad)('rejects %s with line and column when streamed in pieces', async (_name, text, options, message, line, column) => {
    const reader = new CsvDatasetReader(options);
    const bytes = new TextEncoder().encode(text);
    const error = await (async () => {
      for (let i = 0; i < bytes.length; i += 3) reader.push(bytes.subarray(i, i + 3));
      return reader.finish();
    })().then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).message).toMatch(message);
    expect([(error as CsvError).line, (error as CsvError).column]).toEqual([line, column]);
  });

  it('quotes a long cell or name in a few words, so an error stays small however large the input', () => {
    const long = 'z'.repeat(100_000);
    const messageOf = (text: string, options = {}) => {
      try {
        parseCsvDataset(text, options);
      } catch (error) {
        return (error as CsvError).message;
      }
      throw new Error('the CSV was accepted');
    };
    const cell = messageOf(`a,y\n1,${long}\n`);
    expect(cell).toMatch(/^line 2, column 2 \('y'\): 'z+…' \(100000 characters\) is not a finite number$/);
    expect(cell.length).toBeLessThan(200);
    const names = Array.from({ length: 5000 }, (_, i) => `column${i}`).join(',');
    const target = messageOf(`${names}\n${Array(5000).fill(1).join(',')}\n`, { targetColumn: 'label' });
    expect(target).toMatch(/^the target column 'label' is not in the header \(column0, column1, .*, … 5000 columns\)$/);
    expect(target.length).toBeLessThan(300);
    expect(messageOf(`${'d'.repeat(150)},${'d'.repeat(150)},y\n1,2,3\n`)).toMatch(/^line 1, column 2: duplicate column name 'd+…' \(150 characters\)$/);
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(() => parseCsvDataset(Uint8Array.of(0x61, 0x2c, 0x79, 0x0a, 0xff, 0x2c, 0x31, 0x0a))).toThrow(/not valid UTF-8/);
  });
});

describe('CSV in blocks', () => {
  it('hands out blocks of rows as they are read, which join into the dataset a whole parse gives', async () => {
    const text = `a,b,d,y\n${Array.from({ length: 1000 }, (_, i) => `${i},${-i / 3},${i % 7},${i % 2}`).join('\n')}\n`;
    const reader = new CsvDatasetReader({ difficultyColumn: 'd', blockValues: 90 });
    const blocks: DatasetBlock[] = [];
    for (let i = 0; i < text.length; i += 997) {
      reader.push(text.slice(i, i + 997));
      blocks.push(...reader.takeBlocks());
    }
    // Blocks leave while the file is still being read, each of 30 rows (3 values a row).
    expect(blocks.length).toBeGreaterThan(20);
    expect(blocks.every((block) => block.rows === 30)).toBe(true);
    const { shape, rows } = await reader.end();
    blocks.push(...reader.takeBlocks());
    expect(rows).toBe(1000);
    expect(joinBlocks(shape, blocks)).toEqual(parseCsvDataset(text, { difficultyColumn: 'd' }));
  });
});
