import assert from "node:assert/strict";
import { BotApiEmulator } from "../testing/mod.ts";

interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP receiver (JSON encoding) on loopback that keeps every body it is sent. */
function otlpReceiver() {
  const bodies: { path: string; text: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    bodies.push({ path: new URL(request.url).pathname, text: await request.text() });
    return Response.json({});
  });
  const spans = (): OtlpSpan[] =>
    bodies.filter((b) => b.path === "/v1/traces").flatMap((b) =>
      // deno-lint-ignore no-explicit-any
      JSON.parse(b.text).resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans))
    );
  return { bodies, spans, url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("OpenTelemetry: a span per update and per API call arrive, and no export holds the token", async () => {
  const receiver = otlpReceiver();
  await using emu = await BotApiEmulator.start();
  try {
    const { token } = emu.createBot({ username: "traced_bot" });
    const alice = emu.createUser({ first_name: "Alice" });
    await alice.sendText(alice.id, "trace me");
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./support/otel_bot.ts", import.meta.url).pathname, emu.apiRoot, token],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: "telepot-otel-test",
        OTEL_METRIC_EXPORT_INTERVAL: "200",
      },
      stdout: "null",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.equal((await emu.nextBotMessage(alice.id)).text, "echo trace me");

    const spans = receiver.spans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [update] = named("telegram update");
    assert.ok(update, `no update span among ${spans.map((s) => s.name)}`);
    const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value;
    assert.equal(attribute(update, "telegram.update_kind")?.stringValue, "message");
    assert.ok(named("telegram getMe").length >= 1);
    assert.ok(named("telegram getUpdates").length >= 1);
    const [send] = named("telegram sendMessage");
    assert.ok(send, "no sendMessage span");
    assert.equal(send.parentSpanId, update.spanId, "the reply's span is a child of the update's");
    assert.equal(attribute(send, "telegram.status")?.stringValue, "200");

    // Every export (traces, logs, metrics) is free of the token, raw and percent-encoded.
    assert.ok(receiver.bodies.length > 0);
    const secret = token.split(":")[1];
    for (const { path, text } of receiver.bodies) {
      assert.ok(!text.includes(secret), `${path} holds the token`);
      assert.ok(!text.includes(encodeURIComponent(token)), `${path} holds the encoded token`);
    }
  } finally {
    await receiver.close();
  }
});
