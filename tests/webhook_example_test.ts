import assert from "node:assert/strict";

Deno.test("deno task example webhook --emulator: setWebhook with a secret, updates delivered, a forged POST refused", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "example", "webhook", "--emulator"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  assert.match(err, /webhook set to http:\/\/127\.0\.0\.1:\d+\/webhook/);
  // The emulator posts each update with the secret the example set: they arrive and are answered.
  assert.deepEqual(out.trimEnd().split("\n"), [
    "Alice → bot: Hello over the webhook",
    "bot → Alice: Got \"Hello over the webhook\" by webhook",
    "a forged POST with a wrong secret gets HTTP 401",
    "Alice → bot: Still here",
    "bot → Alice: Got \"Still here\" by webhook",
  ]);
});
