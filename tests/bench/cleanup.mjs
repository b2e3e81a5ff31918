// Everything the bench starts or creates (wrangler/workerd process groups, temporary folders)
// registers its undoing here. It runs on every way out: normal end, a thrown error, Ctrl-C or
// SIGTERM. Undo steps are synchronous, so they also run from the process's 'exit' event.

const steps = [];

/** Registers `undo` (synchronous); returns a function that runs it once, now or at exit. */
export function onExit(undo) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    try {
      undo();
    } catch {}
  };
  steps.push(once);
  return once;
}

function runAll() {
  while (steps.length) steps.pop()();
}

process.on("exit", runAll);
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping`);
    process.exit(code);
  });
}
