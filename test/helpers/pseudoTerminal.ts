// A command run under a pseudo-terminal without native modules: util-linux `script -qfec "<command>" /dev/null`
// gives the command a pty as its stdin, stdout and stderr (so `process.stdout.isTTY` is true), copies everything
// the command writes to the terminal onto its own stdout (the transcript), forwards its own stdin to the pty, and
// exits with the command's exit code (-e).
//
// Ctrl-C is the real thing: "\x03" written to script's stdin reaches the pty, whose line discipline sends SIGINT to
// the terminal's foreground process group, the command's. The pty echoes it as "^C" into the transcript.
//
//     const run = runInPseudoTerminal(process.execPath, ["--import", "tsx", "commands/onboard/cli.ts", ...], { cwd, env });
//     await run.waitFor(/^\[3\/7\]/m);
//     run.interrupt();
//     const { status, transcript } = await run.exited;
import { spawn } from "node:child_process";

/** How the command ended, and everything it wrote to the terminal. */
export interface PseudoTerminalResult {
    /** The command's exit code (script -e passes it on); null when script itself was killed. */
    readonly status: number | null;
    /** The terminal output, with the pty's "\r\n" line ends as "\n". */
    readonly transcript: string;
}

/** A command running under a pty. */
export interface PseudoTerminalRun {
    /** The terminal output so far, "\r\n" as "\n". */
    transcript(): string;
    /** Resolves with the first match of `pattern` in the transcript; rejects, quoting the transcript, after `timeoutMs`. */
    waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
    /** Types Ctrl-C on the terminal: SIGINT to its foreground process group. */
    interrupt(): void;
    /** Resolves once the command (and script) ended. */
    readonly exited: Promise<PseudoTerminalResult>;
}

/** How to run the command. */
export interface PseudoTerminalOptions {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** Kill script (and with it the pty's session) after this long. Defaults to 20000 ms. */
    readonly timeoutMs?: number;
}

/** `word` quoted for sh: in single quotes, embedded single quotes closed, escaped and reopened. */
export function shellQuote(word: string): string {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Starts `file args` under a new pty. */
export function runInPseudoTerminal(file: string, args: readonly string[], options: PseudoTerminalOptions): PseudoTerminalRun {
    const command = [file, ...args].map(shellQuote).join(" ");
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let errors = "";
    const listeners = new Set<() => void>();
    child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        for (const listener of [...listeners]) listener();
    });
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    const transcript = () => output.replace(/\r\n/g, "\n");
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    const exited = new Promise<PseudoTerminalResult>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (status) => {
            clearTimeout(timer);
            child.stdin.destroy();
            for (const listener of [...listeners]) listener();
            if (errors.trim() !== "") reject(new Error(`script wrote to its own stderr: ${errors}`));
            else resolve({ status, transcript: transcript() });
        });
    });
    // Keeps a rejection of `exited` from being unhandled while a test is still waiting on something else.
    exited.catch(() => undefined);
    return {
        transcript,
        exited,
        interrupt: () => child.stdin.write("\x03"),
        waitFor(pattern, timeoutMs = 15_000) {
            return new Promise((resolve, reject) => {
                const check = () => {
                    const match = transcript().match(pattern);
                    if (match) {
                        finish();
                        resolve(match);
                    } else if (child.exitCode !== null || child.signalCode !== null) {
                        finish();
                        reject(new Error(`the command ended before printing ${pattern}; transcript:\n${transcript()}`));
                    }
                };
                const giveUp = setTimeout(() => {
                    finish();
                    reject(new Error(`no ${pattern} within ${timeoutMs} ms; transcript:\n${transcript()}`));
                }, timeoutMs);
                const finish = () => {
                    clearTimeout(giveUp);
                    listeners.delete(check);
                };
                listeners.add(check);
                check();
            });
        },
    };
}
