// Test-only preload (test/checkpointer.test.ts): sleeps SLOW_MS before a rename or removal of
// the corpus lock, as a slow disk or a paused process would, to widen the race between runs.
const fs = require('fs');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (const name of ['renameSync', 'rmSync']) {
  const call = fs[name];
  fs[name] = function (path, ...rest) {
    if (String(path).endsWith('.corpus.lock')) sleep(Number(process.env.SLOW_MS ?? 900));
    return call.call(this, path, ...rest);
  };
}
require('module').syncBuiltinESMExports();
