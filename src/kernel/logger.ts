/**
 * Structured logs: one JSON object per line on stdout, which CloudWatch keeps as it is (also
 * under Lambda's JSON log format, which only rewrites `console` calls). A small logger of our
 * own rather than Powertools Logger: we use none of its Lambda-context features, and it cost
 * measurable cold-start time (docs/performance.md). Never pass a header value, a token or a
 * raw body to it.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

function levelFrom(value: string | undefined): LogLevel {
  const upper = value?.toUpperCase();
  return upper !== undefined && upper in LEVELS ? (upper as LogLevel) : 'INFO';
}

export class JsonLogger {
  private threshold: number;

  constructor(
    private readonly service: string,
    level: LogLevel,
  ) {
    this.threshold = LEVELS[level];
  }

  setLogLevel(level: LogLevel): void {
    this.threshold = LEVELS[level];
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('DEBUG', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('INFO', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('WARN', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('ERROR', message, fields);
  }

  private write(level: Exclude<LogLevel, 'SILENT'>, message: string, fields: Record<string, unknown> = {}): void {
    if (LEVELS[level] < this.threshold) return;
    const entry = { level, message, timestamp: new Date().toISOString(), service: this.service, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      // A field that cannot be serialised must not cost the log line itself.
      line = JSON.stringify({ level, message, timestamp: entry.timestamp, service: this.service, fields: 'unserialisable' });
    }
    process.stdout.write(`${line}\n`);
  }
}

/** `LOG_LEVEL` (DEBUG, INFO, WARN, ERROR, SILENT), else Lambda's own `AWS_LAMBDA_LOG_LEVEL`, else INFO. */
export const logger = new JsonLogger('lumos-webhooks', levelFrom(process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL));
