import { rgb } from 'd3-color';

/** Grids with thousands of cells (attention over a long input) as one bitmap instead of thousands of SVG rects:
 * the DOM stays small, so redrawing takes a few milliseconds rather than a long main-thread task. The bitmap has
 * one pixel per cell and is scaled up without smoothing; it sits in the SVG as an <image> (a data: URL), so the
 * SVG and PNG exports keep it. */

/** Above this many cells a grid is drawn as a bitmap. */
export const RASTER_CELLS = 1600;

/** Masked cells (−∞, the causal mask) in a bitmap: the light grey of the hatch the rect version draws. */
const MASKED = rgb('#e4e7eb');

/** A `cols × rows` grid, one pixel per cell, as a PNG data URL. `fill` gives a cell's CSS colour, or null for a
 * masked cell. Null where there is no 2D canvas (tests in jsdom): the caller then draws rects. */
export function rasterGrid(rows: number, cols: number, fill: (index: number) => string | null): string | null {
  const context = canvasContext(cols, rows);
  if (!context) return null;
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const css = fill(i);
    const colour = css === null ? MASKED : rgb(css);
    image.data[4 * i] = colour.r;
    image.data[4 * i + 1] = colour.g;
    image.data[4 * i + 2] = colour.b;
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return context.canvas.toDataURL('image/png');
}

function canvasContext(width: number, height: number): CanvasRenderingContext2D | null {
  if (typeof document === 'undefined' || /jsdom/i.test(navigator.userAgent)) return null;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, width);
  canvas.height = Math.max(1, height);
  return canvas.getContext('2d');
}
