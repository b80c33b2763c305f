// Times one ONNX model in onnxruntime-node (CPU execution provider): warm-up passes, then timed
// passes of session.run; prints one JSON line with median / min / max ms. Threads are fixed
// (intra-op = --threads, inter-op 1, sequential execution) so every peer runs with the same
// parallelism; graph optimisations at their default level ('all'), as an ORT user gets them.
//   node ort_bench.mjs --model M.onnx --label ort_int8 --seq 128 --batch 1 --threads 2
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const ort = require(process.env.ORT_NODE_MODULE || 'onnxruntime-node');

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const model = arg('model');
const label = arg('label', 'ort');
const seq = Number(arg('seq', 128)), batch = Number(arg('batch', 1));
const threads = Number(arg('threads', 2));
const warmup = Number(arg('warmup', 3)), runs = Number(arg('runs', 20));

const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
// Random ids (seeded LCG), [CLS] first and [SEP] last, no padding: as `intformer bench`.
let state = batch * 1000 + seq;
const ids = new BigInt64Array(batch * seq);
for (let b = 0; b < batch; ++b) {
  for (let t = 0; t < seq; ++t) {
    state = (state * 1103515245 + 12345) % 2147483648;
    ids[b * seq + t] = BigInt(1000 + (state % 29000));
  }
  ids[b * seq] = 101n;
  ids[b * seq + seq - 1] = 102n;
}
const feeds = {
  input_ids: new ort.Tensor('int64', ids, [batch, seq]),
  attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * seq).fill(1n), [batch, seq]),
};
const times = [];
for (let i = 0; i < warmup + runs; ++i) {
  const t0 = performance.now();
  await session.run(feeds);
  if (i >= warmup) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const mid = times.length >> 1;
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
const pkg = require('onnxruntime-node/package.json');
console.log(JSON.stringify({ peer: label, onnxruntime_node: pkg.version, threads, batch, seq, runs,
  median_ms: median, min_ms: times[0], max_ms: times[times.length - 1] }));
