// Reading mode's text comes in fixed chunks of pages, so each chunk has one URL
// (`/api/documents/<id>/text?from=first&to=last`) that HTTP caches and an offline pack stores.
// Shared by reading mode and the offline pack (static/js/offline/pack.js).

const CHUNK_PAGES = 3;

/** The pages [first, last] of the chunk holding page `number`. */
export function textChunk(number, pageCount) {
  const first = number - ((number - 1) % CHUNK_PAGES);
  return [first, Math.min(pageCount, first + CHUNK_PAGES - 1)];
}

/** Every chunk of a document of `pageCount` pages, in order: what reading mode may ask for. */
export function textChunks(pageCount) {
  const chunks = [];
  for (let first = 1; first <= pageCount; first += CHUNK_PAGES) chunks.push(textChunk(first, pageCount));
  return chunks;
}
