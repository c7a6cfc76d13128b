// Validates Amazon States Language definitions with asl-validator.
// Standard input: {"<name>": <definition>, ...}. Standard output: {"<name>": ["<error code>: <message>", ...], ...},
// an empty list for a valid definition. Exit status 0 when every definition was checked, 2 on a usage error.
import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';

// asl-validator replaces its defaults with any options given (it does not merge them): both checks are named here so
// that neither is dropped by accident. It also writes QueryLanguage onto the states it visits, so it gets a copy.
const OPTIONS = { checkPaths: true, checkArn: true };

let definitions;
try {
  definitions = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  process.stderr.write(`validate.js: standard input must be a JSON object of definitions (${e.message})\n`);
  process.exit(2);
}

const results = {};
for (const [name, definition] of Object.entries(definitions)) {
  const { isValid, errors } = aslValidator(structuredClone(definition), OPTIONS);
  results[name] = isValid ? [] : errors.map((e) => `${e['Error code']}: ${e.Message}`);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
