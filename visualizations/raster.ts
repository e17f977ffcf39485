/** Grids with thousands of cells (attention over a long input) as one bitmap instead of thousands of SVG rects:
 * the DOM stays small, so redrawing takes a few milliseconds rather than a long main-thread task. The bitmap sits
 * in the SVG as an <image> (a data: URL), so SVG and PNG exports keep it. */

/** Above this many cells a grid is drawn as a bitmap. */
export const RASTER_CELLS = 1600;

/** A `cols × rows` grid painted `cell` pixels per cell (at the screen's pixel ratio) into a PNG data URL. `fill`
 * gives a cell's colour, or null for a masked cell (drawn hatched). Null where there is no 2D canvas (tests in
 * jsdom): the caller then draws rects. */
export function rasterGrid(rows: number, cols: number, cell: number, fill: (index: number) => string | null): string | null {
  const context = canvasContext(cols * cell, rows * cell);
  if (!context) return null;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const colour = fill(row * cols + col);
      context.fillStyle = colour ?? '#f5f7fa';
      context.fillRect(col * cell, row * cell, cell, cell);
      if (colour === null && cell >= 4) {
        context.strokeStyle = '#cbd2d9';
        context.beginPath();
        context.moveTo(col * cell, (row + 1) * cell);
        context.lineTo((col + 1) * cell, row * cell);
        context.stroke();
      }
    }
  }
  return context.canvas.toDataURL('image/png');
}

function canvasContext(width: number, height: number): CanvasRenderingContext2D | null {
  if (typeof document === 'undefined' || /jsdom/i.test(navigator.userAgent)) return null;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width));
  canvas.height = Math.max(1, Math.round(height));
  return canvas.getContext('2d');
}
