/** A ProblemError's message: the problem in one line, as `descent` prints it on stderr. */
import { describe, expect, it } from 'vitest';
import { ProblemError, type Problem } from '../../src/client/problem-error.ts';

const problem = (fields: Partial<Problem>): Problem => ({ type: 'urn:descent:problem:validation_failed', status: 400, code: 'validation_failed', title: 'The request is invalid', ...fields }) as Problem;

describe('ProblemError', () => {
  it('joins the detail and each field\'s message with "; ", without the period that ends each (no ".;")', () => {
    const error = new ProblemError(400, problem({
      detail: 'The request body is invalid: optimizer.name, base.',
      errors: [
        { path: 'optimizer.name', message: 'Invalid option: expected one of "sgd"|"adam"', code: 'invalid_union' },
        { path: 'base', message: 'Unknown field.', code: 'unrecognized_keys' },
      ],
    }));
    expect(error.message).toBe('validation_failed: The request body is invalid: optimizer.name, base; optimizer.name: Invalid option: expected one of "sgd"|"adam"; base: Unknown field.');
  });

  it('leaves out an issue whose message is the detail itself', () => {
    const detail = 'This is a sweep spec (it has `base` and `parameters`), not a run spec: submit it with POST /v1/sweeps.';
    expect(new ProblemError(400, problem({ detail, errors: [{ path: '', message: detail, code: 'other_spec_kind' }] })).message).toBe(`validation_failed: ${detail}`);
  });

  it('leaves out an issue about the whole body that the detail already quotes', () => {
    const issue = "line 2, column 2 ('b'): 'x' is not a finite number";
    const detail = `The CSV upload is invalid: ${issue}.`;
    const error = new ProblemError(422, problem({ code: 'invalid_csv', status: 422, detail, errors: [{ path: '', message: issue, code: 'invalid_csv' }] }));
    expect(error.message).toBe(`invalid_csv: ${detail}`);
  });

  it('leaves out a field issue whose message is the detail itself', () => {
    const detail = 'Expected number, received string.';
    const error = new ProblemError(400, problem({ detail, errors: [{ path: 'optimizer.learningRate', message: detail, code: 'invalid_type' }] }));
    expect(error.message).toBe(`validation_failed: ${detail}`);
  });

  it('keeps a lone detail as it is', () => {
    expect(new ProblemError(404, problem({ code: 'not_found', detail: 'There is no run x.' })).message).toBe('not_found: There is no run x.');
  });
});
