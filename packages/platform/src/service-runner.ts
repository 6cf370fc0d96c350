// Process lifecycle shared by every service: validate config, build, start, and map SIGTERM/SIGINT
// to a graceful stop with a hard deadline. Start-up failures print one line naming the problem.
import { AppError, ConfigError, DependencyUnavailableError } from './errors.js';
import { createLogger, type Logger } from './logger.js';

export interface ServiceApp {
  start(): Promise<void>;
  /** Stop intake, drain the bus, close stores; resolves when everything is closed. */
  stop(reason: string): Promise<void>;
}

export interface RunServiceOptions<C extends { LOG_LEVEL: string }> {
  readonly name: string;
  readonly loadConfig: () => C;
  readonly build: (config: C, logger: Logger) => Promise<ServiceApp>;
  readonly shutdownTimeoutMs?: number;
}

const EXIT_CONFIG = 78; // EX_CONFIG
const EXIT_UNAVAILABLE = 69; // EX_UNAVAILABLE

export async function runService<C extends { LOG_LEVEL: string }>(
  options: RunServiceOptions<C>,
): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (err) {
    failStartup(options.name, err);
  }
  const logger = createLogger(options.name, config.LOG_LEVEL);
  let app: ServiceApp;
  try {
    app = await options.build(config, logger);
    await app.start();
  } catch (err) {
    failStartup(options.name, err, logger);
  }
  logger.info({ event: 'started' }, `${options.name} started`);

  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = options.shutdownTimeoutMs ?? 8000;
    logger.info({ event: 'stopping', reason }, `${options.name} stopping (${reason})`);
    const timer = setTimeout(() => {
      logger.error({ event: 'stop_timeout', timeoutMs }, 'graceful stop timed out, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.stop(reason).then(
      () => {
        clearTimeout(timer);
        logger.info({ event: 'stopped', reason }, `${options.name} stopped`);
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ event: 'stop_failed', err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function failStartup(name: string, err: unknown, logger?: Logger): never {
  if (err instanceof ConfigError || err instanceof DependencyUnavailableError) {
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : EXIT_UNAVAILABLE);
  }
  if (err instanceof AppError) {
    process.stderr.write(`${name}: ${err.code}: ${err.message}\n`);
    process.exit(1);
  }
  if (logger) logger.fatal({ err }, 'start-up failed');
  else process.stderr.write(`${name}: start-up failed: ${String(err)}\n`);
  process.exit(1);
}
