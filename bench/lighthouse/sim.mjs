// temporary analysis script (not committed): simulated timeline of main-thread tasks
import {loadArtifacts} from './node_modules/lighthouse/core/lib/asset-saver.js';
import {PageDependencyGraph} from './node_modules/lighthouse/core/computed/page-dependency-graph.js';
import {LoadSimulator} from './node_modules/lighthouse/core/computed/load-simulator.js';
import {LanternTotalBlockingTime} from './node_modules/lighthouse/core/computed/metrics/lantern-total-blocking-time.js';
import {LanternFirstContentfulPaint} from './node_modules/lighthouse/core/computed/metrics/lantern-first-contentful-paint.js';
import {Audit} from './node_modules/lighthouse/core/audits/audit.js';
import * as constants from './node_modules/lighthouse/core/config/constants.js';
const artifacts = loadArtifacts(process.argv[2]);
const settings = {...constants.defaultSettings};
const context = {computedCache: new Map(), settings, options: {}};
const trace = artifacts.Trace, devtoolsLog = artifacts.DevtoolsLog;
const data = Audit.makeMetricComputationDataInput(artifacts, context);
const tbt = await LanternTotalBlockingTime.request(data, context);
const fcp = await LanternFirstContentfulPaint.request(data, context);
console.log('TBT', Math.round(tbt.timing), 'opt', Math.round(tbt.optimisticEstimate.timeInMs), 'pess', Math.round(tbt.pessimisticEstimate.timeInMs));
console.log('FCP', Math.round(fcp.timing), 'opt', Math.round(fcp.optimisticEstimate.timeInMs), 'pess', Math.round(fcp.pessimisticEstimate.timeInMs));
const graph = await PageDependencyGraph.request({settings, trace, devtoolsLog, URL: artifacts.URL, SourceMaps: [], fromTrace: false}, context);
const sim = await LoadSimulator.request({devtoolsLog, settings}, context);
for (const [label, est] of [['optimistic', tbt.optimisticEstimate], ['pessimistic', tbt.pessimisticEstimate]]) {
  console.log('--', label);
  const rows = [...est.nodeTimings.entries()].sort((a, b) => a[1].startTime - b[1].startTime);
  for (const [node, t] of rows) {
    if (node.type === 'cpu') {
      if (t.duration < 30) continue;
      const names = {};
      for (const e of node.childEvents) names[e.name] = (names[e.name] || 0) + (e.dur || 0) / 1000;
      const top = Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
      console.log(`cpu  ${t.startTime.toFixed(0).padStart(5)}-${t.endTime.toFixed(0).padStart(5)} (${t.duration.toFixed(0)})  obs ${(node.event.dur / 1000).toFixed(1)} ms  ${top}`);
    } else {
      console.log(`net  ${t.startTime.toFixed(0).padStart(5)}-${t.endTime.toFixed(0).padStart(5)}  ${node.request.url.slice(-40)}`);
    }
  }
}
console.log('== FCP graph (optimistic)');
for (const [node, t] of [...fcp.optimisticEstimate.nodeTimings.entries()].sort((a, b) => a[1].startTime - b[1].startTime)) {
  const names = {};
  if (node.type === 'cpu') for (const e of node.childEvents) names[e.name] = (names[e.name] || 0) + (e.dur || 0) / 1000;
  console.log(node.type, t.startTime.toFixed(0), t.endTime.toFixed(0), node.type === 'cpu' ? Object.entries(names).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') : node.request.url.slice(-40));
}
