/**
 * CSV uploads (`Content-Type: text/csv`). The body is not buffered: the content-type parser
 * hands the route the request stream itself, and the route feeds it chunk by chunk to the
 * core's CSV reader, counting bytes, so memory holds the parsed numbers and one chunk of text.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { CsvDatasetReader, CsvError, type Dataset } from '../../../core/datasets/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { validatorCompiler } from '../../plugins/validator-compiler.ts';

const csvContentType = 'text/csv';

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

/** Registers the streaming text/csv parser in `scope` (the datasets routes only). */
export function registerCsvBodyParser(scope: FastifyInstance, limits: DatasetUploadLimits): void {
  scope.addContentTypeParser(csvContentType, (request, payload, done) => {
    // A declared length over the limit is refused before reading a byte.
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
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
 * and column); JSON bodies and every other part go through the zod validator.
 */
export const csvAwareValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = validatorCompiler({ ...route, schema: route.schema as z.ZodType });
  if (route.httpPart !== 'body') return validate;
  return (data) => (isCsvBody(data) ? { value: data } : validate(data));
};

export interface CsvColumns {
  readonly target?: string;
  readonly difficulty?: string;
}

/** Reads the whole CSV body into a dataset, enforcing the limits (413) and the format (422). */
export async function readCsvUpload(body: CsvBody, columns: CsvColumns, limits: DatasetUploadLimits): Promise<Dataset> {
  const reader = new CsvDatasetReader({
    ...(columns.target === undefined ? {} : { targetColumn: columns.target }),
    ...(columns.difficulty === undefined ? {} : { difficultyColumn: columns.difficulty }),
    limits: { maxRows: limits.maxRows, maxColumns: limits.maxColumns, maxBytes: limits.maxBytes },
  });
  let bytes = 0;
  try {
    await consume(body.stream, (chunk) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) throw bytesLimit(limits);
      reader.push(chunk);
    });
    return await reader.finish();
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
 * Feeds every chunk of `stream` to `onChunk`, in order. On an error (from the stream or
 * `onChunk`) stops reading and leaves the rest unread: Node discards it after the response,
 * and the connection survives to carry the error response.
 */
function consume(stream: Readable, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', finish);
      if (error === undefined) resolve();
      else {
        stream.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer | string) => {
      try {
        onChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      } catch (error) {
        finish(error);
      }
    };
    const onEnd = () => finish();
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', finish);
  });
}
