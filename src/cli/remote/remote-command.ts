/**
 * What the commands that talk to a running Descent share: the connection options, the exit
 * statuses a script can rely on, and problems printed as one line with their code.
 */
import { STATUS_CODES } from 'node:http';
import { parseArgs } from 'node:util';
import { AnswerTimeoutError, createClient, longestAnswerTimeoutMs, ProblemError, refusedPort, type DescentClient, type RetryNotice } from '../../client/index.ts';
import { descentUrlRefusal, withoutUserInfo } from '../../client/url-credentials.ts';
import { readSpecJson, SpecFileError } from '../spec-file.ts';
import { fetchBlockedPorts, urlPort } from '../../contracts/fetch-blocked-ports.ts';
import { otherSpecKind, type SpecKind } from '../../contracts/spec-kind.ts';
import { optionErrorMessage } from '../option-error.ts';
import { decimalNumber } from '../../contracts/decimal-numbers.ts';

export const exitStatus = {
  /** Done; with --wait or watch: the run completed or stopped early. */
  ok: 0,
  /** The run (or sweep) ended otherwise: diverged, failed, cancelled, pruned. */
  unsuccessful: 1,
  /** Bad usage or input: an unknown option, an unreadable file, no API key. */
  usage: 2,
  /** Descent answered with a problem (problem+json), printed as one line with its code. */
  refused: 3,
  /** Descent could not be reached (after the client's retries), or the connection was lost mid-answer. */
  unreachable: 4,
} as const;

const defaultUrl = 'http://127.0.0.1:3000';
/**
 * Above what Descent may legitimately take to start an answer: a downsampled read of a long run
 * (`metrics --max-points`) runs a count and a downsampling statement, each bounded by the
 * service's DATABASE_STATEMENT_TIMEOUT_MS (60 s by default, cancelled at nine tenths), and a
 * submission's body is still being sent while the clock runs.
 */
const defaultTimeoutSeconds = 120;

export const connectionHelp = `Connection:
  --url URL        Descent's address (default: $DESCENT_URL, else ${defaultUrl})
  --key KEY        An API key, from 'descent keys create' (default: $DESCENT_API_KEY)
  --timeout SECONDS
                   How long to wait for each answer of Descent to start, the request's upload
                   included (default ${defaultTimeoutSeconds}: a downsampled read of a long run may take two
                   of the service's 60 s statement bounds); a read that gets none is tried
                   again, then the command exits 4.`;

/** The exit statuses in --help; `following` for the commands that follow a run to its end. */
export function exitHelp(following = false): string {
  const done = following
    ? '0 done (with --wait or watch: the run completed or stopped early); 1 the run\nended otherwise (diverged, failed, cancelled, pruned)'
    : '0 done';
  return `Exit status: ${done}; 2 bad usage or input; 3 Descent answered with a problem, printed on
stderr as one line "descent <command>: <status> <code>: <detail>"; 4 Descent could not be reached,
or the connection was lost mid-answer (what was printed before is incomplete).`;
}

export class UsageError extends Error {}

/** The options of the commands that submit (submit, sweep --remote). */
export const submissionOptions = {
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'idempotency-key': { type: 'string' },
} as const;

type OptionKinds = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface RemoteArguments<Options extends OptionKinds> {
  readonly values: { [Name in keyof Options]?: Options[Name]['type'] extends 'boolean' ? boolean : string };
  readonly positionals: string[];
  readonly client: DescentClient;
  readonly url: string;
}

/**
 * The arguments with a negative number after an option that takes a value joined to it
 * (`--limit -3` as `--limit=-3`): parseArgs takes a value starting with a dash for another option
 * and calls the argument ambiguous, where the option's own check says what it takes.
 */
function negativeValuesJoined(args: readonly string[], options: OptionKinds): string[] {
  const takesValue = (arg: string): boolean => {
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    return name !== undefined && options[name]?.type === 'string';
  };
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg === '--') return [...joined, ...args.slice(i)];
    if (next !== undefined && takesValue(arg) && /^-(\d|\.\d|Infinity$)/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else joined.push(arg);
  }
  return joined;
}

/**
 * The stderr line for a wait that Descent asked for (a 429's or 503's Retry-After), when it is
 * long enough to look like a hang: a 429's runs to the end of the rate-limit window (a minute by
 * default), through which the command would print nothing. A lost answer's retries, a few short
 * waits, go unsaid (none): an unreachable Descent ends in one line saying so.
 */
export function retryNoticeLine(name: string, { delayMs, reason }: Pick<RetryNotice, 'delayMs' | 'reason'>): string | undefined {
  if (typeof reason !== 'number' || delayMs < 1000) return undefined;
  return `descent ${name}: Descent answered ${`${reason} ${STATUS_CODES[reason] ?? ''}`.trimEnd()}; asking again in ${Math.ceil(delayMs / 1000)} s\n`;
}

function sayRetry(name: string, notice: RetryNotice): void {
  const line = retryNoticeLine(name, notice);
  if (line !== undefined) process.stderr.write(line);
}

/** Parses the command's options beside --url and --key, and makes the client. */
function parseRemote<Options extends OptionKinds>(
  name: string,
  args: string[],
  options: Options,
  positionals: { readonly names: string; readonly count: number },
  env: NodeJS.ProcessEnv = process.env,
): RemoteArguments<Options> {
  let parsed;
  const allOptions: OptionKinds = { ...options, url: { type: 'string' }, key: { type: 'string' }, timeout: { type: 'string' } };
  try {
    parsed = parseArgs({ args: negativeValuesJoined(args, allOptions), options: allOptions, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(optionErrorMessage(error as Error));
  }
  const { url: urlOption, key: keyOption, timeout: timeoutOption, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  if (parsed.positionals.length !== positionals.count) {
    throw new UsageError(positionals.count === 0 ? `unexpected argument '${parsed.positionals[0]}'` : `expected ${positionals.names}`);
  }
  const url = (urlOption as string | undefined) ?? env.DESCENT_URL ?? defaultUrl;
  const refusal = descentUrlRefusal(url, { url: '--url', apiKey: 'pass it with --key or DESCENT_API_KEY' });
  if (refusal !== undefined) throw new UsageError(refusal);
  const apiKey = (keyOption as string | undefined) ?? env.DESCENT_API_KEY;
  if (!apiKey) throw new UsageError('no API key: pass --key or set DESCENT_API_KEY');
  // Decimal seconds (`30`, `0.5`) alone, without an exponent.
  const timeoutSeconds = timeoutOption === undefined ? defaultTimeoutSeconds : decimalNumber(String(timeoutOption), { exponent: false });
  if (!(timeoutSeconds > 0 && timeoutSeconds * 1000 <= longestAnswerTimeoutMs)) {
    throw new UsageError(`--timeout takes a number of seconds above 0 and at most ${Math.floor(longestAnswerTimeoutMs / 1000)}, not '${String(timeoutOption)}'`);
  }
  const client = createClient({ url, apiKey, answerTimeoutMs: timeoutSeconds * 1000, retry: { onRetry: (notice) => sayRetry(name, notice) } });
  return { values: values as RemoteArguments<Options>['values'], positionals: parsed.positionals, client, url };
}

/**
 * Runs remote command `name` on its arguments (its `options` and `positionals` beside the
 * connection's), turning what went wrong into one line on stderr and an exit status.
 */
export async function runRemote<Options extends OptionKinds>(
  name: string,
  args: string[],
  options: Options,
  positionals: { readonly names: string; readonly count: number },
  body: (remote: RemoteArguments<Options>) => Promise<number>,
): Promise<number> {
  let url: string | undefined;
  try {
    const remote = parseRemote(name, args, options, positionals);
    url = remote.url;
    return await body(remote);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`descent ${name}: ${error.message}\nRun 'descent ${name} --help' for usage.\n`);
      return exitStatus.usage;
    }
    if (error instanceof ProblemError) {
      process.stderr.write(`descent ${name}: ${error.status} ${error.message}\n`);
      return exitStatus.refused;
    }
    if (refusedPort(error) && url !== undefined) {
      // No retry, no other Descent process, can help: the address itself, or where it redirects, is unusable.
      const port = urlPort(new URL(url));
      process.stderr.write(fetchBlockedPorts.has(port)
        ? `descent ${name}: cannot reach Descent at ${withoutUserInfo(url)}: fetch never connects to port ${port}, `
          + 'one of the ports the Fetch standard blocks; serve Descent on another port (PORT)\n'
        : `descent ${name}: cannot reach Descent at ${withoutUserInfo(url)}: it redirected to a port fetch never connects to, `
          + 'one of the ports the Fetch standard blocks; give --url the address Descent is served at\n');
      return exitStatus.usage;
    }
    if (error instanceof TypeError && error.message === 'fetch failed') {
      const cause = error.cause instanceof Error ? error.cause.message : 'no answer';
      process.stderr.write(`descent ${name}: cannot reach Descent: ${cause}\n`);
      return exitStatus.unreachable;
    }
    if (lostMidAnswer(error)) {
      const cause = error.cause instanceof Error ? error.cause.message : error.message;
      process.stderr.write(`descent ${name}: the connection to Descent was lost mid-answer (${cause}); the output is incomplete\n`);
      return exitStatus.unreachable;
    }
    if (error instanceof AnswerTimeoutError) {
      process.stderr.write(`descent ${name}: Descent did not answer: ${error.message}\n`);
      return exitStatus.unreachable;
    }
    throw error;
  }
}

/**
 * Whether `error` is an answer's body cut off: Descent (or a proxy) dropped the connection after
 * the answer started. Node's fetch says 'terminated'; a socket reset says ECONNRESET.
 */
function lostMidAnswer(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError && error.message === 'terminated') return true;
  const { code } = (error.cause ?? error) as { code?: unknown };
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

/** A spec file (or standard input for "-") parsed as JSON; a usage error when it cannot be. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return await readSpecJson(file);
  } catch (error) {
    throw error instanceof SpecFileError ? new UsageError(error.message) : error;
  }
}

/**
 * What `submit` answers for the spec read from `file`, with a problem saying that the spec is of
 * the other kind (issue code other_spec_kind) told with the command that takes it, where the API
 * names its route: `descent submit sweep.json` says "submit it with 'descent sweep sweep.json
 * --remote'", not "with POST /v1/sweeps".
 */
export async function submission<Result>(kind: SpecKind, file: string, spec: unknown, submit: () => Promise<Result>): Promise<Result> {
  try {
    return await submit();
  } catch (error) {
    const said = otherSpecKind(spec, kind);
    if (!(error instanceof ProblemError) || said === null || !error.problem.errors?.some((issue) => issue.code === 'other_spec_kind')) throw error;
    const detail = `${said}: submit it with '${kind === 'run' ? `descent sweep ${file} --remote` : `descent submit ${file}`}'.`;
    const errors = error.problem.errors.map((issue) => (issue.code === 'other_spec_kind' ? { ...issue, message: detail } : issue));
    throw new ProblemError(error.status, { ...error.problem, detail, errors });
  }
}

/** Exit status of a run that has ended. */
export const runExitStatus = (status: string): number => (status === 'completed' || status === 'early_stopped' ? exitStatus.ok : exitStatus.unsuccessful);

export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : String(Number(value.toPrecision(6))));
