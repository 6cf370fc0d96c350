// One JSON logger (pino) per process; components take child loggers. Secrets are redacted by path.
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'secret',
  'password',
  'token',
  'key',
  '*.secret',
  '*.password',
  '*.token',
  '*.key',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
