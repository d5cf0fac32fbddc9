/**
 * Loading what a run page shows, apart from drawing it: each function fetches one thing and
 * returns plain data (the views keep it in their state and render it).
 */
import { ApiError, getJson } from '../api.js';
import { metricFieldNames } from '../charts/metric-fields.js';

export const loadRun = async (id) => (await getJson(`/v1/runs/${id}`)).body;

/** Downsampled curves: at most `maxPoints` buckets (mean, min, max per field). */
export async function loadCurves(id, maxPoints) {
  const { body } = await getJson(`/v1/runs/${id}/metrics?fields=${metricFieldNames.join(',')}&maxPoints=${Math.max(2, Math.round(maxPoints))}`);
  return body.points;
}

/**
 * The recorded parameter vectors in step order, first to last, at most about `maxPoints` of them:
 * a longer run's come downsampled, each bucket's parameters those of its last recorded step, so
 * the path always ends where the run is (not where a page limit stopped reading). With `head`,
 * the first `head` recorded steps come as recorded, so the path's beginning keeps its shape.
 */
export async function loadTrajectory(id, maxPoints, { head = 0 } = {}) {
  const [{ body }, first] = await Promise.all([
    getJson(`/v1/runs/${id}/metrics?fields=params&maxPoints=${Math.max(2, Math.round(maxPoints))}`),
    head > 0 ? getJson(`/v1/runs/${id}/metrics?fields=params&limit=${head}`).then(({ body: page }) => page.points) : [],
  ]);
  const rows = (points) => points.filter((point) => point.params).map((point) => ({ step: point.stepEnd ?? point.step, params: point.params }));
  // The first `head` recorded steps as recorded (downsampled, the path's first point would be a
  // bucket's last step, far from the start on a long run), then the buckets after them.
  const early = rows(first);
  const lastEarly = early.at(-1)?.step ?? 0;
  const last = body.points.at(-1);
  // `lastStep`: the last recorded step, with or without parameters (0 when none was recorded).
  return { rows: [...early, ...rows(body.points).filter((row) => row.step > lastEarly)], lastStep: last ? last.stepEnd ?? last.step : 0 };
}

/** The objective's names for the parameter vector (null when too long to name). */
export const loadParameterNames = async (id) => (await getJson(`/v1/runs/${id}/parameters`)).body.names;

/** The landscape under a two-parameter run's trajectory; `ranges` frames it (default: the API's). */
export async function loadLandscape(id, { resolution = 80, xRange, yRange } = {}) {
  const query = new URLSearchParams({ resolution: String(resolution) });
  if (xRange) query.set('xRange', xRange.join(','));
  if (yRange) query.set('yRange', yRange.join(','));
  try {
    return { landscape: (await getJson(`/v1/runs/${id}/landscape?${query}`)).body, refusal: null };
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) return { landscape: null, refusal: error };
    throw error;
  }
}

/**
 * The best step early stopping found, to mark on the curves (the run view's and the compare
 * view's): of a run it stopped, or whose parameters it put back to the best ones (null otherwise).
 */
export function earlyStoppingBest(run) {
  const result = run?.result;
  if (!result?.best || !(result.stopReason === 'early_stopping' || result.restoredBest)) return null;
  return result.best;
}

/**
 * How many parameters the run's objective has, as far as the spec and the result tell without
 * building it (null when only the recorded parameters can tell).
 */
export function knownDimension(run) {
  if (run.result?.params) return run.result.params.length;
  const objective = run.spec.objective;
  if (objective.type === 'expression') return objective.variables.length;
  if (objective.type === 'benchmark') return objective.dimensions ?? objective.initial?.length ?? 2;
  return null;
}
