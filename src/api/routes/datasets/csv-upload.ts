/**
 * CSV uploads (`Content-Type: text/csv`). The body is not buffered: the content-type parser
 * hands the route the request stream itself, and the route feeds it chunk by chunk to the
 * core's CSV reader, counting bytes, and each block of rows it parses to the database as soon as
 * it is complete (src/db/dataset-uploads.ts), so memory holds one chunk of text and one block
 * of rows, whatever the size of the file. The next chunk is read once the block is written.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { CsvDatasetReader, CsvError, type DatasetBlock, type DatasetShape } from '../../../core/datasets/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { validatorCompiler } from '../../plugins/validator-compiler.ts';
import { clientWentAway } from '../client-gone.ts';

export const csvContentType = 'text/csv';

/** What one upload may hold; larger uploads get 413. */
export interface DatasetUploadLimits {
  readonly maxBytes: number;
  readonly maxRows: number;
  readonly maxColumns: number;
}

export const tooLarge = (detail: string) => new AppError(413, 'dataset_too_large', 'The dataset is too large', { detail });

const bytesLimit = (limits: DatasetUploadLimits) =>
  tooLarge(`The upload exceeds ${limits.maxBytes} bytes; split it or raise the server's DATASET_MAX_BYTES.`);

/** The body of a CSV upload as the route receives it: the unread request stream. */
export interface CsvBody {
  readonly stream: Readable;
}

export function isCsvBody(body: unknown): body is CsvBody {
  return typeof body === 'object' && body !== null && csvBodies.has(body);
}

const csvBodies = new WeakSet<object>();

/**
 * The body of a JSON upload as the route receives it: its bytes, read with the byte limit
 * counted as they arrive, not yet parsed (the objective thread parses and validates them, see
 * src/api/objective-thread/parse-dataset-upload.ts). The bytes are an array of their own, which
 * can move to the thread without a copy.
 */
export interface JsonUploadBody {
  readonly bytes: Uint8Array;
}

export function isJsonUploadBody(body: unknown): body is JsonUploadBody {
  return typeof body === 'object' && body !== null && jsonBodies.has(body);
}

const jsonBodies = new WeakSet<object>();

/** The whole body, refused with 413 `dataset_too_large` as soon as it exceeds the limit, without reading the rest. */
async function readBytes(stream: Readable, limits: DatasetUploadLimits): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunksOf(stream)) {
    length += chunk.length;
    if (length > limits.maxBytes) throw bytesLimit(limits);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Registers the JSON upload parser in `scope` (the datasets routes only), in place of the
 * application's: an empty body is no body, as there; any other is a JsonUploadBody.
 */
export function registerJsonUploadParser(scope: FastifyInstance, limits: DatasetUploadLimits): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', (request, payload, done) => {
    if (declaredTooLarge(request.headers['content-length'], limits)) {
      done(bytesLimit(limits), undefined);
      return;
    }
    readBytes(payload, limits).then((bytes) => {
      if (bytes.length === 0) {
        done(null, undefined);
        return;
      }
      const body: JsonUploadBody = { bytes };
      jsonBodies.add(body);
      done(null, body);
    }, (error: Error) => done(error, undefined));
  });
}

/** A declared length over the limit is refused before reading a byte. */
function declaredTooLarge(contentLength: string | undefined, limits: DatasetUploadLimits): boolean {
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > limits.maxBytes;
}

/** Registers the streaming text/csv parser in `scope` (the datasets routes only). */
export function registerCsvBodyParser(scope: FastifyInstance, limits: DatasetUploadLimits): void {
  scope.addContentTypeParser(csvContentType, (request, payload, done) => {
    if (declaredTooLarge(request.headers['content-length'], limits)) {
      done(bytesLimit(limits), undefined);
      return;
    }
    const body: CsvBody = { stream: payload };
    csvBodies.add(body);
    done(null, body);
  });
}

/**
 * The route's validator: a CSV body passes through (the route parses it, with errors by line
 * and column), and so does a JSON upload's (the objective thread validates it against the same
 * schema); a missing body and every other part go through the zod validator.
 */
export const csvAwareValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = validatorCompiler({ ...route, schema: route.schema as z.ZodType });
  if (route.httpPart !== 'body') return validate;
  return (data) => (isCsvBody(data) || isJsonUploadBody(data) ? { value: data } : validate(data));
};

export interface CsvColumns {
  readonly target?: string;
  readonly difficulty?: string;
}

/** Values per block of rows written at once: about a megabyte. */
const blockValues = 131_072;

/** Where the blocks of a CSV upload go: `write` each as it is parsed (the first call names the shape). */
export interface BlockSink {
  write(shape: DatasetShape, block: DatasetBlock): Promise<void>;
}

/**
 * Reads the CSV body block by block into `sink`, enforcing the limits (413) and the format
 * (422); resolves to the dataset's shape once the body has ended and every block was written.
 */
export async function streamCsvUpload(body: CsvBody, columns: CsvColumns, limits: DatasetUploadLimits, sink: BlockSink): Promise<DatasetShape> {
  const reader = new CsvDatasetReader({
    ...(columns.target === undefined ? {} : { targetColumn: columns.target }),
    ...(columns.difficulty === undefined ? {} : { difficultyColumn: columns.difficulty }),
    limits: { maxRows: limits.maxRows, maxColumns: limits.maxColumns, maxBytes: limits.maxBytes },
    blockValues,
  });
  const drain = async () => {
    for (const block of reader.takeBlocks()) await sink.write(reader.shape!, block);
  };
  let bytes = 0;
  try {
    for await (const chunk of chunksOf(body.stream)) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) throw bytesLimit(limits);
      reader.push(chunk);
      await drain();
    }
    const { shape } = await reader.end();
    await drain();
    return shape;
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error);
    throw error;
  }
}

/** A rejected CSV: beyond a limit (413), or malformed (422), with the line and column. */
function csvProblem(error: CsvError): AppError {
  if (error.limit !== null) return tooLarge(`The CSV upload is too large: ${error.message}.`);
  const where = error.column > 0 && !error.message.includes('column') ? ` (line ${error.line}, column ${error.column})` : '';
  const message = `${error.message}${where}`;
  return new AppError(422, 'invalid_csv', 'The CSV file is invalid', {
    detail: `The CSV upload is invalid: ${message}.`,
    errors: [{ path: '', message, code: 'invalid_csv' }],
  });
}

/**
 * The chunks of `stream`, in order, each read only once the consumer asks for the next: a slow
 * consumer holds the stream back instead of letting it pile up in memory. A consumer that stops
 * early (an error) leaves the rest unread, without destroying the stream: Node discards it after
 * the response, and the connection survives to carry the error response. A stream that closes
 * before its end (its client left, before it was asked for or while it was read) is the 400 of a
 * client that went away, not a wait for chunks that never come.
 */
async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  let ended = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const onReadable = () => wake?.();
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (error: unknown) => {
    failure = { error };
    wake?.();
  };
  const onClose = () => {
    if (stream.readableEnded) return;
    failure ??= { error: clientWentAway() };
    wake?.();
  };
  stream.on('readable', onReadable);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onClose);
  if (stream.destroyed) onClose();
  try {
    for (;;) {
      if (failure) throw (failure as { error: unknown }).error;
      const chunk: Buffer | string | null = stream.read();
      if (chunk !== null) {
        yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
  }
}
