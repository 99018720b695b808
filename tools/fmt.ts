// `deno task fmt` / `fmt:check`: dprint with its plugins, all from npm. They resolve here, in the dev
// task that needs them, and never through deno.json's import map, which every user of the package
// shares: a bot's first run downloads nothing it does not use. deno.json turns the lockfile off (so
// `deno task demo` installs nothing from it); the dev tasks name it with --lock.
import json from "npm:@dprint/json@0.24.0";
import markdown from "npm:@dprint/markdown@0.28.1";
import typescript from "npm:@dprint/typescript@0.96.1";

const plugins = [typescript, json, markdown].map((plugin) => plugin.getPath());
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["run", "--lock=deno.lock", "-A", "npm:dprint@0.54.0", ...Deno.args, "--plugins", ...plugins],
}).spawn().status;
Deno.exit(code);
