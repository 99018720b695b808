/**
 * Resolves once `check` holds, looking every 10 ms; throws when it still does not after `seconds`,
 * naming `what` it waited for.
 * The default is generous because the suite runs in parallel on small machines: a slow pass costs
 * nothing, and only a broken one waits the whole time.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  seconds = 10,
  what = "the condition",
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
