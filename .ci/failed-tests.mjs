// Prints each failed test of the given .trx files and pytest JUnit .xml files with the start of its message, so the end
// of CI's log names what failed (the console log interleaves it with thousands of lines of silo output).
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";

const unescape = (text) =>
  text.replace(/&#10;/g, "\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

for (const file of process.argv.slice(2).filter((f) => existsSync(f))) {
  const trx = readFileSync(file, "utf8");
  for (const testcase of trx.split("<testcase ").slice(1)) {
    const failure = /<(?:failure|error) message="([^"]*)"/.exec(testcase);
    if (!failure) continue;
    const [, suite, name] = /classname="([^"]*)" name="([^"]*)"/.exec(testcase) ?? [, "?", "?"];
    console.log(`FAILED (${basename(file, ".xml")}): ${unescape(`${suite}.${name}`)}`);
    for (const line of unescape(failure[1]).split("\n").slice(0, 12)) console.log(`    ${line}`);
  }
  for (const [result] of trx.matchAll(/<UnitTestResult [^>]*outcome="Failed"[\s\S]*?<\/UnitTestResult>/g)) {
    const name = /testName="([^"]*)"/.exec(result)?.[1] ?? "?";
    const message = /<Message>([\s\S]*?)<\/Message>/.exec(result)?.[1] ?? "";
    console.log(`FAILED (${basename(file, ".trx")}): ${unescape(name)}`);
    for (const line of unescape(message).split("\n").slice(0, 12)) console.log(`    ${line}`);
  }
}
