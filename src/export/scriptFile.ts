/** The check script's file name beside its trace's: `check-<trace name>.py` (or `.ipynb`). */
export function scriptFileName(traceFile: string, extension: 'py' | 'ipynb'): string {
  return `check-${traceFile.replace(/\.json$/, '')}.${extension}`;
}
