// `npm run custody -- combine <share> <share> ...`: the k-of-n ceremony's last step. Each custodian has opened
// their envelope with the standard age CLI (`age -d -i key.txt envelope.age > share.txt`); this joins k of those
// decrypted shares and prints the password once, to a terminal only. It refuses when stdout is a pipe, a file or
// a CI log, before reading any share. The password is written from bytes and the bytes are zeroed afterwards.
import * as fs from "node:fs";
import { combineShares, parseShare } from "../../components/passwordSealing";

const USAGE = `Usage: npm run custody -- combine <decrypted share file> <decrypted share file> [...]

Joins k decrypted password shares (age -d -i <key> <envelope>) of one emergency account and prints the password
once, to this terminal. Refuses when standard output is not a terminal.`;

/** Exit codes: 0 printed, 2 refused (usage, not a terminal, bad or too few shares). */
async function main(argv: readonly string[]): Promise<number> {
    const [command, ...files] = argv;
    if (command === "--help" || command === "-h") {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (command !== "combine" || files.length === 0) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    if (!process.stdout.isTTY) {
        process.stderr.write(
            "custody combine: standard output is not a terminal; refusing to print an emergency password into a pipe, a file or a log.\n",
        );
        return 2;
    }
    const shares = files.map((file) => {
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            throw new Error(`${file}: cannot be read`);
        }
        return parseShare(text, file);
    });
    const { label, password } = await combineShares(shares);
    const line = new Uint8Array(password.length + 2);
    line.set(password);
    line.set([10, 10], password.length);
    try {
        process.stdout.write(`Password of ${label.account} (rotation ${label.rotation}), shown once:\n\n`);
        await new Promise<void>((resolve, reject) => process.stdout.write(line, (error) => (error ? reject(error) : resolve())));
        process.stdout.write("Write it down for the safe, then clear this terminal (clear; history -c) and shred the share files.\n");
    } finally {
        line.fill(0);
        password.fill(0);
        for (const share of shares) share.share.fill(0);
    }
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
        process.stderr.write(`custody combine: ${error.message}\n`);
        process.exitCode = 2;
    },
);
