/** A sweep spec posted to /v1/runs, or a run spec to /v1/sweeps: one problem naming where it goes. */
import { otherSpecKind, type SpecKind } from '../../contracts/spec-kind.ts';
import { AppError } from '../errors/app-error.ts';

const whereItGoes: Record<SpecKind, string> = {
  run: 'submit it with POST /v1/sweeps',
  sweep: 'submit it with POST /v1/runs, or put it under `base` beside the `parameters` to search',
};

/**
 * A route's preValidation: a body of the other kind of spec is refused with a problem that says
 * so, where validation would list an "Unknown field" for each of its fields and the fields it lacks.
 */
export function refuseOtherSpecKind(expected: SpecKind) {
  return async (request: { body: unknown }): Promise<void> => {
    const said = otherSpecKind(request.body, expected);
    if (said === null) return;
    const detail = `${said}: ${whereItGoes[expected]}.`;
    throw new AppError(400, 'validation_failed', 'The request is invalid', { detail, errors: [{ path: '', message: detail, code: 'other_spec_kind' }] });
  };
}
