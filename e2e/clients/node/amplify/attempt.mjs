// What both pages share: attempt answers a rejected call with what it said,
// { error: "<name>: <message>" }, for the driver to report, rather than
// throwing it into the page.
export async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    return { error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` };
  }
}
