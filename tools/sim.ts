// `npm run sim -- <scenario.json> [--seed N] [--trace cwnd,send,drop,deliver,state]`
// Runs a scenario headlessly and prints JSON Lines: one object per traced event as it happens, and
// always, last, the summary. A bad scenario or bad arguments print a message naming the problem on
// stderr and exit with status 2 — never a stack trace. A replay (a file with `recorded`) says on
// stderr whether this engine ran it as the session ran.

import { readFileSync } from 'node:fs';
import { Engine } from '../shared/protocols/engine.ts';
import { isTraceType, TRACE_TYPES, type TraceEvent, type TraceType } from '../shared/protocols/sim/trace.ts';
import { loadScenarioText } from '../shared/scenario/load.ts';

const USAGE = 'usage: npm run sim -- <scenario.json> [--seed N] [--trace type,type,...|all]';

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n`);
  process.exit(2);
}

interface Args {
  file: string;
  seed: number | undefined;
  trace: TraceType[];
}

function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  let seed: number | undefined;
  let trace: TraceType[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\ntrace types: ${TRACE_TYPES.join(', ')}\n`);
      process.exit(0);
    } else if (arg === '--seed' || arg.startsWith('--seed=')) {
      const value = arg.includes('=') ? arg.slice(7) : argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        fail(`--seed needs a non-negative whole number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      }
      seed = Number(value);
    } else if (arg === '--trace' || arg.startsWith('--trace=')) {
      const value = arg.includes('=') ? arg.slice(8) : argv[++i];
      if (value === undefined || value === '') fail(`--trace needs a list of event types (${TRACE_TYPES.join(', ')}) or "all"`);
      if (value === 'all') trace = [...TRACE_TYPES];
      else {
        for (const name of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
          if (!isTraceType(name)) fail(`--trace: unknown event type "${name}" (known: ${TRACE_TYPES.join(', ')})`);
          if (!trace.includes(name)) trace.push(name);
        }
      }
    } else if (arg.startsWith('-')) {
      fail(`unknown option ${arg}\n${USAGE}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      fail(`only one scenario file, got ${JSON.stringify(file)} and ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  if (file === undefined) fail(`no scenario file given\n${USAGE}`);
  return { file, seed, trace };
}

/** Buffered stdout writer: one syscall per 64 KiB instead of one per line. */
class LineWriter {
  private chunks: string[] = [];
  private size = 0;
  write(line: string): void {
    this.chunks.push(line);
    this.size += line.length;
    if (this.size >= 65536) this.flush();
  }
  flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    try {
      process.stdout.write(text);
    } catch {
      process.exit(0);
    }
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`cannot read ${args.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  const loaded = loadScenarioText(text);
  if (!loaded.ok) fail(`${args.file} is not a valid scenario:\n  ${loaded.errors.join('\n  ')}`);
  const engine = new Engine(loaded.scenario, args.seed === undefined ? {} : { seed: args.seed });
  const out = new LineWriter();
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  if (args.trace.length > 0) engine.subscribe(args.trace, (event: TraceEvent) => out.write(`${JSON.stringify(event)}\n`));
  const summary = engine.run();
  out.write(`${JSON.stringify(summary)}\n`);
  out.flush();
  const v = engine.replayVerdict;
  if (v.state === 'same') process.stderr.write(`sim: replay: at ${v.recorded.atMs} ms this run is the recorded session's (${v.recorded.events} events)\n`);
  if (v.state === 'differs') {
    process.stderr.write(
      `sim: replay: at ${v.recorded.atMs} ms this run differs from the recorded session (${v.events} events, recorded ${v.recorded.events}; ` +
        `summary SHA-256 ${v.summarySha256.slice(0, 12)}…, recorded ${v.recorded.summarySha256.slice(0, 12)}…): ` +
        `it was recorded with another version of the engine\n`,
    );
  }
}

main();
