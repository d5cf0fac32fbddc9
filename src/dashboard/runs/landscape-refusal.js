/**
 * A landscape the API refused (422: the objective cannot be built, say), as a run's page and a
 * compare view show it in the contour plot's place.
 */
import { h } from '../dom.js';

/**
 * Why the API refused the landscape, readably: the problem's title and what its detail says in
 * words (a validation's issues by path and message, not their JSON), with the detail in full
 * under it, folded.
 */
export function landscapeRefusal(error) {
  const detail = error.problem?.detail ?? error.message;
  const said = [];
  const jsonAt = detail.search(/[[{]/);
  const prose = (jsonAt < 0 ? detail : detail.slice(0, jsonAt)).split('\n')[0].trim().replace(/:$/, '');
  if (prose) said.push(prose);
  if (jsonAt >= 0) {
    try {
      const parsed = JSON.parse(detail.slice(jsonAt));
      const issues = (Array.isArray(parsed) ? parsed : [parsed]).filter((issue) => typeof issue?.message === 'string');
      said.push(...issues.map((issue) => (Array.isArray(issue.path) && issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)));
    } catch {
      // Not JSON after all: the prose before it is what is said, the rest is in the details.
    }
  }
  const title = error.problem?.title;
  const summary = [title && title !== detail ? title : null, said.join('; ')].filter(Boolean).join(': ');
  return [
    h('p', { class: 'muted landscape-note' }, `No contour plot: ${summary || detail}`),
    summary && summary !== detail ? h('details', { class: 'landscape-refusal' }, h('summary', {}, 'What the API said'), h('pre', {}, detail)) : null,
  ].filter(Boolean);
}
