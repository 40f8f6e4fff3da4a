// Structured logs (pino, JSON lines on stdout). `LOG_LEVEL` sets the level (default info; tests use
// silent). Colyseus logs through an adapter that caps error lines per second, because a client can
// provoke an error line per malformed request and must not be able to flood the log.

import { pino, type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

const ERRORS_PER_SECOND = 20;

/** The console-like logger Colyseus expects, writing to pino. */
export function colyseusLogger(log: Logger) {
  const child = log.child({ component: 'colyseus' });
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.stack ?? a.message : JSON.stringify(a))).join(' ');
  return {
    debug: (...args: unknown[]) => child.debug(text(args)),
    trace: (...args: unknown[]) => child.trace(text(args)),
    info: (...args: unknown[]) => child.info(text(args)),
    warn: (...args: unknown[]) => child.warn(text(args)),
    error: (...args: unknown[]) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        if (suppressed > 0) child.warn({ suppressed }, 'error lines suppressed');
        windowStart = now;
        inWindow = 0;
        suppressed = 0;
      }
      if (++inWindow > ERRORS_PER_SECOND) {
        suppressed++;
        return;
      }
      child.error(text(args).slice(0, 2000));
    },
  };
}
