// Temporary directories of a test process, removed when it exits, after a failed assertion too: a test run leaves
// nothing in the machine's temporary directory.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new directory under the machine's temporary directory (name `<prefix>XXXXXX`), removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
