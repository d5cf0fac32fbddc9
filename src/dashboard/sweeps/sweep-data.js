/** Loading what the sweep pages show: each function fetches one thing and returns plain data. */
import { getJson } from '../api.js';

/** Trials read for a sweep page, at most (the leaderboard's first page). */
const trialLimit = 1000;

/**
 * A page of sweeps, newest first: `{ body: { sweeps, nextCursor }, changed }`, `changed` false
 * when the server answered 304 for the page held (the same body).
 */
export async function loadSweeps({ status = '', cursor = '' } = {}) {
  const query = new URLSearchParams({ limit: '25' });
  if (status) query.set('status', status);
  if (cursor) query.set('cursor', cursor);
  return getJson(`/v1/sweeps?${query}`);
}

export const loadSweep = async (id) => (await getJson(`/v1/sweeps/${id}`)).body;

/** The leaderboard, best first. */
export const loadTrials = async (id) => (await getJson(`/v1/sweeps/${id}/trials?limit=${trialLimit}`)).body.items;

/** A parameter value for people: numbers to a few digits. */
export const parameterText = (value, format) => (typeof value === 'number' ? format(value, 4) : String(value));
