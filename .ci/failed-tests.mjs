// Prints each failed test of the given .trx files with the start of its message, so the end of CI's log names what
// failed (the console log interleaves it with thousands of lines of silo output).
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const unescape = (text) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

for (const file of process.argv.slice(2)) {
  const trx = readFileSync(file, "utf8");
  for (const [result] of trx.matchAll(/<UnitTestResult [^>]*outcome="Failed"[\s\S]*?<\/UnitTestResult>/g)) {
    const name = /testName="([^"]*)"/.exec(result)?.[1] ?? "?";
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(result)?.[1] ?? "";
    console.log(`FAILED (${basename(file, ".trx")}): ${unescape(name)}`);
    for (const line of unescape(message).split("\n").slice(0, 12)) console.log(`    ${line}`);
  }
}
