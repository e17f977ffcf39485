/** Downloads for any view: the SVG as .svg or .png, a tensor as .csv or NumPy .npy. */

function save(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** The SVG with its computed text styles inlined, so it renders the same outside the page. */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // Labels kept in view while a picture scrolls go back to their place in the file.
  for (const moved of copy.querySelectorAll('[data-sticky]')) moved.removeAttribute('transform');
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = 'text{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:12px}';
  copy.prepend(style);
  return new XMLSerializer().serializeToString(copy);
}

export function downloadSvg(svg: SVGSVGElement, name: string): void {
  save(new Blob([svgText(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

export async function downloadPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const width = Number(svg.getAttribute('width')) || svg.clientWidth;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight;
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('svg image'));
    image.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  URL.revokeObjectURL(url);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob) save(blob, `${name}.png`);
}

/** CSV of a 1-D or 2-D tensor, full precision; −∞ written as -inf (as NumPy reads it). */
export function tensorCsv(dims: number[], data: ArrayLike<number>): string {
  const columns = dims.length > 1 ? dims.slice(1).reduce((a, b) => a * b, 1) : data.length;
  const rows: string[] = [];
  for (let r = 0; r * columns < data.length; r++) {
    const row: string[] = [];
    for (let c = 0; c < columns; c++) {
      const v = data[r * columns + c]!;
      row.push(v === -Infinity ? '-inf' : v === Infinity ? 'inf' : String(v));
    }
    rows.push(row.join(','));
  }
  return rows.join('\n') + '\n';
}

/** A float32 NumPy .npy file (format version 1.0), loadable with numpy.load. */
export function npyBytes(dims: number[], data: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const values = new Float32Array(bytes.buffer, 10 + header.length, data.length);
  for (let i = 0; i < data.length; i++) values[i] = data[i]!;
  return bytes;
}

export function downloadCsv(dims: number[], data: ArrayLike<number>, name: string): void {
  save(new Blob([tensorCsv(dims, data)], { type: 'text/csv' }), `${name}.csv`);
}

export function downloadNpy(dims: number[], data: ArrayLike<number>, name: string): void {
  save(new Blob([npyBytes(dims, data) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), `${name}.npy`);
}
