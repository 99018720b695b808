import assert from "node:assert/strict";
import { METHODS } from "../api/spec.gen.ts";
import { GENERIC_REASONS, methodCoverage } from "../testing/coverage.ts";

const here = new URL(".", import.meta.url);

/** The text of every emulator test file except this one and the all-methods smoke test. */
async function emulatorTests(): Promise<string> {
  const texts: string[] = [];
  for await (const entry of Deno.readDir(here)) {
    const name = entry.name;
    if (!/^emulator_.*_test\.ts$/.test(name) || name === "emulator_coverage_test.ts") continue;
    if (name === "emulator_spec_test.ts") continue;
    texts.push(await Deno.readTextFile(new URL(name, here)));
  }
  return texts.join("\n");
}

Deno.test("every spec method is modelled and called by a test, or listed as generic with a reason", async () => {
  const { modelled, generic } = methodCoverage();
  assert.equal(modelled.length + generic.length, Object.keys(METHODS).length);
  assert.deepEqual(
    generic.toSorted(),
    Object.keys(GENERIC_REASONS).toSorted(),
    "generic methods and their reasons",
  );
  for (const name of generic) assert.ok(GENERIC_REASONS[name].length > 20, `a reason for ${name}`);
  const tests = await emulatorTests();
  const untested = modelled.filter((name) => !tests.includes(`"${name}"`) && !tests.includes(`/${name}\``));
  assert.deepEqual(untested, [], "modelled methods no emulator test calls by name");
});

Deno.test("the README states the coverage counts", async () => {
  const { modelled, generic } = methodCoverage();
  // Whitespace folded: the formatter may wrap a sentence anywhere.
  const readme = (await Deno.readTextFile(new URL("../README.md", import.meta.url))).replace(/\s+/g, " ");
  const total = Object.keys(METHODS).length;
  assert.ok(
    readme.includes(`models ${modelled.length} of the ${total} methods`),
    `README: "models ${modelled.length} of the ${total} methods"`,
  );
  assert.ok(
    readme.includes(`other ${generic.length} are answered by a generic handler`),
    `README: "other ${generic.length}"`,
  );
});
