/** The error code a promise rejects with ('resolved' if it does not), for tests of error paths. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? `no code: ${String(e)}`;
  }
  return 'resolved';
};
