import { select, type Selection } from 'd3-selection';
import { probabilityColor, viewTextSize } from './scales';
import { rasterGrid } from './raster';

export interface HeadGridData {
  layers: number;
  heads: number;
  /** Tokens per side of each pattern. */
  n: number;
  /** patterns[layer][head]: [n × n] row-major attention weights; null for a layer a large model's run did not keep
   * (drawn as an empty frame: computed when the learner picks it). */
  patterns: (ArrayLike<number> | null)[][];
  /** The frame's tooltip for a layer not kept. */
  notKept?: string;
  /** A thumbnail's tooltip, in the page's language ("Layer 2, head 1"), for the 0-based layer and head and whether
   * the layer was kept; without it, the axis labels (`L2 H1`) and `notKept`. */
  thumbTitle?: (layer: number, head: number, kept: boolean) => string;
  selected: { layer: number; head: number };
  /** Marks on a head's thumbnail (a named head's role: a letter in the role's colour), drawn in its corner. */
  badges?: (layer: number, head: number) => { text: string; color: string }[];
}

/** Thumbnails are at most this big, smaller where many heads share the container's width (at least MIN_SIZE). */
const SIZE = 64;
const MIN_SIZE = 28;
/** At most this many blocks per side: keeps the DOM small for long inputs. */
const MAX_BLOCKS = 24;

/** The pattern averaged over `blocks × blocks` blocks of rows and columns (keys after the query are left out). */
function blockAverages(pattern: ArrayLike<number>, n: number, blocks: number): Float64Array {
  const averages = new Float64Array(blocks * blocks);
  for (let by = 0; by < blocks; by++) {
    for (let bx = 0; bx <= by; bx++) {
      const r0 = Math.floor((by * n) / blocks),
        r1 = Math.floor(((by + 1) * n) / blocks);
      const c0 = Math.floor((bx * n) / blocks),
        c1 = Math.floor(((bx + 1) * n) / blocks);
      let sum = 0;
      let count = 0;
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < Math.min(c1, r + 1); c++) {
          sum += pattern[r * n + c]!;
          count++;
        }
      }
      averages[by * blocks + bx] = sum / Math.max(1, count);
    }
  }
  return averages;
}

/** Every layer × head's attention pattern in miniature (the model view), to spot heads with clear shapes:
 * a diagonal (previous token), a first column (first token), stripes (copying). Large inputs are averaged into
 * at most MAX_BLOCKS × MAX_BLOCKS blocks, so the thumbnail stays readable; each is one bitmap where the browser
 * can paint one. */
export function renderHeadGrid(
  container: HTMLElement,
  data: HeadGridData,
  options: { onSelect?: (layer: number, head: number) => void; title?: string } = {},
) {
  const svg = select(container).append('svg').attr('class', 'head-grid').attr('role', 'img');
  const title = svg.append('title');
  /** Each thumbnail as drawn: redrawn only when its blocks change (a generating run or an opened layer changes a
   * few of a large model's hundreds of thumbnails; rebuilding all of them cost more than the rest of the view). */
  const thumbs = new Map<string, { g: Selection<SVGGElement, unknown, null, undefined>; averages: Float64Array | null }>();
  let geometry = '';

  function update(next: HeadGridData, nextOptions = options) {
    options = nextOptions;
    title.text(nextOptions.title ?? '');
    const gap = 10;
    // Room for the axis labels (L12 on the left, H14 on top) at the views' type size.
    const font = viewTextSize(container);
    const left = Math.ceil(font * 0.6 * String(next.layers).length + font * 0.6 + 6);
    // (CJK fallback fonts rise up to 1.2 em above the baseline: the column labels sit that far down.)
    const top = Math.ceil(font * 1.5 + 2);
    const size = Math.floor(Math.max(MIN_SIZE, Math.min(SIZE, ((container.clientWidth || 320) - left) / next.heads - gap)));
    const blocks = Math.min(next.n, MAX_BLOCKS);
    const cell = size / blocks;
    const width = left + next.heads * (size + gap);
    const height = top + next.layers * (size + gap);
    const thumbTitle =
      next.thumbTitle ??
      ((layer: number, head: number, kept: boolean) => `L${layer + 1} H${head + 1}${kept ? '' : ` (${next.notKept ?? ''})`}`);
    // (The tooltips' language is part of the geometry: a new language redraws the thumbnails with it.)
    const shape = [next.layers, next.heads, size, left, top, blocks, next.notKept, thumbTitle(0, 0, true)].join();
    if (shape !== geometry) {
      geometry = shape;
      thumbs.clear();
      svg.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
      svg.selectAll('g.thumb').remove();
      svg.selectAll('text.axis').remove();
      for (let layer = 0; layer < next.layers; layer++) {
        svg
          .append('text')
          .attr('class', 'axis')
          .attr('x', 0)
          .attr('y', top + layer * (size + gap) + size / 2)
          .attr('dy', '0.35em')
          .text(`L${layer + 1}`);
      }
      for (let head = 0; head < next.heads; head++) {
        svg
          .append('text')
          .attr('class', 'axis')
          .attr('x', left + head * (size + gap) + size / 2)
          .attr('y', top - Math.ceil(font * 0.3))
          .attr('text-anchor', 'middle')
          .text(`H${head + 1}`);
      }
    }
    for (let layer = 0; layer < next.layers; layer++) {
      for (let head = 0; head < next.heads; head++) {
        const key = `${layer}.${head}`;
        let thumb = thumbs.get(key);
        if (!thumb) {
          const g = svg
            .append('g')
            .attr('class', 'thumb')
            .attr('data-layer', layer)
            .attr('data-head', head)
            .attr('transform', `translate(${left + head * (size + gap)}, ${top + layer * (size + gap)})`)
            .style('cursor', 'pointer')
            .on('click', () => options.onSelect?.(layer, head));
          thumb = { g, averages: null };
          thumbs.set(key, thumb);
        }
        const { g } = thumb;
        g.classed('selected', layer === next.selected.layer && head === next.selected.head);
        const pattern = next.patterns[layer]![head]!;
        if (!pattern) {
          if (g.attr('data-kept') === 'false') continue;
          thumb.averages = null;
          g.selectAll('*').remove();
          g.attr('data-kept', 'false').attr('data-peak', null);
          g.append('title').text(thumbTitle(layer, head, false));
          g.append('rect')
            .attr('class', 'frame')
            .attr('width', size)
            .attr('height', size)
            .attr('fill', 'none')
            .attr('stroke-dasharray', '3 3');
          continue;
        }
        const averages = blockAverages(pattern, next.n, blocks);
        if (thumb.averages && sameValues(thumb.averages, averages)) continue;
        thumb.averages = averages;
        g.selectAll('*').remove();
        g.attr('data-kept', null);
        g.append('title').text(thumbTitle(layer, head, true));
        // Each thumbnail on its own scale (0 to its largest block): with hundreds of tokens the averages are small
        // everywhere, and a shared 0–1 scale would leave every thumbnail nearly white.
        let peak = 0;
        for (const value of averages) peak = Math.max(peak, value);
        const shade = (value: number) => probabilityColor(peak > 0 ? value / peak : 0);
        g.attr('data-peak', peak);
        // A thumbnail is one bitmap when the browser can paint one (hundreds of rects each, times every head).
        const bitmap = rasterGrid(blocks, blocks, (i) => (i % blocks <= Math.floor(i / blocks) ? shade(averages[i]!) : '#ffffff'));
        if (bitmap) {
          g.append('image')
            .attr('href', bitmap)
            .attr('width', size)
            .attr('height', size)
            .attr('preserveAspectRatio', 'none')
            .style('image-rendering', 'pixelated');
        } else {
          for (let by = 0; by < blocks; by++) {
            for (let bx = 0; bx <= by; bx++) {
              g.append('rect')
                .attr('x', bx * cell)
                .attr('y', by * cell)
                .attr('width', cell)
                .attr('height', cell)
                .attr('fill', shade(averages[by * blocks + bx]!));
            }
          }
        }
        g.append('rect').attr('class', 'frame').attr('width', size).attr('height', size).attr('fill', 'none');
      }
    }
    // (After the thumbnails: drawn over their corners.)
    drawBadges(next, size, gap, left, top, font);
  }

  /** The badges sit above the thumbnails, redrawn whole (there are a few, where heads are named). */
  function drawBadges(next: HeadGridData, size: number, gap: number, left: number, top: number, font: number) {
    svg.selectAll('g.badges').remove();
    if (!next.badges) return;
    const layer_ = svg.append('g').attr('class', 'badges').style('pointer-events', 'none');
    const side = Math.max(16, Math.round(font * 1.3));
    for (let layer = 0; layer < next.layers; layer++) {
      for (let head = 0; head < next.heads; head++) {
        next.badges(layer, head).forEach((badge, i) => {
          const x = left + head * (size + gap) + size - (side + 2) * (i + 1) + side / 3;
          const y = top + layer * (size + gap) - side / 3;
          const g = layer_
            .append('g')
            .attr('class', 'badge')
            .attr('data-layer', layer)
            .attr('data-head', head)
            .attr('transform', `translate(${x}, ${y})`);
          g.append('rect').attr('width', side).attr('height', side).attr('rx', 3).attr('fill', badge.color).attr('stroke', '#fff');
          g.append('text')
            .attr('x', side / 2)
            .attr('y', side / 2)
            .attr('dy', '0.35em')
            .attr('text-anchor', 'middle')
            .attr('fill', '#fff')
            .style('font-size', `${Math.round(side * 0.72)}px`)
            .style('font-weight', '600')
            .text(badge.text);
        });
      }
    }
  }

  update(data, options);
  return { update, destroy: () => svg.remove() };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
