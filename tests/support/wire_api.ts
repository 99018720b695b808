// An `Api` against a fresh WireServer, for the api/ wire tests.
import { Api } from "../../api/mod.ts";
import { WireServer } from "./wire_server.ts";

/** Runs `fn` with a fresh WireServer and an `Api` on `token` pointed at it; the server is closed after. */
export async function withWireApi(
  token: string,
  fn: (server: WireServer, api: Api) => Promise<void>,
): Promise<void> {
  const server = WireServer.start();
  try {
    await fn(server, new Api(token, { apiRoot: server.url }));
  } finally {
    await server.close();
  }
}
