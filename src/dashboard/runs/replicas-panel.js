/**
 * What the replicas of a parallel run did (`result.parallel`): the algorithm and its execution,
 * communication rounds, throughput, staleness (mean, median, p99, max: the updates other
 * replicas made between a replica's read and its write), distance to the center, and one row per
 * replica with its steps, exchanges and distance.
 */
import { h } from '../dom.js';
import { formatNumber } from '../format.js';
import { scrollingTable } from '../table-scroll.js';

const fact = (term, value, name) => [h('dt', {}, term), h('dd', { 'data-parallel': name }, value)];

export function renderReplicas(report) {
  const { staleness, centerDistance } = report;
  return h('section', { class: 'replicas', 'aria-labelledby': 'replicas-title' },
    h('h3', { id: 'replicas-title' }, `Replicas: ${report.replicas} × ${report.algorithm} (${report.execution})`),
    h('dl', { class: 'facts' },
      fact('communication rounds', String(report.communicationRounds), 'communicationRounds'),
      fact('steps per second', formatNumber(report.stepsPerSecond), 'stepsPerSecond'),
      fact('staleness', staleness
        ? `mean ${formatNumber(staleness.mean, 3)} · median ${formatNumber(staleness.p50, 3)} · p99 ${formatNumber(staleness.p99, 3)} · max ${formatNumber(staleness.max, 3)} (over ${staleness.updates} updates)`
        : 'not measured', 'staleness'),
      centerDistance ? fact('distance to the center', `mean ${formatNumber(centerDistance.mean)} · max ${formatNumber(centerDistance.max)}`, 'centerDistance') : null),
    scrollingTable('Replicas', h('table', { class: 'replica-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'replica'), h('th', { scope: 'col' }, 'steps'), h('th', { scope: 'col' }, 'exchanges'),
        h('th', { scope: 'col' }, 'distance to the center'))),
      h('tbody', {}, report.perReplica.map((replica) => h('tr', { 'data-replica': replica.replica },
        h('th', { scope: 'row' }, String(replica.replica)),
        h('td', { 'data-field': 'steps' }, String(replica.steps)),
        h('td', { 'data-field': 'exchanges' }, String(replica.exchanges)),
        h('td', { 'data-field': 'centerDistance' }, formatNumber(replica.centerDistance))))))));
}
