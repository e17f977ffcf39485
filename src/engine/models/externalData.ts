/** Large ONNX graphs keep their weights outside the graph file, in external data files next to it
 * (`onnx/model.onnx_data`, or numbered parts), which each initializer names with its `location`, `offset` and
 * `length`. This finds those names without decoding the graph: a walk over the protobuf wire format that skips
 * every field it does not need by its length, so a 500 MB graph with its weights inside costs no copy. */

/** A file of external data and the bytes it holds, as onnxruntime-web takes it (`externalData` session option). */
export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

// Field numbers in onnx.proto: ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto.external_data = 13
// (StringStringEntryProto: key = 1, value = 2).
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_EXTERNAL_DATA = 13;

/** The external data files a graph's initializers name (their `location`s), in order of first use. */
export function externalDataLocations(bytes: Uint8Array): string[] {
  const locations = new Set<string>();
  for (const graph of fields(bytes, 0, bytes.length, MODEL_GRAPH)) {
    for (const tensor of fields(bytes, graph.start, graph.end, GRAPH_INITIALIZER)) {
      for (const entry of fields(bytes, tensor.start, tensor.end, TENSOR_EXTERNAL_DATA)) {
        const key = text(bytes, fields(bytes, entry.start, entry.end, 1)[0]);
        const value = text(bytes, fields(bytes, entry.start, entry.end, 2)[0]);
        if (key === 'location' && value) locations.add(value);
      }
    }
  }
  return [...locations];
}

interface Span {
  start: number;
  end: number;
}

/** The length-delimited fields numbered `wanted` in bytes[start, end) of one message. */
function fields(bytes: Uint8Array, start: number, end: number, wanted: number): Span[] {
  const found: Span[] = [];
  let at = start;
  while (at < end) {
    const [tag, afterTag] = varint(bytes, at);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    at = afterTag;
    if (wireType === 0) at = varint(bytes, at)[1];
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const [length, afterLength] = varint(bytes, at);
      if (field === wanted) found.push({ start: afterLength, end: afterLength + length });
      at = afterLength + length;
    } else return found; // groups (3, 4) are not used by onnx.proto; stop rather than misread
  }
  return found;
}

/** A varint and the offset after it (numbers up to 2⁵³, enough for any length in a file). A file cut off inside
 * one (an interrupted download) ends it: the walk then runs past the end and stops, rather than loop forever. */
function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) return [value, at];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

function text(bytes: Uint8Array, span: Span | undefined): string {
  return span ? new TextDecoder().decode(bytes.subarray(span.start, span.end)) : '';
}

/** The path of an external data file in the model folder: next to the graph file that names it. */
export function externalDataPath(graphFile: string, location: string): string {
  const slash = graphFile.lastIndexOf('/');
  return slash < 0 ? location : `${graphFile.slice(0, slash + 1)}${location}`;
}
