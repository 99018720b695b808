/**
 * Resolves once `check` holds, looking every 10 ms; throws when it still does not after `seconds`.
 * The default is generous because the suite runs in parallel on small machines: a slow pass costs
 * nothing, and only a broken one waits the whole time.
 */
export async function until(check: () => boolean | Promise<boolean>, seconds = 10): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${seconds} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
